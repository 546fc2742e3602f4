package main

import (
	"bufio"
	"fmt"
	"os"
)

func compute(n int64) int64 {
	var s, m int64
	for i := int64(1); i <= n; i++ {
		s += m
		if x := i * 37 % 101; x > m {
			m = x
		}
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
