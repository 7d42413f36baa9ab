package heapdemo

import "testing"

func TestSquares(t *testing.T) {
	got := Squares([]int{1, 2, 3})
	if len(got) != 3 || got[2] != 9 {
		t.Fatalf("Squares = %v", got)
	}
}

func BenchmarkNewPoint(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = NewPoint(i, i)
	}
}

// The benchmarks below give `npm run demo` a real allocation profile of this module.

func BenchmarkDescribe(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = Describe(Point{X: i, Y: i})
	}
}

func BenchmarkSquares(b *testing.B) {
	xs := make([]int, 64)
	for i := 0; i < b.N; i++ {
		_ = Squares(xs)
	}
}

func BenchmarkJoin(b *testing.B) {
	words := []string{"alpha", "beta", "gamma", "delta"}
	for i := 0; i < b.N; i++ {
		_ = Join(words)
	}
}

func BenchmarkLookup(b *testing.B) {
	keys := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for i := 0; i < b.N; i++ {
		_ = Lookup(keys)
	}
}
