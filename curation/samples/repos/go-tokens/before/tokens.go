package tokens

import (
	"math/rand"
	"net/http"
)

var apiToken = "changeme"

func NewToken() string {
	letters := "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 16)
	for i := range b {
		b[i] = letters[rand.Intn(len(letters))]
	}
	return string(b)
}

func Authorized(r *http.Request) bool {
	return r.Header.Get("X-Token") == apiToken
}
