package agree

// cursor counts up with a pointer method, like an iterator.
type cursor struct{ i int }

func (c *cursor) advance()  { c.i++ }
func (c cursor) more() bool { return c.i < 4 }
