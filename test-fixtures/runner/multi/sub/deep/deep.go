// Package deep lives two directories below the module root.
package deep

var sinkD *string

// Deep moves its local to the heap.
func Deep() {
	d := "deep"
	sinkD = &d
}
