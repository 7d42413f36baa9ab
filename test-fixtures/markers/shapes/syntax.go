package markers

// One function per kind of node the compiler reports a decision at: each range is the whole
// expression, never the token the compiler's column points at (a call's `(`, a literal's `"` or
// `{`, a selector's `.`, an index's `[`, an operator).

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// Literal passes a string literal through an interface.
func Literal(n int) {
	fmt.Println("count", n) // want escape.heap:`"count"` "^`\"count\"` is allocated on the heap" escape.heap:"n" "^`n` is allocated"
}

// Selector passes a constant named by a selector; the compiler prints its value.
func Selector() {
	fmt.Println(time.Second) // want escape.heap:"time.Second" "`time.Duration\\(1000000000\\)` is allocated on the heap"
}

// Index passes an element of a map and a slice of a slice through interfaces.
func Index(m map[string]int, b []int) { // want leak.param:"b" "parameter `b` leaks"
	fmt.Println(m["a"], b[1:2]) // want escape.heap:`m["a"]` "is allocated on the heap" escape.heap:"b[1:2]" "is allocated on the heap"
}

// Binary builds a string the compiler prints with its calls spelled out.
func Binary(b []byte) string {
	return "Basic " + base64.StdEncoding.EncodeToString(b) // want escape.heap:`"Basic " + base64.StdEncoding.EncodeToString(b)` "is allocated on the heap: it is returned"
}

// Times passes a product of constants and a negation through interfaces.
func Times(n int) {
	fmt.Println(5*time.Second, -n) // want escape.heap:"5*time.Second" "`time.Duration\\(5000000000\\)`" escape.heap:"-n" "^`-n` is allocated"
}

// Elided builds literals whose element types are elided: each is the element's `{...}`.
func Elided() map[string][]string {
	return map[string][]string{"a": {"x"}, "b": {}} // want escape.heap:`map[string][]string{"a": {"x"}, "b": {}}` "^`map" escape.heap:`{"x"}` "^`\\[\\]string\\{\\.\\.\\.\\}`" escape.heap:"{}" "^`\\[\\]string\\{\\}`"
}

// ElidedAddr builds pointers whose `&T` is elided.
func ElidedAddr() []*Point {
	return []*Point{{X: 1}, {Y: 2}} // want escape.heap:"[]*Point{{X: 1}, {Y: 2}}" "^`\\[\\]\\*Point" escape.heap:"{X: 1}" "^`&Point\\{\\.\\.\\.\\}`" escape.heap:"{Y: 2}" "^`&Point\\{\\.\\.\\.\\}`"
}

type holder struct{ p *Point }

// newHolder allocates inside a function that callers inline.
func newHolder() *holder {
	return &holder{p: &Point{X: 1}} // want escape.heap:"&holder{p: &Point{X: 1}}" "^`&holder" escape.heap:"&Point{X: 1}" "^`&Point"
}

// Inlined calls a function that allocates: the allocations sit on the call, said as inlined.
func Inlined() *holder {
	return newHolder() // want escape.heap:"newHolder()" "^inside `newHolder`, inlined here, `&holder\\{\\.\\.\\.\\}` is allocated on the heap" escape.heap:"newHolder()" "^inside `newHolder`, inlined here, `&Point\\{\\.\\.\\.\\}`"
}

// Recorder allocates through an inlined standard-library constructor.
func Recorder() http.ResponseWriter {
	return httptest.NewRecorder() // want escape.heap:"httptest.NewRecorder()" "^inside `httptest.NewRecorder`, inlined here, `&ResponseRecorder\\{\\.\\.\\.\\}`" escape.heap:"httptest.NewRecorder()" "^inside `httptest.NewRecorder`, inlined here, `make\\(http.Header\\)`" escape.heap:"httptest.NewRecorder()" "^inside `httptest.NewRecorder`, inlined here, `new\\(bytes.Buffer\\)`"
}

// Header appends inside an inlined standard-library method: not "this append".
func Header(h http.Header) {
	h.Add("k", "v") // want escape.heap:`h.Add("k", "v")` "^inside `http.Header.Add`, inlined here, the backing array grown by an `append`"
}

// Builder writes to a strings.Builder: the panic message of its inlined method is not the user's literal.
func Builder(s string) string {
	var b strings.Builder
	b.WriteString(s) // want escape.heap:"b.WriteString(s)" "^inside `strings.\\(\\*Builder\\).WriteString`, inlined here, `\"strings: illegal use" escape.heap:"b.WriteString(s)" "^inside `strings.\\(\\*Builder\\).WriteString`, inlined here, the backing array grown by an `append`"
	return b.String()
}

// Objects is generic: its dictionary wrapper reports the conversion at the function's name too,
// which is the same allocation as the shape instantiation's (one finding, on the conversion).
func Objects[T any](values []T) any {
	return wrap[T](values) // want escape.heap:"wrap[T](values)" "^`wrap\\[T\\]\\(values\\)` is allocated on the heap: it is returned at line 83"
}

type wrap[T any] []T

// UseObjects instantiates Objects.
func UseObjects(xs []*Point) any { // want leak.param:"xs" "parameter `xs` leaks"
	return Objects(xs) // want escape.heap:"Objects(xs)" "^inside `Objects`, inlined here, `wrap\\(values\\)` is allocated on the heap"
}

type logger struct{ name string }

func (l *logger) clone() *logger {
	clone := *l // want escape.moved:"clone" "^`clone` is moved to the heap: its address is returned"
	return &clone
}

// Clone calls an inlined method whose local has the method's name: the call, not the name.
func Clone(l *logger) *logger {
	return l.clone() // want escape.moved:"l.clone()" "^inside `\\(\\*logger\\).clone`, inlined here, `clone` is moved to the heap"
}

type tags struct{ list []int }

func (t tags) with(x int) tags {
	t.list = append(t.list[:len(t.list):len(t.list)], x) // want escape.heap:"append(t.list[:len(t.list):len(t.list)], x)" "^the backing array grown by this `append` (may be|is) allocated"
	return t
}

// Chained calls one method twice in a chain: each allocation on its own call, not the chain.
func Chained(t tags) tags {
	return t.with(1).with(2) // want escape.heap:"t.with(1)" "^inside `tags.with`, inlined here, the backing array grown by an `append`" escape.heap:"with(2)" "^inside `tags.with`, inlined here, the backing array grown by an `append`"
}
