// Package a is the first module of the workspace.
package a

// Ptr returns the address of its parameter's copy.
func Ptr(n int) *int {
	return &n
}
