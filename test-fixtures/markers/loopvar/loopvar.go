// marker kinds: loopvar

// Package loopvar pins where the loop-variable warning appears in a go 1.21 module (one
// variable per loop): only where a closure can run after its iteration. The testing functions
// are ordinary functions here, so the fixture compiles without -test.
package loopvar

import (
	"sort"
	"sync"
	"testing"
)

var sink []func()

func use(int) {}

// Goroutine runs a closure per element after the iteration may have ended.
func Goroutine(xs []int) {
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			use(x) // want loopvar.capture:"x" "^A goroutine captures loop variable `x`"
		}()
	}
	wg.Wait()
}

// Deferred defers a closure directly in the loop body: it runs when Deferred returns.
func Deferred(xs []int) {
	for _, x := range xs {
		defer func() {
			use(x) // want loopvar.capture:"x" "^A deferred function captures"
		}()
	}
}

// Stored appends closures to a slice declared before the loop.
func Stored(xs []int) {
	for _, x := range xs {
		sink = append(sink, func() { use(x) }) // want loopvar.capture:"x" "^A closure stored outside the loop captures"
	}
}

// Sent sends closures on a channel.
func Sent(xs []int, ch chan<- func()) {
	for _, x := range xs {
		ch <- func() { use(x) } // want loopvar.capture:"x" "^A closure sent on a channel captures"
	}
}

// ParallelSubtests calls t.Parallel: the callbacks run after Run returns.
func ParallelSubtests(t *testing.T, names []string) {
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			t.Log(name) // want loopvar.capture:"name" "^A parallel subtest captures"
		})
	}
}

// GoInSubtest starts a goroutine inside a non-parallel subtest: it outlives the subtest.
func GoInSubtest(t *testing.T, names []string) {
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			go func() {
				t.Log(name) // want loopvar.capture:"name" "^A goroutine captures"
			}()
		})
	}
}

// withHelper runs f before it returns, like zap's withLogger.
func withHelper(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	f(t)
}

// HelperInSubtest passes a closure to a synchronous helper inside a non-parallel subtest (zap
// v1.27.0 logger_test.go:160): the compiler says the literal does not escape.
func HelperInSubtest(t *testing.T, names []string) {
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			withHelper(t, func(t *testing.T) {
				t.Log(name)
			})
		})
	}
}

// DeferInSubtest defers inside a subtest body: it runs when the subtest's function returns.
func DeferInSubtest(t *testing.T, names []string) {
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			defer func() { t.Log(name) }()
		})
	}
}

// InRunParallel: RunParallel waits for the goroutines it starts.
func InRunParallel(b *testing.B, sizes []int) {
	for _, n := range sizes {
		b.Run("size", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					use(n)
				}
			})
		})
	}
}

// DeferInCalledClosure defers inside a closure that is called at once.
func DeferInCalledClosure(xs []int) {
	for _, x := range xs {
		func() {
			defer func() { use(x) }()
		}()
	}
}

// CalledAtOnce and SortedBy run their closures before the iteration ends.
func CalledAtOnce(xs []int) {
	for _, x := range xs {
		func() { use(x) }()
	}
}

func SortedBy(groups [][]int) {
	for _, g := range groups {
		sort.Slice(g, func(a, b int) bool { return g[a] < g[b] })
	}
}

// AllocsInLoop passes a closure to a standard-library function whose parameter does not
// escape: the compiler prints "func literal does not escape" at the literal.
func AllocsInLoop(xs []int) {
	for _, x := range xs {
		testing.AllocsPerRun(1, func() { use(x) })
	}
}

// handlers keeps what register is given.
var handlers []func()

func register(f func()) { handlers = append(handlers, f) }

// Registered passes a closure to a function whose parameter leaks: it may be kept, so a hint.
func Registered(xs []int) {
	for _, x := range xs {
		register(func() { use(x) }) // want loopvar.capture:"x" "^A closure passed to register captures .* may see a later iteration's value if register keeps it past the iteration"
	}
}

// Returned returns from the loop: no later iteration changes the variable.
func Returned(xs []int) func() {
	for _, x := range xs {
		if x > 0 {
			return func() { use(x) }
		}
	}
	return nil
}
