//go:build go1.22

// This file's language version is go1.22 (from the build tag), so its loop variables are
// per-iteration; -d=loopvar=2 reports each one as heap- or stack-allocated.
package families

// PerIteration captures a loop variable in a closure that escapes (heap-allocated)
// and another one that does not (stack-allocated).
func PerIteration(n int) []func() int {
	var fs []func() int
	for i := 0; i < n; i++ {
		fs = append(fs, func() int { i *= 2; return i })
	}
	s := 0
	for j := 0; j < n; j++ {
		p := &j
		s += *p
	}
	_ = s
	return fs
}
