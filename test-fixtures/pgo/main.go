package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// heavy is over the default inlining budget; a profile that shows its call site hot lets PGO inline it.
func heavy(xs []int) int {
	t := 0
	for i, x := range xs {
		switch {
		case x%3 == 0:
			t += x * i
		case x%5 == 0:
			t -= x / (i + 1)
		case x%7 == 0:
			t ^= x << 2
		default:
			t += x
		}
		if t > 1<<40 {
			t = t % 1000003
		}
	}
	for i := range xs {
		xs[i] = xs[i]*3 + t%7
	}
	return t
}

func main() {
	if len(os.Args) > 1 {
		f, _ := os.Create(os.Args[1])
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	xs := make([]int, 1000)
	s := 0
	for i := 0; i < 300000; i++ {
		s += heavy(xs)
	}
	fmt.Println(s)
}
