// Package fixes holds the cases Heapscope's fixes must handle: each `// want: <fix id>` marks
// the line where that fix is offered; every other loop, closure and Sprintf must get no fix.
package fixes

import (
	"sort"
	"sync"
)

// GoroutineCapture runs one goroutine per element; before Go 1.22 they share i and x.
func GoroutineCapture(xs []int) []int {
	out := make([]int, len(xs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			out[i] += x // want: copy-loop-var
			mu.Unlock()
		}()
		wg.Wait()
	}
	return out
}

// StoredClosures keeps closures past their iteration.
func StoredClosures(n int) []func() int {
	var fs []func() int
	for i := 0; i < n; i++ {
		fs = append(fs, func() int { return i }) // want: copy-loop-var prealloc-slice
	}
	return fs
}

// DeferredPrints defers a closure per iteration; it runs after the loop.
func DeferredPrints(xs []string) (out []string) {
	for _, x := range xs {
		defer func() {
			out = append(out, x) // want: copy-loop-var
		}()
	}
	return nil
}

// ImmediateCall runs its closure within the iteration: no fix.
func ImmediateCall(xs []int) int {
	sum := 0
	for _, x := range xs {
		func() { sum += x }()
	}
	return sum
}

// SortEach sorts with a closure that finishes within the iteration: no fix.
func SortEach(groups [][]int) {
	for i := range groups {
		sort.Slice(groups[i], func(a, b int) bool { return groups[i][a] < groups[i][b] })
	}
}

// SkipOdd writes its loop variable in the body: a copy would change the loop, so no fix.
func SkipOdd(n int) []func() int {
	var fs []func() int
	for i := 0; i < n; i++ {
		fs = append(fs, func() int { return i })
		i++
	}
	return fs
}

// AlreadyCopied has its copy already: no fix.
func AlreadyCopied(xs []int) []func() int {
	fs := make([]func() int, 0, len(xs))
	for _, x := range xs {
		x := x
		fs = append(fs, func() int { return x })
	}
	return fs
}

// Squares starts nil: after zero iterations it must stay nil.
func Squares(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x*x) // want: prealloc-slice
	}
	return out
}

// Keys starts as a non-nil empty slice: it must stay non-nil.
func Keys(m map[string]int) []string {
	keys := []string{}
	for k := range m {
		keys = append(keys, k) // want: prealloc-slice
	}
	sort.Strings(keys)
	return keys
}

// Repeat counts with a three-clause loop; n may be negative.
func Repeat(n int, s string) []string {
	out := make([]string, 0)
	for i := 0; i < n; i++ {
		out = append(out, s) // want: prealloc-slice
	}
	return out
}

// Index fills a map once per element.
func Index(xs []string) map[string]int {
	m := make(map[string]int)
	for i, x := range xs {
		m[x] = i // want: prealloc-map
	}
	return m
}

// Evens appends conditionally: no fix without the upper-bound setting.
func Evens(xs []int) []int {
	var out []int
	for _, x := range xs {
		if x%2 == 0 {
			out = append(out, x)
		}
	}
	return out
}

// Flatten appends with ...: no fix.
func Flatten(xss [][]int) []int {
	var out []int
	for _, xs := range xss {
		out = append(out, xs...)
	}
	return out
}

// Nested appends in an inner loop: no fix.
func Nested(xss [][]int) []int {
	var out []int
	for _, xs := range xss {
		for _, x := range xs {
			out = append(out, x)
		}
	}
	return out
}

// Drain ranges over a channel, whose count is unknown: no fix.
func Drain(ch chan int) []int {
	var out []int
	for x := range ch {
		out = append(out, x)
	}
	return out
}

// Runes ranges over a string, which runs once per rune, not per byte: no fix.
func Runes(s string) []rune {
	var out []rune
	for _, r := range s {
		out = append(out, r)
	}
	return out
}

// Prefixed has an element before the loop: no fix.
func Prefixed(xs []int) []int {
	var out []int
	out = append(out, -1)
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}

// UntilNegative leaves the loop early: no fix.
func UntilNegative(xs []int) []int {
	var out []int
	for _, x := range xs {
		if x < 0 {
			break
		}
		out = append(out, x)
	}
	return out
}

// Grow changes its bound inside the loop: no fix.
func Grow(n int) []int {
	var out []int
	for i := 0; i < n; i++ {
		out = append(out, i)
		if i == 0 {
			n--
		}
	}
	return out
}

// Dedup reads the map inside the loop: no fix.
func Dedup(xs []string) map[string]int {
	m := map[string]int{}
	for _, x := range xs {
		m[x] = m[x] + 1
	}
	return m
}
