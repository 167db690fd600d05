// Package mergesort is the lessons' CPU-bound workload: the top-down merge
// sort of the multiprocessing lesson, which sorts 1000 lists of 30000
// random integers below 500000, first one list after the other and then
// spread over a pool of workers.
//
// The sort runs compiled, so a cell can time the whole workload in
// seconds where the interpreter would take minutes:
//
//	lists := mergesort.SeedLists()
//	logging.Info("Starting Sorting")
//	sorted := mergesort.SortAll(lists)        // one list after the other
//	sorted = mergesort.SortAllParallel(lists) // GOMAXPROCS workers
//	logging.Info("Sorting Completed")
//
// Sort keeps the lessons' algorithm: split the list in two halves, the
// first one the larger, sort each half, merge the sorted halves. It only
// spends less: the halves are sorted in place, in the result and in one
// scratch buffer, instead of in new lists at every step; the merge picks
// the smaller head without a branch; and lists of a few elements are
// sorted by insertion.
//
// In a notebook, SortAll and SortAllParallel show a progress bar of the
// lists sorted when the sorting takes longer than progress.After (a
// second by default), without code in the cell; shorter work shows
// nothing, and outside a notebook no bar is shown.
//
// No function modifies its input: each returns new slices.
package mergesort

import (
	"math/bits"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/golessons/golessons/lessons/progress"
)

// The lessons' workload: NumLists lists of ListSize integers in
// [0, MaxValue), drawn from a generator seeded with Seed.
const (
	NumLists = 1000   // NumLists is the number of lists in the workload.
	ListSize = 30000  // ListSize is the length of each list.
	MaxValue = 500000 // MaxValue bounds the integers: all are below it.
	Seed     = 1      // Seed seeds the generator of SeedLists.
)

// insertionCutoff is the length under which Sort sorts by insertion
// rather than by splitting further.
const insertionCutoff = 16

// parallelCutoff is the length under which ParallelSort sorts a part
// in the goroutine that has it instead of starting another.
const parallelCutoff = 1 << 13

// Merge returns a new slice holding the elements of a and b, both sorted
// in increasing order, in increasing order. Of equal elements, those of a
// come first. It modifies neither a nor b.
func Merge(a, b []int) []int {
	out := make([]int, len(a)+len(b))
	merge(out, a, b)
	return out
}

// merge writes the elements of the sorted a and b into out, in order;
// len(out) must be len(a)+len(b), and out must not overlap a or b.
//
// As in the lessons, it takes the smaller of the two lists' first
// elements not yet taken, until one list is used up. The choice is made
// without a branch (the compiler turns it into conditional moves): on
// random data a branch is mispredicted half the time, which costs more
// than the comparison itself.
func merge(out, a, b []int) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		v, fromB := x, 0
		if y < x {
			v, fromB = y, 1
		}
		out[k] = v
		i += 1 - fromB
		j += fromB
		k++
	}
	// One of the two is used up: the rest of the other follows.
	k += copy(out[k:], a[i:])
	copy(out[k:], b[j:])
}

// Sort returns a new slice holding the elements of xs in increasing
// order. It does not modify xs.
func Sort(xs []int) []int {
	out := make([]int, len(xs))
	sortWith(out, xs, make([]int, len(xs)))
	return out
}

// sortWith sorts the elements of xs into out, using scratch, which is at
// least as long, as room to merge in. out and xs may be the same slice.
func sortWith(out, xs, scratch []int) {
	copy(out, xs)
	scratch = scratch[:len(xs)]
	copy(scratch, xs)
	sortTo(out, scratch)
}

// sortTo sorts dst, using src as room: both hold the same elements on
// entry, and on return dst holds them sorted while src holds them in
// some other order. Each half is sorted into src, with the same half of
// dst as room, and the two sorted halves merged back into dst: the
// lists swap roles at every level instead of new lists being made.
func sortTo(dst, src []int) {
	n := len(dst)
	if n <= insertionCutoff {
		insertionSort(dst)
		return
	}
	mid := (n + 1) / 2 // the first half is the larger, as in the lessons
	sortTo(src[:mid], dst[:mid])
	sortTo(src[mid:], dst[mid:])
	merge(dst, src[:mid], src[mid:])
}

