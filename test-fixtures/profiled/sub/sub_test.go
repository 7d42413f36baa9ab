package sub

import "testing"

func BenchmarkTableAdd(b *testing.B) {
	var t Table
	for i := 0; i < b.N; i++ {
		if i%50 == 0 {
			t.Reset()
		}
		t.Add(8)
	}
}
