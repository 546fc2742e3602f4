package config

import (
	"os"
	"strconv"
)

// Config is the server configuration read from the environment.
type Config struct {
	Host  string
	Port  int
	Debug bool
}

func envString(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func envInt(name string, fallback int) int {
	if value, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return value
	}
	return fallback
}

func envBool(name string, fallback bool) bool {
	if value, err := strconv.ParseBool(os.Getenv(name)); err == nil {
		return value
	}
	return fallback
}

// Load reads the configuration, with defaults for unset variables.
func Load() Config {
	return Config{
		Host:  envString("APP_HOST", "localhost"),
		Port:  envInt("APP_PORT", 8080),
		Debug: envBool("APP_DEBUG", false),
	}
}
