package badtest

import "testing"

func TestBroken(t *testing.T) {
	var s string = 1
	_ = s
}
