package main

import (
	"bufio"
	"fmt"
	"os"
)

func compute(n int64) int64 {
	var seen [1009]bool
	var count int64
	for i := int64(1); i <= n; i++ {
		r := i * i % 1009
		if !seen[r] {
			seen[r] = true
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
