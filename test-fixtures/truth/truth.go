// Package truth allocates in every way the evidence stage tells apart, and in ways that look like
// allocations but are not. Its benchmark calls every function, so an allocation profile taken with
// -memprofilerate=1 says which lines really allocate (test/integration/truth.test.ts). Every
// function but helper is kept out of line, so each allocates where it is written.
package truth

import "strings"

type Point struct{ X, Y int }

var (
	sinkInts []int
	sinkAny  any
)

//go:noinline
func NewPoint(x int) *Point { return &Point{X: x} }

//go:noinline
func MovedVar(x int) *int {
	n := x
	return &n
}

//go:noinline
func MakeInts(n int) []int { return make([]int, n) }

//go:noinline
func LargeMake() int {
	b := make([]byte, 1<<17)
	return len(b)
}

//go:noinline
func ConstToAny() any { return 42 }

//go:noinline
func StringConstToAny() any { return "constant" }

//go:noinline
func ZeroSized() any { return struct{}{} }

//go:noinline
func EmptySlice() []int { return []int{} }

//go:noinline
func IntToAny(n int) any { return n }

//go:noinline
func SmallIntToAny(n int) any { return n }

//go:noinline
func StringToAny(s string) any { return s }

//go:noinline
func StructToAny(p Point) any { return p }

//go:noinline
func Closure(n int) func() int { return func() int { return n + 1 } }

//go:noinline
func Concat(a, b string) string { return a + b }

//go:noinline
func ConcatLocal(a, b string) int {
	s := a + b
	return len(s)
}

//go:noinline
func ToBytes(s string) []byte { return []byte(s) }

//go:noinline
func ToBytesLocal(s string) int {
	b := []byte(s)
	return len(b) + int(b[0])
}

//go:noinline
func ToString(b []byte) string { return string(b) }

//go:noinline
func ToRunes(s string) []rune { return []rune(s) }

//go:noinline
func AppendLocal(n int) int {
	var xs []int
	for i := 0; i < n; i++ {
		xs = append(xs, i)
	}
	return len(xs)
}

//go:noinline
func AppendEscaping(n int) []int {
	var xs []int
	for i := 0; i < n; i++ {
		xs = append(xs, i)
	}
	return xs
}

//go:noinline
func MapGrow(n int) int {
	m := map[int]int{}
	for i := 0; i < n; i++ {
		m[i] = i
	}
	return len(m)
}

//go:noinline
func MakeMap(n int) map[int]int { return make(map[int]int, n) }

//go:noinline
func MakeChan() chan int { return make(chan int, 4) }

func helper(n int) []int { return make([]int, n) }

//go:noinline
func Inlined(n int) int { return len(helper(n)) }

//go:noinline
func InlinedEscape(n int) { sinkInts = helper(n) }

//go:noinline
func Builder(parts []string) string {
	var sb strings.Builder
	for _, p := range parts {
		sb.WriteString(p)
	}
	return sb.String()
}

//go:noinline
func Upper(s string) string { return strings.ToUpper(s) }

//go:noinline
func PointerNoEscape(n int) int {
	p := &Point{X: n}
	return p.X
}

//go:noinline
func StoreAny(n int) { sinkAny = n }

//go:noinline
func StoreConst() { sinkAny = 7 }

//go:noinline
func Goroutine(done chan struct{}) {
	go func() { done <- struct{}{} }()
}
