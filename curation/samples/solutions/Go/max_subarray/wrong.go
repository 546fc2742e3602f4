package main

import (
	"bufio"
	"fmt"
	"os"
)

func compute(n int64) int64 {
	best, cur := int64(-1000000000000), int64(0)
	for i := int64(1); i < n; i++ {
		x := i*7919%1000 - 500
		if cur+x > x {
			cur += x
		} else {
			cur = x
		}
		if cur > best {
			best = cur
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
