// Package sub is a nested package with a method that allocates.
package sub

// Table holds rows that grow with each Add.
type Table struct {
	rows [][]string
}

// Add stores a new row of n cells.
//
//go:noinline
func (t *Table) Add(n int) {
	row := make([]string, n)
	t.rows = append(t.rows, row)
}

// Reset drops all rows.
func (t *Table) Reset() { t.rows = nil }
