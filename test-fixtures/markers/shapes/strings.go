package markers

// Bytes converts a string to a byte slice that outlives the call.
func Bytes(s string) []byte {
	return []byte(s) // want escape.heap:"[]byte(s)" "is allocated on the heap: it is returned"
}

// String converts bytes to a string that outlives the call.
func String(b []byte) string {
	return string(b) // want escape.heap:"string(b)" "is allocated on the heap: it is returned"
}

// Concat concatenates strings.
func Concat(a, b string) string {
	return a + "," + b // want escape.heap:`a + "," + b` "is allocated on the heap: it is returned"
}

// Grow appends past a slice's capacity.
func Grow(xs []int, x int) []int {
	return append(xs, x) // want escape.heap:"append(xs, x)" "backing array grown by this `append`"
}

// AppendLit appends a new element.
func AppendLit(ps []*Point, x int) []*Point {
	return append(ps, &Point{X: x}) // want escape.heap:"append(ps, &Point{X: x})" "backing array" escape.heap:"&Point{X: x}" "passed to `append`"
}

const sep = ", "

// JoinConst concatenates with a named constant: the message quotes the code as written, not the constant's value.
func JoinConst(a, b string) any {
	return a + sep + b // want escape.heap:"a + sep + b" "^`a \\+ sep \\+ b` (may be|is) allocated on the heap"
}

type named struct{ name string }

//go:noinline
func (n *named) Name() string {
	if n.name == "" {
		return "anonymous"
	}
	return n.name
}

// MethodCall: the compiler prints the call as a method expression, `(*named).Name(n) + "!"`; the message quotes it as written.
func MethodCall(n *named) any {
	return n.Name() + "!" // want escape.heap:`n.Name() + "!"` "^`n\\.Name\\(\\) \\+ \"!\"` (may be|is) allocated on the heap"
}

// AppendVerb: the compiler reports the conversion at its operand's `(`, which is a call too; the
// range is the conversion the message quotes, not the `append` inside it.
func AppendVerb(b []byte, v rune) string {
	return string(append(b, string(v)...)) // want escape.heap:"string(append(b, string(v)...))" "^`string\\(append\\(b, string\\(v\\)\\.\\.\\.\\)\\)` is allocated on the heap: it is returned"
}
