// Package usesbroken imports a package that does not compile.
package usesbroken

import "example.com/multi/broken"

// Twice calls into the broken package.
func Twice() int {
	return 2 * broken.Broken()
}
