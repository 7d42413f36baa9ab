package fixes

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// fixed says whether Heapscope's fixes have been applied (the harness sets HEAPSCOPE_FIXED=1):
// behaviour must be the same either way, except the loop-variable bugs the fixes remove, and
// allocation counts must drop.
var fixed = os.Getenv("HEAPSCOPE_FIXED") == "1"

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStoredClosures(t *testing.T) {
	var got []int
	for _, f := range StoredClosures(3) {
		got = append(got, f())
	}
	want := []int{3, 3, 3} // one shared i, seen after the loop ended
	if fixed {
		want = []int{0, 1, 2}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v (fixed=%v)", got, want, fixed)
	}
	if StoredClosures(0) != nil || StoredClosures(-1) != nil {
		t.Fatal("no closures must stay nil")
	}
}

func TestDeferredPrints(t *testing.T) {
	got := strings.Join(DeferredPrints([]string{"a", "b", "c"}), "")
	want := "ccc"
	if fixed {
		want = "cba"
	}
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestGoroutineCapture(t *testing.T) {
	// Each goroutine finishes within its iteration (wg.Wait inside the loop), so the result is
	// the same with and without the copy: the fix must not change it.
	got := GoroutineCapture([]int{1, 2, 3})
	if !reflect.DeepEqual(got, []int{1, 2, 3}) {
		t.Fatalf("got %v", got)
	}
}

func TestNotFixedBehaviour(t *testing.T) {
	if ImmediateCall([]int{1, 2, 3}) != 6 {
		t.Fatal("ImmediateCall")
	}
	g := [][]int{{3, 1, 2}}
	SortEach(g)
	if !reflect.DeepEqual(g[0], []int{1, 2, 3}) {
		t.Fatal("SortEach")
	}
	var got []int
	for _, f := range SkipOdd(4) {
		got = append(got, f())
	}
	if !reflect.DeepEqual(got, []int{4, 4}) {
		t.Fatalf("SkipOdd %v", got)
	}
	got = nil
	for _, f := range AlreadyCopied([]int{7, 8}) {
		got = append(got, f())
	}
	if !reflect.DeepEqual(got, []int{7, 8}) {
		t.Fatalf("AlreadyCopied %v", got)
	}
}

func TestSquaresNilness(t *testing.T) {
	if Squares(nil) != nil || Squares([]int{}) != nil {
		t.Fatal("zero iterations must leave the slice nil")
	}
	if got := jsonOf(t, Squares(nil)); got != "null" {
		t.Fatalf("json %s", got)
	}
	if got := Squares([]int{1, 2, 3}); !reflect.DeepEqual(got, []int{1, 4, 9}) {
		t.Fatalf("got %v", got)
	}
}

func TestKeysNonNil(t *testing.T) {
	if got := Keys(nil); got == nil || len(got) != 0 || jsonOf(t, got) != "[]" {
		t.Fatalf("Keys(nil) = %#v, want non-nil empty", got)
	}
	if got := Keys(map[string]int{"b": 1, "a": 2}); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("got %v", got)
	}
}

func TestRepeat(t *testing.T) {
	for _, n := range []int{-1, 0} {
		if got := Repeat(n, "x"); got == nil || len(got) != 0 {
			t.Fatalf("Repeat(%d) = %#v, want non-nil empty", n, got)
		}
	}
	if got := Repeat(3, "x"); !reflect.DeepEqual(got, []string{"x", "x", "x"}) {
		t.Fatalf("got %v", got)
	}
}

func TestIndex(t *testing.T) {
	got := Index([]string{"a", "b", "a"})
	if !reflect.DeepEqual(got, map[string]int{"a": 2, "b": 1}) {
		t.Fatalf("got %v", got)
	}
	if got := Index(nil); got == nil || len(got) != 0 {
		t.Fatal("Index(nil) must be a non-nil empty map")
	}
}

