// Package log is shorter than the root's log.go.
package log

import "example.com/samename"

// Warn logs a warning.
func Warn(text string) *samename.Line[string] {
	return samename.Entry("warn", text)
}
