package mergesort

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"testing"
)

// inputs returns lists to sort: edge cases and random ones.
func inputs() map[string][]int {
	r := rand.New(rand.NewPCG(7, 7))
	random := func(n, max int) []int {
		xs := make([]int, n)
		for i := range xs {
			xs[i] = r.IntN(max) - max/2 // negatives too
		}
		return xs
	}
	ascending := func(n int) []int {
		xs := make([]int, n)
		for i := range xs {
			xs[i] = i
		}
		return xs
	}
	descending := func(n int) []int {
		xs := ascending(n)
		slices.Reverse(xs)
		return xs
	}
	in := map[string][]int{
		"nil":                  nil,
		"empty":                {},
		"one":                  {42},
		"two sorted":           {1, 2},
		"two reversed":         {2, 1},
		"three":                {3, 1, 2},
		"all equal":            slices.Repeat([]int{5}, 1000),
		"duplicates":           random(5000, 10),
		"sorted":               ascending(10000),
		"reversed":             descending(10000),
		"sawtooth":             append(ascending(5000), ascending(5000)...),
		"extremes":             {1 << 62, -1 << 63, 0, 1<<63 - 1, -1, 1},
		"random 13":            random(13, 100),
		"random 1000":          random(1000, 1e9),
		"random 30000":         random(ListSize, MaxValue),
		"random odd 12345":     random(12345, 1000),
		"random parallel-size": random(3*parallelCutoff+1, 1e6),
	}
	for n := range 40 {
		in["random small "+string(rune('a'+n))] = random(n, 20)
	}
	return in
}

func want(xs []int) []int {
	w := slices.Clone(xs)
	sort.Ints(w)
	return w
}

func TestSort(t *testing.T) {
	for name, xs := range inputs() {
		orig := slices.Clone(xs)
		got := Sort(xs)
		if !slices.Equal(got, want(xs)) {
			t.Errorf("%s: Sort = %v..., want sorted", name, head(got))
		}
		if !slices.Equal(xs, orig) {
			t.Errorf("%s: Sort modified its input", name)
		}
		if len(xs) > 0 && &got[0] == &xs[0] {
			t.Errorf("%s: Sort returned its input, not a new slice", name)
		}
	}
}