func TestUnfixedPrealloc(t *testing.T) {
	if !reflect.DeepEqual(Evens([]int{1, 2, 4}), []int{2, 4}) || Evens(nil) != nil {
		t.Fatal("Evens")
	}
	if !reflect.DeepEqual(Flatten([][]int{{1}, {2, 3}}), []int{1, 2, 3}) || !reflect.DeepEqual(Nested([][]int{{1}, {2, 3}}), []int{1, 2, 3}) {
		t.Fatal("Flatten/Nested")
	}
	ch := make(chan int, 2)
	ch <- 1
	ch <- 2
	close(ch)
	if !reflect.DeepEqual(Drain(ch), []int{1, 2}) || !reflect.DeepEqual(Runes("hé"), []rune{'h', 'é'}) {
		t.Fatal("Drain/Runes")
	}
	if !reflect.DeepEqual(Prefixed([]int{1}), []int{-1, 1}) || !reflect.DeepEqual(UntilNegative([]int{1, -1, 2}), []int{1}) {
		t.Fatal("Prefixed/UntilNegative")
	}
	if !reflect.DeepEqual(Grow(3), []int{0, 1}) || !reflect.DeepEqual(Dedup([]string{"a", "a"}), map[string]int{"a": 2}) {
		t.Fatal("Grow/Dedup")
	}
}

func TestItoa(t *testing.T) {
	if Decimal(-3) != "-3" || Label(42) != "#42" || Label(-7) != "#-7" || LabelLen(make([]int, 12)) != "12" || ArgCount() != strings.TrimSpace(ArgCount()) {
		t.Fatal("itoa")
	}
	if Label64(5) != "5" || LabelID(3) != "id-3" || Padded(7) != "007" {
		t.Fatal("unfixed itoa")
	}
}

// allocs measures allocations per call.
func allocs(f func()) float64 { return testing.AllocsPerRun(200, f) }

var (
	input = func() []int {
		xs := make([]int, 1000)
		for i := range xs {
			xs[i] = i
		}
		return xs
	}()
	strs = func() []string {
		xs := make([]string, 1000)
		for i := range xs {
			xs[i] = strings.Repeat("k", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26%26))
		}
		return xs
	}()
	keysMap = func() map[string]int {
		m := map[string]int{}
		for i, s := range strs {
			m[s] = i
		}
		return m
	}()
	sinkInts  []int
	sinkStrs  []string
	sinkFuncs []func() int
	sinkMap   map[string]int
	sinkStr   string
)

func TestAllocations(t *testing.T) {
	cases := []struct {
		name          string
		f             func()
		before, after float64 // measured with go1.26 on amd64: before is a lower bound, after exact
	}{
		{"Squares", func() { sinkInts = Squares(input) }, 9, 1},
		{"Keys", func() { sinkStrs = Keys(keysMap) }, 11, 1},
		{"Repeat", func() { sinkStrs = Repeat(1000, "x") }, 11, 1},
		{"StoredClosures", func() { sinkFuncs = StoredClosures(100) }, 106, 101},
		{"Index", func() { sinkMap = Index(strs) }, 22, 6},
		{"Decimal", func() { sinkStr = Decimal(123456) }, 1, 1},
	}
	for _, c := range cases {
		got := allocs(c.f)
		t.Logf("%s: %.0f allocs/op (fixed=%v)", c.name, got, fixed)
		switch {
		case !fixed && got < c.before:
			t.Errorf("%s: %.0f allocs before fixing, want ≥ %.0f", c.name, got, c.before)
		case fixed && c.after > 0 && got != c.after:
			t.Errorf("%s: %.0f allocs after fixing, want %.0f", c.name, got, c.after)
		}
	}
}

func TestCursorLoops(t *testing.T) {
	// One shared cursor, stepped twice per iteration: two iterations, both closures see 4.
	for name, got := range map[string][]int{"SkipEveryOther": SkipEveryOther(), "SkipByMethodValue": SkipByMethodValue()} {
		if !reflect.DeepEqual(got, []int{4, 4}) {
			t.Errorf("%s: got %v, want [4 4] (fixed=%v)", name, got, fixed)
		}
	}
	list := &node{1, &node{2, &node{3, nil}}}
	want := []int{3, 3} // the shared p ends on the last node
	if fixed {
		want = []int{2, 1}
	}
	if got := ListValues(list); !reflect.DeepEqual(got, want) {
		t.Errorf("ListValues: got %v, want %v (fixed=%v)", got, want, fixed)
	}
}
