package profiled

import "strconv"

// The kinds of functions whose profile symbols do not name a declaration plainly: a package-level
// variable's func literal (symbol init.func1, inside no declared function), a closure made in an
// init function (init.0.func1), a generic function (Wrap[go.shape.int]) and a method of a generic
// type ((*Box[go.shape.string]).Put). Each allocates a little per call.

// Format is a func literal assigned to a package-level variable, as gin's defaultLogFormatter.
var Format = func(n int) string {
	return "n=" + strconv.Itoa(n*1000003)
}

// Handler is set by init to a closure.
var Handler func(n int) []int

func init() {
	Handler = func(n int) []int {
		return make([]int, n)
	}
}

// Wrap is a generic function returning its argument on the heap.
//
//go:noinline
func Wrap[T any](v T) *T {
	return &v
}

// Box is a generic type whose method appends.
type Box[T any] struct{ items []T }

// Put appends one item, growing the box's slice.
//
//go:noinline
func (b *Box[T]) Put(v T) {
	b.items = append(b.items, v)
}

// label is inlined into Labels, so its concatenation is allocated in label's line with Labels's
// call as the outer frame.
func label(i int) string {
	return "label-" + strconv.Itoa(i*1000003)
}

// Labels builds two labels through the inlined label.
//
//go:noinline
func Labels(i int) (string, string) {
	return label(i), label(i + 1)
}
