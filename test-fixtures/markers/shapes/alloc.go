// Package markers is the fixture of the mapping tests (test/integration/markers.test.ts): a
// comment that starts with the word want pins a finding on its line. See CONTRIBUTING.md,
// "Mapping tests".
package markers

// Point is a small value type.
type Point struct{ X, Y int }

var sink any

// Moved returns the address of a local, so the local moves to the heap.
func Moved(x int) *Point {
	p := Point{X: x} // want escape.moved:"p" "is moved to the heap: its address is returned at line 14"
	return &p
}

// AddrLit returns the address of a composite literal.
func AddrLit(x int) *Point {
	return &Point{X: x, Y: 1} // want escape.heap:"&Point{X: x, Y: 1}" "is allocated on the heap: it is returned"
}

// Literals stores slice and map literals in a global.
func Literals(n int) {
	s := []int{1, 2, n}         // want escape.heap:"[]int{1, 2, n}" "converted to an interface at line 26"
	m := map[string]int{"a": n} // want escape.heap:`map[string]int{"a": n}` "assigned to the package-level variable `sink` at line 27"
	sink = s                    // want escape.heap:"s" "assigned to the package-level variable `sink`"
	sink = m
}

// Make allocates a slice whose size is unknown at compile time.
func Make(n int) []byte {
	return make([]byte, n) // want escape.heap:"make([]byte, n)" "is allocated on the heap: it is returned"
}

// New returns a pointer from new.
func New() *Point {
	return new(Point) // want escape.heap:"new(Point)" "is allocated on the heap: it is returned"
}

// Größe has non-ASCII text before the allocation: columns are bytes, not characters.
func Größe(n int) []int {
	größe := make([]int, n) // want escape.heap:"make([]int, n)" "is returned at line 43"
	return größe
}

// Vals: a generic function instantiated twice. The compiler prints its make once per shape
// (`make([]go.shape.int, n)`, `make([]go.shape.string, n)`): one finding, quoted as written.
func Vals[V any](n int) []V {
	return make([]V, n) // want escape.heap:"make([]V, n)" "^`make\\(\\[\\]V, n\\)` is allocated on the heap: it is returned"
}

func UseVals() int { return len(Vals[int](3)) + len(Vals[string](3)) }
