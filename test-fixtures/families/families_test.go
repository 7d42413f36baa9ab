package families

import "testing"

func BenchmarkMoved(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = Moved(i, i)
	}
}

func TestTabs(t *testing.T) {
	if Tabs(1) == "" {
		t.Fatal("empty")
	}
}
