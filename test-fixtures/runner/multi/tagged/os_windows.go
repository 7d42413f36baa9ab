package tagged

// OnWindows is only built for GOOS=windows.
func OnWindows() {
	w := 3
	sinkT = &w
}
