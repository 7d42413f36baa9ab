// Package fixes122 has Go 1.22 semantics except where a file's //go:build line downgrades it.
package fixes122

// NewStored keeps closures; loop variables are per-iteration here: no fix.
func NewStored(n int) []func() int {
	fs := []func() int{}
	for i := 0; i < n; i++ {
		fs = append(fs, func() int { return i }) // want: prealloc-slice
	}
	return fs
}

// Upto ranges over an integer (Go 1.22); n may be negative, which runs zero iterations.
func Upto(n int) []int {
	var out []int
	for i := range n {
		out = append(out, i) // want: prealloc-slice
	}
	return out
}
