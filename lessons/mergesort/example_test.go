package mergesort_test

import (
	"fmt"
	"slices"

	"github.com/golessons/golessons/lessons/mergesort"
)

func Example() {
	lists := mergesort.Lists(100, 1000, 500000, 42)
	seq := mergesort.SortAll(lists)
	par := mergesort.SortAllParallel(lists)
	fmt.Println(len(seq), "lists sorted")
	fmt.Println("same results:", slices.EqualFunc(seq, par, slices.Equal[[]int]))
	fmt.Println("first sorted:", slices.IsSorted(seq[0]))
	// Output:
	// 100 lists sorted
	// same results: true
	// first sorted: true
}

func ExampleMerge() {
	fmt.Println(mergesort.Merge([]int{1, 4, 9}, []int{2, 3, 10, 11}))
	// Output:
	// [1 2 3 4 9 10 11]
}

func ExampleSort() {
	xs := []int{38, 27, 43, 3, 9, 82, 10}
	fmt.Println(mergesort.Sort(xs))
	fmt.Println(xs) // unchanged
	// Output:
	// [3 9 10 27 38 43 82]
	// [38 27 43 3 9 82 10]
}

func ExampleParallelSort() {
	xs := mergesort.Lists(1, 100000, 1000, 7)[0]
	sorted := mergesort.ParallelSort(xs)
	fmt.Println(slices.IsSorted(sorted), slices.Equal(sorted, mergesort.Sort(xs)))
	// Output:
	// true true
}

func ExampleLists() {
	a := mergesort.Lists(2, 5, 10, 1)
	b := mergesort.Lists(2, 5, 10, 1)
	fmt.Println(len(a), len(a[0]), slices.Equal(a[0], b[0]) && slices.Equal(a[1], b[1]))
	// Output:
	// 2 5 true
}

func ExampleSortAll() {
	lists := [][]int{{3, 1, 2}, {}, {5, 5, 4}}
	fmt.Println(mergesort.SortAll(lists))
	// Output:
	// [[1 2 3] [] [4 5 5]]
}

func ExampleSortAllParallel() {
	lists := [][]int{{3, 1, 2}, {}, {5, 5, 4}}
	fmt.Println(mergesort.SortAllParallel(lists))
	// Output:
	// [[1 2 3] [] [4 5 5]]
}

func ExampleSeedLists() {
	lists := mergesort.SeedLists()
	fmt.Println(len(lists), "lists of", len(lists[0]), "integers below", mergesort.MaxValue)
	// Output:
	// 1000 lists of 30000 integers below 500000
}
