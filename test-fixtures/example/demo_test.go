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