// insertionSort sorts the few elements of xs in place.
func insertionSort(xs []int) {
	for i := 1; i < len(xs); i++ {
		x := xs[i]
		j := i
		for ; j > 0 && x < xs[j-1]; j-- {
			xs[j] = xs[j-1]
		}
		xs[j] = x
	}
}

// ParallelSort returns a new slice holding the elements of xs in
// increasing order, as Sort does, sorting the halves of the list in
// parallel: it splits the list into at most runtime.GOMAXPROCS(0) parts
// (the largest power of two not above it), each sorted by its own
// goroutine, and merges them back. Parts shorter than a few thousand
// elements are not worth a goroutine and are sorted as Sort does. It
// does not modify xs.
func ParallelSort(xs []int) []int {
	out := make([]int, len(xs))
	scratch := make([]int, len(xs))
	copy(out, xs)
	copy(scratch, xs)
	// Splitting depth times makes 2^depth parts: as many as
	// GOMAXPROCS(0) rounded down to a power of two.
	depth := bits.Len(uint(runtime.GOMAXPROCS(0))) - 1
	parallelSortTo(out, scratch, depth)
	return out
}

// parallelSortTo is sortTo, with the first half sorted by a new goroutine
// for the first depth levels of splitting.
func parallelSortTo(dst, src []int, depth int) {
	n := len(dst)
	if depth <= 0 || n < parallelCutoff {
		sortTo(dst, src)
		return
	}
	mid := (n + 1) / 2
	var wg sync.WaitGroup
	wg.Go(func() { parallelSortTo(src[:mid], dst[:mid], depth-1) })
	parallelSortTo(src[mid:], dst[mid:], depth-1)
	wg.Wait()
	merge(dst, src[:mid], src[mid:])
}

// SortAll returns the lists sorted, one after the other, as Sort sorts
// them: the i-th list of the result is the i-th of lists sorted. It does
// not modify lists.
//
// When sorting takes longer than progress.After, a notebook shows a bar
// of the lists sorted, "SortAll", finished when SortAll returns.
func SortAll(lists [][]int) [][]int {
	bar := progress.Auto(len(lists), "SortAll")
	out := make([][]int, len(lists))
	var scratch []int
	for i, xs := range lists {
		scratch = grow(scratch, len(xs))
		out[i] = make([]int, len(xs))
		sortWith(out[i], xs, scratch)
		bar.Add(1)
	}
	bar.Done()
	return out
}

// SortAllParallel returns the lists sorted, the same result as SortAll,
// with the lists spread over runtime.GOMAXPROCS(0) worker goroutines:
// each worker takes the next list not yet taken and sorts it, as a
// process pool does with the tasks submitted to it. It does not modify
// lists.
//
// When sorting takes longer than progress.After, a notebook shows a bar
// of the lists sorted, "SortAllParallel", finished when it returns.
func SortAllParallel(lists [][]int) [][]int {
	bar := progress.Auto(len(lists), "SortAllParallel")
	out := make([][]int, len(lists))
	workers := min(runtime.GOMAXPROCS(0), len(lists))
	var next atomic.Int64 // index of the next list to take
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var scratch []int // each worker keeps its own room to merge in
			for {
				i := int(next.Add(1) - 1)
				if i >= len(lists) {
					return
				}
				xs := lists[i]
				scratch = grow(scratch, len(xs))
				out[i] = make([]int, len(xs))
				sortWith(out[i], xs, scratch)
				bar.Add(1)
			}
		})
	}
	wg.Wait()
	bar.Done()
	return out
}

// grow returns s if it holds at least n elements, else a new slice of n.
func grow(s []int, n int) []int {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]int, n)
}

// Lists returns n lists of size random integers in [0, max), drawn from a
// generator seeded with seed: the same arguments give the same lists.
// max must be positive unless n or size is zero.
func Lists(n, size, max int, seed int64) [][]int {
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	lists := make([][]int, n)
	all := make([]int, n*size) // one allocation for all the lists
	for i := range lists {
		xs := all[i*size : (i+1)*size : (i+1)*size]
		for j := range xs {
			xs[j] = r.IntN(max)
		}
		lists[i] = xs
	}
	return lists
}

// SeedLists returns the lessons' workload: NumLists lists of ListSize
// integers below MaxValue, generated with Seed, the same on every call.
func SeedLists() [][]int {
	return Lists(NumLists, ListSize, MaxValue, Seed)
}
