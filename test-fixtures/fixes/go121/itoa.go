package fixes

import "fmt"

// Label formats an int.
func Label(n int) string {
	return "#" + fmt.Sprintf("%d", n) // want: sprintf-itoa
}

// LabelLen formats a length with %v.
func LabelLen(xs []int) string {
	return fmt.Sprintf("%v", len(xs)) // want: sprintf-itoa
}

// Label64 formats an int64: strconv.Itoa would not compile, no fix.
func Label64(n int64) string {
	return fmt.Sprintf("%d", n)
}

// ID has its own String method, which %v calls: no fix.
type ID int

func (id ID) String() string { return "id-" + fmt.Sprint(int(id)) }

// LabelID formats an ID with %v: no fix.
func LabelID(id ID) string {
	return fmt.Sprintf("%v", id)
}

// Padded uses another verb: no fix.
func Padded(n int) string {
	return fmt.Sprintf("%03d", n)
}

// Decimal formats an int on its own.
func Decimal(n int) string {
	return fmt.Sprintf("%d", n) // want: sprintf-itoa
}
