package tokens

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"os"
)

func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func Authorized(r *http.Request) bool {
	expected := os.Getenv("API_TOKEN")
	if expected == "" {
		return false
	}
	given := r.Header.Get("X-Token")
	return subtle.ConstantTimeCompare([]byte(given), []byte(expected)) == 1
}
