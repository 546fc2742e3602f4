package units

import "fmt"

func Format(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	} else if n < 1024*1024 {
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	} else if n < 1024*1024*1024 {
		return fmt.Sprintf("%.1f MiB", float64(n)/1024/1024)
	} else if n < 1024*1024*1024*1024 {
		return fmt.Sprintf("%.1f GiB", float64(n)/1024/1024/1024)
	} else {
		return fmt.Sprintf("%.1f TiB", float64(n)/1024/1024/1024/1024)
	}
}
