package race

import "sort"

// vclock is a vector clock: for each thread number it has seen, the last
// step of that thread that happens before now. It is sparse, sorted by
// thread number, so that a goroutine that has met few others carries a
// short clock however many goroutines there are.
type vclock []epoch

// epoch is step c of thread tid.
type epoch struct {
	tid int
	c   uint64
}

func (v vclock) find(tid int) int {
	return sort.Search(len(v), func(i int) bool { return v[i].tid >= tid })
}

// get returns the step of tid the clock has seen, 0 when none.
func (v vclock) get(tid int) uint64 {
	if i := v.find(tid); i < len(v) && v[i].tid == tid {
		return v[i].c
	}
	return 0
}

// set sets the step of tid to c.
func (v *vclock) set(tid int, c uint64) {
	i := v.find(tid)
	if i < len(*v) && (*v)[i].tid == tid {
		(*v)[i].c = c
		return
	}
	*v = append(*v, epoch{})
	copy((*v)[i+1:], (*v)[i:])
	(*v)[i] = epoch{tid, c}
}

// tick advances tid's own step, after a release, so that what it does next
// is not seen by whoever acquires what it released.
func (v *vclock) tick(tid int) { v.set(tid, v.get(tid)+1) }

// clone returns a copy of v that shares nothing with it.
func (v vclock) clone() vclock { return append(vclock(nil), v...) }

// join makes v see everything o has seen.
func (v *vclock) join(o vclock) {
	if len(o) > 0 {
		*v = joined(*v, o)
	}
}

// joined returns a new clock, the element-wise maximum of a and b.
func joined(a, b vclock) vclock {
	out := make(vclock, 0, max(len(a), len(b)))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].tid < b[j].tid:
			out = append(out, a[i])
			i++
		case a[i].tid > b[j].tid:
			out = append(out, b[j])
			j++
		default:
			out = append(out, epoch{a[i].tid, max(a[i].c, b[j].c)})
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
