// Package broken does not compile: a type error.
package broken

func Broken() int {
	var s string = 1
	return len(s)
}
