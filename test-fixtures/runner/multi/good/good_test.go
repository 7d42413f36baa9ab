package good

import "testing"

var sink *int

func TestInternal(t *testing.T) {
	v := 42
	sink = &v
	if NewBox(1).N != 1 {
		t.Fatal("NewBox")
	}
}
