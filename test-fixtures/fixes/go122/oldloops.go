//go:build go1.21

package fixes122

// OldStored keeps closures; this file is Go 1.21 by its build line, so they share i.
func OldStored(n int) []func() int {
	fs := []func() int{}
	for i := 0; i < n; i++ {
		fs = append(fs, func() int { return i }) // want: copy-loop-var prealloc-slice
	}
	return fs
}
