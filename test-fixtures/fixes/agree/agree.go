// Package agree holds loops where check and fix once decided differently: `check` shows no
// hidden kinds, so it lacked the compiler's `capturing by ref: c (addr=true …)` that `fix` saw.
package agree

// Steps is a three-clause loop stepped by a pointer method: the nested closure captures c by
// address (the compiler says addr=true), so no copy is offered, by check or by fix.
func Steps() (out []int) {
	for c := (cursor{}); c.more(); c.advance() {
		defer func() {
			func() { out = append(out, c.i) }()
		}()
	}
	return out
}

// MethodValue takes a method value of a pointer method declared in another file: the syntax of
// this file cannot see the implicit &c, the compiler can.
func MethodValue() (out []int) {
	for c := (cursor{}); c.more(); c.advance() {
		step := c.advance
		_ = step
		defer func() { out = append(out, c.i) }()
	}
	return out
}

var kept []func() int

func keep(f func() int) { kept = append(kept, f) }

// Kept passes its closure to a function that keeps it: a "may" hint whose fix fix leaves
// unless --include-uncertain.
func Kept(xs []int) {
	for _, x := range xs {
		keep(func() int { return x })
	}
}

// Deferred is a plain capture: the fix is applied.
func Deferred(xs []int) (out []int) {
	for _, x := range xs {
		defer func() { out = append(out, x) }()
	}
	return out
}
