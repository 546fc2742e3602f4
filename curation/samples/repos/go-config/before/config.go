package config

import (
	"os"
	"strconv"
)

func Load() (string, int, bool) {
	h := os.Getenv("APP_HOST")
	if h == "" {
		h = "localhost"
	}
	p := 8080
	if v := os.Getenv("APP_PORT"); v != "" {
		n, err := strconv.Atoi(v)
		if err == nil {
			p = n
		}
	}
	d := false
	if v := os.Getenv("APP_DEBUG"); v != "" {
		b, err := strconv.ParseBool(v)
		if err == nil {
			d = b
		}
	}
	return h, p, d
}
