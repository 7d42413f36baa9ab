package profiled

import "testing"

var sinkBytes []byte
var sinkPoint *Point
var sinkInts []int
var sinkString string

func BenchmarkMakeBuffer(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkBytes = MakeBuffer(1024)
	}
}

func BenchmarkPair(b *testing.B) {
	for i := 0; i < b.N; i++ {
		p, q := Pair(i)
		sinkPoint = p
		sinkPoint = q
	}
}

func BenchmarkGrow(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkInts = Grow(100)
	}
}

func BenchmarkLabel(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkString = Label(i)
	}
}

func BenchmarkRecurse(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkBytes = Recurse(3)
	}
}
