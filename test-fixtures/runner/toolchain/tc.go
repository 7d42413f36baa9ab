// Package tc is built by the toolchain its go.mod names.
package tc

// Tc returns a pointer to a local.
func Tc() *int {
	t := 5
	return &t
}
