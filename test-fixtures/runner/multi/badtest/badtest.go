// Package badtest compiles, but its test file does not.
package badtest

var sinkB *int

// Fine moves its local to the heap.
func Fine() {
	f := 6
	sinkB = &f
}
