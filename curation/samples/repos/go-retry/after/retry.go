package retry

import (
	"net/http"
	"time"
)

const (
	maxAttempts = 5
	baseDelay   = 100 * time.Millisecond
)

// backoff doubles the delay after every failed attempt.
func backoff(attempt int) time.Duration {
	return baseDelay << attempt
}

func retryable(resp *http.Response, err error) bool {
	return err != nil || resp.StatusCode >= 500
}

// Get fetches url, retrying network errors and server errors.
func Get(url string) (*http.Response, error) {
	var resp *http.Response
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		resp, err = http.Get(url)
		if !retryable(resp, err) {
			return resp, nil
		}
		if err == nil {
			resp.Body.Close()
		}
		time.Sleep(backoff(attempt))
	}
	return resp, err
}
