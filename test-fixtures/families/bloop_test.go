//go:build go1.24

package families

import "testing"

var localsink int

func BenchmarkLoop(b *testing.B) {
	x := 0
	for b.Loop() {
		Recursive(3)
		localsink = NoInline(x)
		x += 5
		_ = MakeConst()
	}
}
