//go:build !windows

package tagged

// OnOther is built everywhere but Windows.
func OnOther() {
	o := 4
	sinkT = &o
}
