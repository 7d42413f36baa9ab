package fixes

import (
	"strconv"
	"testing"
)

var (
	sinkMapB  map[string]int
	sinkIntsB []int
)

// TestBetweenNeverAddsAllocations pins the allocations before fixing (exact, go1.26 on amd64)
// and requires at most as many after, for zero, one, a few and many iterations.
func TestBetweenNeverAddsAllocations(t *testing.T) {
	words := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "w" + strconv.Itoa(i)
		}
		return out
	}
	ints := func(n int) []int { return make([]int, n) }
	type measure struct {
		name   string
		f      func()
		before float64
	}
	var cases []measure
	for _, n := range []int{0, 1, 3, 1000} {
		ws, is := words(n), ints(n)
		cases = append(cases,
			measure{"IndexBetween/" + strconv.Itoa(n), func() { sinkMapB = IndexBetween(ws) }, beforeAllocs["IndexBetween"][n]},
			measure{"IndexLiteralBetween/" + strconv.Itoa(n), func() { sinkMapB = IndexLiteralBetween(ws) }, beforeAllocs["IndexLiteralBetween"][n]},
			measure{"SquaresBetween/" + strconv.Itoa(n), func() { sinkIntsB = SquaresBetween(is) }, beforeAllocs["SquaresBetween"][n]},
			measure{"NilBetween/" + strconv.Itoa(n), func() { sinkIntsB = NilBetween(is) }, beforeAllocs["NilBetween"][n]},
		)
	}
	for _, c := range cases {
		got := testing.AllocsPerRun(100, c.f)
		t.Logf("%s: %.0f allocs/op (fixed=%v)", c.name, got, fixed)
		if !fixed && got != c.before {
			t.Errorf("%s: %.0f allocs before fixing, pinned %.0f", c.name, got, c.before)
		}
		if fixed && got > c.before {
			t.Errorf("%s: %.0f allocs after fixing, more than the %.0f before", c.name, got, c.before)
		}
	}
}

// beforeAllocs are the allocations per call before fixing, by function and element count.
var beforeAllocs = map[string]map[int]float64{
	"IndexBetween":        {0: 1, 1: 2, 3: 2, 1000: 22},
	"IndexLiteralBetween": {0: 1, 1: 2, 3: 2, 1000: 22},
	"SquaresBetween":      {0: 0, 1: 1, 3: 1, 1000: 9},
	"NilBetween":          {0: 0, 1: 1, 3: 1, 1000: 9},
}

func TestBetweenKeepsNilness(t *testing.T) {
	if NilBetween(nil) != nil || NilBetween([]int{}) != nil {
		t.Fatal("NilBetween must stay nil after zero iterations")
	}
	if SquaresBetween(nil) == nil {
		t.Fatal("SquaresBetween must stay non-nil")
	}
	if got := SquaresBetween([]int{1, 2, 3}); len(got) != 3 || got[2] != 9 {
		t.Fatalf("SquaresBetween: %v", got)
	}
	if m := IndexBetween([]string{"a", "b"}); len(m) != 2 || m["b"] != 1 {
		t.Fatalf("IndexBetween: %v", m)
	}
	if m := ShrunkBetween([]string{"a", "b"}); len(m) != 1 || m["b"] != 0 {
		t.Fatalf("ShrunkBetween: %v", m)
	}
	// Input that claims 1<<42 elements and fails at the third: reserving the claimed capacity up
	// front dies with "fatal error: runtime: out of memory" (issue 14.1), so it must get no fix.
	func() {
		defer func() { _ = recover() }()
		DecodeRepeat(1<<42, func(i int) int {
			if i == 2 {
				panic("bad input")
			}
			return i
		})
	}()
}
