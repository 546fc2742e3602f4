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

// memo caches answers for every n up to the input bound, allocated up front.
var memo []int64

const bound = 4000000

func solve(n int64) int64 {
	if memo == nil {
		memo = make([]int64, bound)
		for i := range memo {
			memo[i] = -1
		}
	}
	if memo[n] < 0 {
		memo[n] = compute(n)
	}
	return memo[n]
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
		fmt.Fprintln(writer, solve(n))
	}
}
