package markers

var kept *Point

// Keep stores its parameter in a global.
func Keep(p *Point) { // want leak.param:"p" "leaks to the heap"
	kept = p
}

// Identity returns its parameter: a leak to the result is decided at each call site (hidden by default).
func Identity(p *Point) *Point {
	return p
}

// Box returns the address of its generic parameter. Its shape instantiation and the dictionary
// wrapper Box[int] (positioned at the name Box) both move v: one allocation, one finding.
func Box[T any](v T) *T { // want escape.moved:"v" "its address is returned at line 18"
	return &v
}

// UseBox instantiates the generic function; the inlined call's v moves to the heap.
func UseBox(n int) *int {
	return Box(n) // want escape.moved:"Box(n)" "^inside `Box`, inlined here, `v` is moved to the heap"
}