func TestParallelSort(t *testing.T) {
	for _, procs := range []int{1, 2, 3, 4, 8} {
		old := runtime.GOMAXPROCS(procs)
		for name, xs := range inputs() {
			orig := slices.Clone(xs)
			got := ParallelSort(xs)
			if !slices.Equal(got, want(xs)) {
				t.Errorf("GOMAXPROCS=%d %s: ParallelSort = %v..., want sorted", procs, name, head(got))
			}
			if !slices.Equal(xs, orig) {
				t.Errorf("GOMAXPROCS=%d %s: ParallelSort modified its input", procs, name)
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

func TestMerge(t *testing.T) {
	tests := []struct{ a, b, want []int }{
		{nil, nil, []int{}},
		{[]int{1}, nil, []int{1}},
		{nil, []int{1}, []int{1}},
		{[]int{1, 3, 5}, []int{2, 4, 6}, []int{1, 2, 3, 4, 5, 6}},
		{[]int{1, 2, 3}, []int{4, 5}, []int{1, 2, 3, 4, 5}},
		{[]int{4, 5}, []int{1, 2, 3}, []int{1, 2, 3, 4, 5}},
		{[]int{1, 1, 2}, []int{1, 2, 2}, []int{1, 1, 1, 2, 2, 2}},
	}
	for _, tt := range tests {
		a, b := slices.Clone(tt.a), slices.Clone(tt.b)
		got := Merge(a, b)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Merge(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if !slices.Equal(a, tt.a) || !slices.Equal(b, tt.b) {
			t.Errorf("Merge(%v, %v) modified its inputs", tt.a, tt.b)
		}
	}
	// Random sorted halves.
	r := rand.New(rand.NewPCG(1, 2))
	for range 100 {
		a, b := make([]int, r.IntN(50)), make([]int, r.IntN(50))
		for i := range a {
			a[i] = r.IntN(30)
		}
		for i := range b {
			b[i] = r.IntN(30)
		}
		sort.Ints(a)
		sort.Ints(b)
		if got := Merge(a, b); !slices.Equal(got, want(append(slices.Clone(a), b...))) {
			t.Errorf("Merge(%v, %v) = %v", a, b, got)
		}
	}
}

func TestSortAll(t *testing.T) {
	lists := Lists(50, 2000, 1000, 3)
	lists = append(lists, nil, []int{}, []int{1}, Lists(1, 40000, 10, 4)[0])
	orig := make([][]int, len(lists))
	for i, xs := range lists {
		orig[i] = slices.Clone(xs)
	}
	seq := SortAll(lists)
	for _, procs := range []int{1, 2, 5} {
		old := runtime.GOMAXPROCS(procs)
		par := SortAllParallel(lists)
		runtime.GOMAXPROCS(old)
		if len(par) != len(lists) {
			t.Fatalf("GOMAXPROCS=%d: SortAllParallel returned %d lists, want %d", procs, len(par), len(lists))
		}
		for i := range lists {
			if !slices.Equal(par[i], seq[i]) {
				t.Errorf("GOMAXPROCS=%d: list %d: SortAllParallel differs from SortAll", procs, i)
			}
		}
	}
	if len(seq) != len(lists) {
		t.Fatalf("SortAll returned %d lists, want %d", len(seq), len(lists))
	}
	for i := range lists {
		if !slices.Equal(seq[i], want(orig[i])) {
			t.Errorf("list %d: SortAll = %v..., want sorted", i, head(seq[i]))
		}
		if !slices.Equal(lists[i], orig[i]) {
			t.Errorf("list %d: modified", i)
		}
	}
	if got := SortAll(nil); len(got) != 0 {
		t.Errorf("SortAll(nil) = %v", got)
	}
	if got := SortAllParallel(nil); len(got) != 0 {
		t.Errorf("SortAllParallel(nil) = %v", got)
	}
}

func TestLists(t *testing.T) {
	a, b := Lists(20, 100, 50, 9), Lists(20, 100, 50, 9)
	c := Lists(20, 100, 50, 10)
	if len(a) != 20 {
		t.Fatalf("len = %d, want 20", len(a))
	}
	same := true
	for i := range a {
		if len(a[i]) != 100 {
			t.Fatalf("len(list %d) = %d, want 100", i, len(a[i]))
		}
		for _, x := range a[i] {
			if x < 0 || x >= 50 {
				t.Fatalf("list %d holds %d, not in [0, 50)", i, x)
			}
		}
		if !slices.Equal(a[i], b[i]) {
			t.Errorf("list %d differs for the same seed", i)
		}
		same = same && slices.Equal(a[i], c[i])
	}
	if same {
		t.Errorf("seeds 9 and 10 gave the same lists")
	}
	// Appending to one list must not touch the next.
	next := slices.Clone(a[1])
	_ = append(a[0], -1)
	if !slices.Equal(a[1], next) {
		t.Errorf("appending to a list changed the next one")
	}
	if got := Lists(0, 10, 10, 1); len(got) != 0 {
		t.Errorf("Lists(0, ...) = %v", got)
	}
}

func TestSeedLists(t *testing.T) {
	if testing.Short() {
		t.Skip("the full workload is large")
	}
	lists := SeedLists()
	if len(lists) != NumLists || len(lists[0]) != ListSize || len(lists[NumLists-1]) != ListSize {
		t.Fatalf("SeedLists: %d lists of %d", len(lists), len(lists[0]))
	}
	again := SeedLists()
	if !slices.Equal(lists[0], again[0]) || !slices.Equal(lists[NumLists-1], again[NumLists-1]) {
		t.Errorf("SeedLists differs from call to call")
	}
}

func head(xs []int) []int { return xs[:min(len(xs), 10)] }

var sink [][]int

func BenchmarkSortAll(b *testing.B) {
	lists := SeedLists()
	for b.Loop() {
		sink = SortAll(lists)
	}
}

func BenchmarkSortAllParallel(b *testing.B) {
	lists := SeedLists()
	for b.Loop() {
		sink = SortAllParallel(lists)
	}
}

func BenchmarkSort(b *testing.B) {
	xs := Lists(1, ListSize, MaxValue, Seed)[0]
	for b.Loop() {
		Sort(xs)
	}
}

func BenchmarkParallelSort(b *testing.B) {
	xs := Lists(1, ListSize, MaxValue, Seed)[0]
	for b.Loop() {
		ParallelSort(xs)
	}
}
