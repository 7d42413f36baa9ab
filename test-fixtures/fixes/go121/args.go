package fixes

import (
	"fmt"
	"os"
)

// ArgCount formats the number of arguments; fmt is used nowhere else in this file.
func ArgCount() string {
	n := len(os.Args)
	return fmt.Sprintf("%d", n) // want: sprintf-itoa
}
