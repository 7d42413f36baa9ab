package mapping

type R struct{ n int }

func (r *R) Get() *int { return &r.n }

func (r R) Val() int { return r.n }

func Gen[T any](v T) *T { return &v }

func Slices(n int) any {
	s := []int{1, 2, n}
	m := map[string]int{"a": n}
	sink = m
	return s
}

func Str(b []byte) any { return string(b) }

func Param(p int) *int { return &p }

func Named() (res int, p *int) { p = &res; return }

func ZeroCopy(s string) int {
	for _, c := range []byte(s) {
		_ = c
	}
	return 0
}
