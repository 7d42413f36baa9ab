//go:build heapscope_extra

package tagged

// Extra is only built with -tags heapscope_extra.
func Extra() {
	e := 2
	sinkT = &e
}
