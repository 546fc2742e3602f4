package main

import (
	"bufio"
	"fmt"
	"os"
)

func compute(n int64) int64 {
	best := int64(-1000000000000)
	for l := int64(1); l <= n; l++ {
		var cur int64
		for r := l; r <= n; r++ {
			cur += r*7919%1000 - 500
			if cur > best {
				best = cur
			}
		}
	}
	return best
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
