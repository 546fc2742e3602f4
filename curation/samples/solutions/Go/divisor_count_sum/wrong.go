package main

import (
	"bufio"
	"fmt"
	"os"
)

func compute(n int64) int64 {
	var s int64
	for j := int64(1); j < n; j++ {
		s += n / j
	}
	return s
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
