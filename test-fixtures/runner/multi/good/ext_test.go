package good_test

import (
	"testing"

	"example.com/multi/good"
)

var extSink *good.Box

func TestExternal(t *testing.T) {
	w := good.Box{N: 7}
	extSink = &w
}
