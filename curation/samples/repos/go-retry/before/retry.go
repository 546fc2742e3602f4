package retry

import (
	"net/http"
	"time"
)

func Get(u string) (*http.Response, error) {
	var r *http.Response
	var e error
	for i := 0; i < 5; i++ {
		r, e = http.Get(u)
		if e == nil {
			if r.StatusCode < 500 {
				return r, nil
			}
			r.Body.Close()
		}
		time.Sleep(time.Duration(100*(1<<i)) * time.Millisecond)
	}
	return r, e
}
