package markers

import (
	"fmt"
	"strconv"
	"testing"
)

// Wrapf: fmt.Errorf is inlined and calls fmt.errorf; the message names the call as written and what it passes the value to.
// The line's runtime.newobject is the inlined &errors.errorString{...}'s: `n` takes only runtime.convT64 (testing.AllocsPerRun:
// 2 allocations for n = 5 and 255, 3 for 256 and 1000).
func Wrapf(n int) error {
	return fmt.Errorf("bad %d", n) // want escape.heap:`fmt.Errorf("bad %d", n)` "inside `fmt.Errorf`, inlined here" escape.heap:"n" "passed to `fmt\\.Errorf` at line 13, inlined, which passes it to `fmt\\.errorf`, which lets it escape"
}

// Report: the compiler names t.Errorf by the type that declares it, (*testing.common).Errorf.
func Report(t *testing.T, name string) { // want leak.param:"t" "leaks to the heap" leak.param:"name" "leaks into a copy of it"
	t.Errorf("bad %s", name) // want escape.heap:"name" "passed to `t\\.Errorf` at line 18, which lets it escape"
}

// Label: value-receiver methods called on a chain. The compiler prints the call as method
// expressions, `Label.Text(Label.With(MakeLabel(s), "x"))`; the message quotes the chain as written,
// and the range is the last call's own part.
type Label struct{ s string }

//go:noinline
func MakeLabel(s string) Label { return Label{s} }

//go:noinline
func (l Label) With(x string) Label { return Label{l.s + x} } // want escape.heap:"l.s + x" "is allocated on the heap"

//go:noinline
func (l Label) Text() string { return l.s }

func Show(s string) {
	fmt.Println(MakeLabel(s).With("x").Text()) // want escape.heap:"Text()" "^`MakeLabel\\(s\\)\\.With\\(\"x\"\\)\\.Text\\(\\)` is allocated on the heap"
}

// ID.Text is inlined at UseID's call: the compiler calls its result `~r0`; the message quotes the call.
type ID int

func (i ID) Text() string { return "id-" + strconv.Itoa(int(i)) } // want escape.heap:`"id-" + strconv.Itoa(int(i))` "is allocated on the heap: it is returned"

var anySink any

func UseID(i ID) {
	anySink = i.Text() // want escape.heap:"i.Text()" "^inside `ID.Text`, inlined here, `\"id-\" \\+ …` is allocated" escape.heap:"i.Text()" "^`i\\.Text\\(\\)` is allocated on the heap: it is assigned to the package-level variable `anySink`"
}
