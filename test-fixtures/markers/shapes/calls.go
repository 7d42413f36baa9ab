package markers

import (
	"fmt"
	"testing"
)

// Wrapf: fmt.Errorf is inlined and calls fmt.errorf; the message names the call as written and what it passes the value to.
// The line's runtime.newobject is the inlined &errors.errorString{...}'s: `n` takes only runtime.convT64 (testing.AllocsPerRun:
// 2 allocations for n = 5 and 255, 3 for 256 and 1000).
func Wrapf(n int) error {
	return fmt.Errorf("bad %d", n) // want escape.heap:`fmt.Errorf("bad %d", n)` "inside `fmt.Errorf`, inlined here" escape.heap:"n" "passed to `fmt\\.Errorf` at line 12, inlined, which passes it to `fmt\\.errorf`, which lets it escape"
}

// Report: the compiler names t.Errorf by the type that declares it, (*testing.common).Errorf.
func Report(t *testing.T, name string) { // want leak.param:"t" "leaks to the heap" leak.param:"name" "leaks into a copy of it"
	t.Errorf("bad %s", name) // want escape.heap:"name" "passed to `t\\.Errorf` at line 17, which lets it escape"
}
