package mapping

import "fmt"

type Point struct{ X, Y int }

func Moved() *int {
	x := 42
	return &x
}

func MakeSlice(n int) []byte {
	buf := make([]byte, n)
	return buf
}

func Closure() func() int {
	größe := 0
	return func() int {
		größe++
		return größe
	}
}

func Lit(i int) *Point {
	return &Point{X: i}
}

func LitVal(i int) any {
	return Point{X: i}
}

func Leak(p *Point) *Point { return p }

func LeakHeap(p *Point) { sink = p }

var sink any

func Sel(p *Point) { sink = p.X }

func Concat(w string) string { s := "😀" + w + ","; sink = s; return s }

func Varargs(a, b int) { fmt.Println(a, b) }

func New() *Point { return new(Point) }

func Conv(s string) []byte { return []byte(s) }

func Loop() []func() int {
	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i })
	}
	return fs
}

type I interface{ M() }
type T struct{}

func (T) M() {}

func Devirt() { var i I = T{}; i.M() }

func Big() {
	for i := 0; i < 100; i++ {
		fmt.Println(i, i*2, i*3)
		fmt.Println(i, i*2, i*3)
		fmt.Println(i, i*2, i*3)
	}
}
