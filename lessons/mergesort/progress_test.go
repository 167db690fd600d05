package mergesort_test

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/display"
	"github.com/golessons/golessons/lessons/mergesort"
	"github.com/golessons/golessons/lessons/progress"
)

// notebook is a display.Publisher that records the text it is asked to
// show.
type notebook struct {
	mu    sync.Mutex
	texts []string
	ids   []string
}

func (n *notebook) Display(data, metadata map[string]any, id string, update bool) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.texts = append(n.texts, fmt.Sprint(data["text/plain"]))
	n.ids = append(n.ids, id)
	return nil
}

func (n *notebook) Clear(wait bool) error { return nil }

// shown returns the texts shown so far and how many bars they belong to.
func (n *notebook) shown() (texts []string, bars int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.texts...), len(slices.Compact(slices.Clone(n.ids)))
}

// inNotebook runs the test as in a notebook, with automatic progress bars
// appearing after the given delay.
func inNotebook(t *testing.T, after time.Duration) *notebook {
	t.Helper()
	n := &notebook{}
	display.SetPublisher(n)
	old := progress.SetAfter(after)
	t.Cleanup(func() {
		display.SetPublisher(nil)
		progress.SetAfter(old)
	})
	return n
}

func TestSortAllShowsProgress(t *testing.T) {
	// Enough lists that each worker of SortAllParallel sorts several, each
	// taking about a millisecond: longer than the delay.
	n := max(40, 8*runtime.GOMAXPROCS(0))
	lists := mergesort.Lists(n, mergesort.ListSize, mergesort.MaxValue, 3)
	for _, c := range []struct {
		name string
		sort func([][]int) [][]int
	}{
		{"SortAll", mergesort.SortAll},
		{"SortAllParallel", mergesort.SortAllParallel},
	} {
		t.Run(c.name, func(t *testing.T) {
			nb := inNotebook(t, 2*time.Millisecond)
			sorted := c.sort(lists)
			if len(sorted) != n || !slices.IsSorted(sorted[n-1]) {
				t.Errorf("%s did not sort the lists", c.name)
			}
			texts, bars := nb.shown()
			if bars != 1 || len(texts) == 0 {
				t.Fatalf("shown %q, want one bar", texts)
			}
			for _, text := range texts {
				if !strings.HasPrefix(text, c.name+" |") {
					t.Errorf("shown %q, want a bar of %s", text, c.name)
				}
			}
			want := fmt.Sprintf("%s |████████████████████| %d/%d [", c.name, n, n)
			if last := texts[len(texts)-1]; !strings.HasPrefix(last, want) {
				t.Errorf("last shown %q, want %q", last, want)
			}
		})
	}
}

func TestSortAllShortShowsNothing(t *testing.T) {
	nb := inNotebook(t, 100*time.Millisecond)
	lists := mergesort.Lists(10, 100, 1000, 1)
	mergesort.SortAll(lists)
	mergesort.SortAllParallel(lists)
	mergesort.SortAll(nil)
	mergesort.SortAllParallel(nil)
	time.Sleep(150 * time.Millisecond) // past the delay: nothing appears later
	if texts, _ := nb.shown(); len(texts) != 0 {
		t.Errorf("short sorting showed %q, want nothing", texts)
	}
}
