package fixes

// cursor counts up with a pointer method, like an iterator.
type cursor struct{ i int }

func (c *cursor) advance()  { c.i++ }
func (c cursor) more() bool { return c.i < 4 }

// SkipEveryOther advances its three-clause loop variable in the body through a pointer method,
// an implicit &c: with a copy that step would no longer steer the loop, so no fix.
func SkipEveryOther() (out []int) {
	for c := (cursor{}); c.more(); c.advance() {
		c.advance()
		defer func() { out = append(out, c.i) }()
	}
	return out
}

// SkipByMethodValue does the same through a method value. The compiler reports it as
// `capturing by ref: c (addr=true …)`; without compiler output the pointer method declared in
// this file gives it away. No fix.
func SkipByMethodValue() (out []int) {
	for c := (cursor{}); c.more(); c.advance() {
		step := c.advance
		step()
		defer func() { out = append(out, c.i) }()
	}
	return out
}

// node is a singly linked list.
type node struct {
	val  int
	next *node
}

// ListValues walks a list with a pointer loop variable and only reads through it: the copy is safe.
func ListValues(head *node) (out []int) {
	for p := head; p.next != nil; p = p.next {
		defer func() { out = append(out, p.val) }() // want: copy-loop-var
	}
	return out
}
