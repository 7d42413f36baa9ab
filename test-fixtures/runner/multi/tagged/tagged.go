// Package tagged has files selected by build tags and GOOS.
package tagged

var sinkT *int

// Always is in every build.
func Always() {
	a := 1
	sinkT = &a
}
