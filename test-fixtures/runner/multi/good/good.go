// Package good compiles and has heap decisions in its own and its test files.
package good

// Box is returned by address.
type Box struct{ N int }

// NewBox moves its local to the heap.
func NewBox(n int) *Box {
	b := Box{N: n}
	return &b
}

// Keep does not take any address.
func Keep(n int) int {
	x := n
	return x
}
