package markers

// The dictionary wrapper `(*items[int]).insertAt` (made for the method value below) reports its
// append at the method's name with the short text "append escapes to heap", which freeList.add's
// append prints too. It is mapped onto the append of its own function (google/btree v1.1.3
// btree_generic.go: insertAt's took freeNode's append at line 117, with insertAt's explanation).
type freeList struct{ list []*int }

func (f *freeList) add(n *int) bool { // want leak.param:"n" "leaks to the heap"
	if len(f.list) < cap(f.list) {
		f.list = append(f.list, n) // want escape.heap:"append(f.list, n)" "stored through a pointer at line 11, which escape analysis takes for the heap$"
		return true
	}
	return false
}

type items[T any] []T

func (s *items[T]) insertAt(index int, item T) {
	var zero T
	*s = append(*s, zero) // want escape.heap:"append(*s, zero)" "stored through a pointer at line 21, which escape analysis takes for the heap$"
	copy((*s)[index+1:], (*s)[index:])
	(*s)[index] = item
}

// InsertInt calls the shape instantiation inlined.
func InsertInt(s *items[int], v int) { s.insertAt(0, v) } // want escape.heap:"s.insertAt(0, v)" "inside `\\(\\*items\\)\\.insertAt`, inlined here"

var useInsert = (*items[int]).insertAt
var useAdd = (*freeList).add
