package profiled

import "testing"

var sinkIntPtr *int

func BenchmarkFormat(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkString = Format(i)
	}
}

func BenchmarkHandler(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkInts = Handler(4)
	}
}

func BenchmarkWrap(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkIntPtr = Wrap(i)
	}
}

func BenchmarkBoxPut(b *testing.B) {
	var box Box[string]
	for i := 0; i < b.N; i++ {
		if i%16 == 0 {
			box = Box[string]{}
		}
		box.Put("x")
	}
}

func BenchmarkLabels(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkString, sinkString = Labels(i)
	}
}
