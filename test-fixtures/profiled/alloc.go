// Package profiled allocates in distinct, known ways so that tests can compare
// Heapscope's per-line attribution with `go tool pprof -lines`.
package profiled

import "strconv"

// Point is a small value that escapes when returned by pointer.
type Point struct{ X, Y int }

// newPoint is small enough to be inlined into its callers: its allocation is
// recorded at this line with the caller's line as an inlined frame.
func newPoint(x, y int) *Point {
	return &Point{X: x, Y: y}
}

// MakeBuffer allocates a fresh slice of n bytes on every call.
//
//go:noinline
func MakeBuffer(n int) []byte {
	return make([]byte, n)
}

// Pair returns two points built by the inlined newPoint.
//
//go:noinline
func Pair(i int) (*Point, *Point) {
	a := newPoint(i, i)
	b := newPoint(i+1, i)
	return a, b
}

// Grow appends n integers to a nil slice, so append reallocates as it grows.
//
//go:noinline
func Grow(n int) []int {
	var xs []int
	for i := 0; i < n; i++ {
		xs = append(xs, i)
	}
	return xs
}

// Label builds a string from numbers; the conversion and concatenation allocate.
//
//go:noinline
func Label(i int) string {
	return "item-" + strconv.Itoa(i*1000003)
}

// Recurse calls itself depth times and allocates at the bottom, so one line recurs on the stack.
//
//go:noinline
func Recurse(depth int) []byte {
	if depth == 0 {
		return MakeBuffer(48)
	}
	return Recurse(depth - 1)
}
