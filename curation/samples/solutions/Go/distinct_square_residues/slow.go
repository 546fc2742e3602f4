package main

import (
	"bufio"
	"fmt"
	"os"
)

func compute(n int64) int64 {
	var count int64
	for i := int64(1); i <= n; i++ {
		dup := false
		for j := int64(1); j < i; j++ {
			if j*j%1009 == i*i%1009 {
				dup = true
			}
		}
		if !dup {
			count++
		}
	}
	return count
}

func main() {
	reader := bufio.NewReader(os.Stdin)
	writer := bufio.NewWriter(os.Stdout)
	defer writer.Flush()
	var n int64
	for {
		if _, err := fmt.Fscan(reader, &n); err != nil {
			break
		}
		fmt.Fprintln(writer, compute(n))
	}
}
