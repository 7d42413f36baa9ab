// Package samename has a file named like its subpackage's: log/log.go instantiates Entry from this
// log.go, and the compiler prints the instantiation's decisions at this file as `log.go`, relative
// to the directory go ran in.
package samename

// Line is what the logger prints.
type Line[T any] struct {
	Level string
	Value T
}

// Entry is generic: each package that uses it compiles its own instantiation, positioned here.
func Entry[T any](level string, value T) *Line[T] {
	l := &Line[T]{Level: level, Value: value}
	if len(level) > 100 {
		println("long level")
	}
	for i := 0; i < 3; i++ {
		l.Level += "."
	}
	return l
}
