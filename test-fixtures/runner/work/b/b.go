// Package b is the second module of the workspace; it imports module a.
package b

import "example.com/a"

// Twice uses a.Ptr.
func Twice(n int) int {
	return *a.Ptr(n) * 2
}
