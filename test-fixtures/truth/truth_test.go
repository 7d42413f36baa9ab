package truth

import "testing"

var (
	long  = strings32 + "-and-more-than-thirty-two-bytes"
	lb    = []byte(long)
	parts = []string{long, long, long}
)

const strings32 = "0123456789abcdef0123456789abcdef"

// BenchmarkAll calls every function of the package: the profile of this benchmark is the truth.
func BenchmarkAll(b *testing.B) {
	done := make(chan struct{}, b.N)
	for i := 0; i < b.N; i++ {
		_ = NewPoint(i)
		_ = MovedVar(i)
		_ = MakeInts(100)
		_ = LargeMake()
		_ = ConstToAny()
		_ = StringConstToAny()
		_ = ZeroSized()
		_ = EmptySlice()
		_ = IntToAny(1000 + i)
		_ = SmallIntToAny(i % 200)
		_ = StringToAny(long)
		_ = StructToAny(Point{X: i})
		_ = Closure(i)
		_ = Concat(long, long)
		_ = ConcatLocal(long, long)
		_ = ToBytes(long)
		_ = ToBytesLocal(long)
		_ = ToString(lb)
		_ = ToRunes(long)
		_ = AppendLocal(100)
		_ = AppendEscaping(100)
		_ = MapGrow(100)
		_ = MakeMap(100)
		_ = MakeChan()
		_ = Inlined(100)
		InlinedEscape(100)
		_ = Builder(parts)
		_ = Upper(long)
		_ = PointerNoEscape(i)
		StoreAny(1000 + i)
		StoreConst()
		Goroutine(done)
	}
}
