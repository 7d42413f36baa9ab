package markers

// Counter returns a closure over a local.
func Counter() func() int {
	c := 0              // want escape.moved:"c" "captured by a closure at line 7"
	return func() int { // want escape.closure:"func() int {\n\t\tc++\n\t\treturn c\n\t}" "this closure is allocated on the heap.*returned"
		c++
		return c
	}
}

// OneLine returns a closure written on one line.
func OneLine(n int) func() int {
	return func() int { return n * 2 } // want escape.closure:"func() int { return n * 2 }" "closure is allocated on the heap"
}

// Go runs a closure as a goroutine.
func Go(done chan<- int, n int) { // want leak.param:"done" "leaks to a closure"
	go func() { done <- n }() // want escape.closure:"func() { done <- n }" "closure is allocated on the heap, with the variables it captures: the `go` statement runs it in a new goroutine$"
}

// R has a pointer method.
type R struct{ n int }

// Get returns a field's address.
func (r *R) Get() *int { return &r.n }

// MethodValue returns a method value bound to r.
func MethodValue(r *R) func() *int { // want leak.param:"r" "leaks to the heap"
	return r.Get // want escape.heap:"r.Get" "is allocated on the heap: it is returned"
}
