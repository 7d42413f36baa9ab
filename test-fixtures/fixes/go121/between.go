package fixes

// Pre-allocation never adds an allocation (issue 13.3): with a statement between the declaration
// and the loop, the declaration itself gets the capacity; a second make would be one more.

var calls int

// IndexBetween has a statement between its map and the loop.
func IndexBetween(xs []string) map[string]int {
	m := make(map[string]int)
	calls++
	for i, x := range xs {
		m[x] = i // want: prealloc-map
	}
	return m
}

// IndexLiteralBetween starts from a map literal.
func IndexLiteralBetween(xs []string) map[string]int {
	m := map[string]int{}
	calls++
	for i, x := range xs {
		m[x] = i // want: prealloc-map
	}
	return m
}

// SquaresBetween starts from an empty, non-nil slice: it must stay non-nil.
func SquaresBetween(xs []int) []int {
	out := []int{}
	calls++
	for _, x := range xs {
		out = append(out, x*x) // want: prealloc-slice
	}
	return out
}

// NilBetween starts nil: after zero iterations it must stay nil.
func NilBetween(xs []int) []int {
	var out []int
	calls++
	for _, x := range xs {
		out = append(out, x*x) // want: prealloc-slice
	}
	return out
}

// ShrunkBetween changes what it ranges over between the map and the loop: the count at the
// declaration would be another, and a second make one more allocation, so no fix.
func ShrunkBetween(xs []string) map[string]int {
	m := make(map[string]int)
	xs = xs[1:]
	for i, x := range xs {
		m[x] = i
	}
	return m
}

// DecodeRepeat loops to a count that may come from its input and calls out per element: a
// capacity reserved up front would be reserved even when f panics at the first element (issue 14.1).
func DecodeRepeat(n int, f func(int) int) []int {
	var out []int
	for i := 0; i < n; i++ {
		out = append(out, f(i))
	}
	return out
}
