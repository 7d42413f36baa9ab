// Package heapdemo is the example module Heapscope's demo and tests run on.
// Each function shows one way a value ends up on the heap.
package heapdemo

import (
	"fmt"
	"strings"
	"sync"
)

// Point is a small value type.
type Point struct{ X, Y int }

// NewPoint returns the address of a local, so the local moves to the heap.
func NewPoint(x, y int) *Point {
	p := Point{X: x, Y: y}
	return &p
}

// Describe passes a value to fmt, which makes it escape through an interface.
func Describe(p Point) string {
	return fmt.Sprintf("%d,%d", p.X, p.Y)
}

// Squares appends to a slice that starts empty: a pre-allocation candidate.
func Squares(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x*x)
	}
	return out
}

// Join concatenates in a loop.
func Join(words []string) string {
	s := ""
	for _, w := range words {
		s += w + ","
	}
	return strings.TrimSuffix(s, ",")
}

// SumAsync captures the loop variable by reference in goroutines (Go 1.21 semantics).
func SumAsync(xs []int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for i := 0; i < len(xs); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			total += xs[i]
			mu.Unlock()
		}()
	}
	wg.Wait()
	return total
}

// Sum keeps everything on the stack.
func Sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// Buffer makes a slice whose size is not known at compile time.
func Buffer(n int) []byte {
	buf := make([]byte, n)
	return buf[:n/2]
}

// Counter holds state shared with a closure.
func Counter() func() int {
	c := 0
	return func() int {
		c++
		return c
	}
}

// Lookup stores a pointer in a map.
func Lookup(keys []string) map[string]*Point {
	m := map[string]*Point{}
	for i, k := range keys {
		m[k] = &Point{X: i}
	}
	return m
}
