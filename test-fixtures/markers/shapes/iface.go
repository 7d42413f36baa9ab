package markers

import "fmt"

// Print passes values to fmt through interfaces.
func Print(x int, s string) { // want leak.param:"s" "leaks into a copy of it on the heap"
	fmt.Println(x, s) // want escape.heap:"x" "passed to `fmt.Println` at line 7, inlined, which passes it to `fmt.Fprintln`" escape.heap:"s" "passed to `fmt.Println` at line 7, inlined, which passes it to `fmt.Fprintln`"
}

// ToAny converts to an interface explicitly.
func ToAny(x int) {
	sink = any(x) // want escape.heap:"any(x)" "assigned to the package-level variable `sink`"
}

// Variadic passes a slice of interfaces on with `...`: no new allocation.
func Variadic(xs []any) {
	fmt.Println(xs...)
}

// Sum takes variadic arguments.
func Sum(xs ...int) int { // want leak.param:"xs" "leaks into a copy of it on the heap"
	t := 0
	for _, x := range xs {
		t += x
	}
	sink = xs // want escape.heap:"xs" "assigned to the package-level variable `sink`"
	return t
}

// CallSum passes variadic arguments: the slice built for them escapes through the inlined Sum.
func CallSum(a, b int) int {
	return Sum(a, b, 3) // want escape.heap:"(a, b, 3)" "the slice of this call's variadic arguments is allocated on the heap" escape.heap:"Sum(a, b, 3)" "^inside `Sum`, inlined here, `xs` is allocated on the heap"
}
