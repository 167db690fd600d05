package pool_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/display"
	"github.com/golessons/golessons/lessons/pool"
	"github.com/golessons/golessons/lessons/progress"
)

// shown is one bar output sent to the notebook: its text, the display id
// it updates, and whether it is an update.
type shown struct {
	text, id string
	update   bool
}

// notebook is a display.Publisher that records what it is asked to show.
type notebook struct {
	mu    sync.Mutex
	shown []shown
}

func (n *notebook) Display(data, metadata map[string]any, id string, update bool) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.shown = append(n.shown, shown{fmt.Sprint(data["text/plain"]), id, update})
	return nil
}

func (n *notebook) Clear(wait bool) error { return nil }

func (n *notebook) Shown() []shown {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]shown(nil), n.shown...)
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

// oneBar checks that shown is a bar displayed and then updated in place,
// that it counts the tasks of desc, and that it ends as want.
func oneBar(t *testing.T, shown []shown, desc, want string) {
	t.Helper()
	if len(shown) == 0 {
		t.Fatalf("no bar shown, want %q", want)
	}
	for i, s := range shown {
		if s.update != (i > 0) || s.id != shown[0].id {
			t.Errorf("output %d: %+v, want one bar updated in place", i, s)
		}
		if !strings.HasPrefix(s.text, desc+" |") {
			t.Errorf("output %d: %q, want a bar of %q", i, s.text, desc)
		}
	}
	if last := shown[len(shown)-1].text; !strings.HasPrefix(last, desc+" "+want) {
		t.Errorf("last output %q, want %q", last, desc+" "+want)
	}
}

func TestProgressBarForLongWith(t *testing.T) {
	nb := inNotebook(t, 2*unit)
	var name string
	pool.With(1, func(p *pool.Pool) {
		name = p.Name()
		for range 4 {
			p.Submit(func() any { time.Sleep(unit); return nil })
		}
	})
	shown := nb.Shown()
	oneBar(t, shown, name+" tasks", "|████████████████████| 4/4 [")
	// At the delay, all four tasks are submitted and at most two done.
	first := shown[0].text
	if !strings.Contains(first, " 0/4 [") && !strings.Contains(first, " 1/4 [") && !strings.Contains(first, " 2/4 [") {
		t.Errorf("first output %q, want the tasks done so far out of the 4 submitted", first)
	}
}

func TestProgressBarCountsTasksAsSubmitted(t *testing.T) {
	nb := inNotebook(t, unit)
	var name string
	pool.With(2, func(p *pool.Pool) {
		name = p.Name()
		for range 3 {
			p.Submit(func() any { time.Sleep(unit / 3); return nil })
			time.Sleep(3 * unit) // the bar appears during the first sleep
		}
	})
	shown := nb.Shown()
	oneBar(t, shown, name+" tasks", "|████████████████████| 3/3 [")
	if !strings.Contains(shown[0].text, " 1/1 [") {
		t.Errorf("first output %q, want 1/1: the one task submitted, done", shown[0].text)
	}
}

func TestProgressBarForLongMap(t *testing.T) {
	nb := inNotebook(t, unit)
	p := pool.New(3)
	defer p.Shutdown(true)
	results := p.Map(9, func(i int) any { time.Sleep(unit); return i })
	if fmt.Sprint(results) != "[0 1 2 3 4 5 6 7 8]" {
		t.Errorf("Map returned %v", results)
	}
	oneBar(t, nb.Shown(), p.Name()+" map", "|████████████████████| 9/9 [")

	// A second Map has a bar of its own.
	nb2 := inNotebook(t, unit)
	p.Map(6, func(i int) any { time.Sleep(unit); return i })
	oneBar(t, nb2.Shown(), p.Name()+" map", "|████████████████████| 6/6 [")
	if nb2.Shown()[0].id == nb.Shown()[0].id {
		t.Errorf("two Maps updated the same bar")
	}
}

func TestMapWithinWithShowsOneBar(t *testing.T) {
	nb := inNotebook(t, unit)
	var name string
	pool.With(4, func(p *pool.Pool) {
		name = p.Name()
		p.Submit(func() any { time.Sleep(unit); return nil })
		p.Map(8, func(i int) any { time.Sleep(unit); return i })
	})
	oneBar(t, nb.Shown(), name+" tasks", "|████████████████████| 9/9 [")
}

func TestProgressBarForFailedAndCancelledTasks(t *testing.T) {
	nb := inNotebook(t, unit)
	var name string
	pool.With(1, func(p *pool.Pool) {
		name = p.Name()
		p.Submit(func() any { time.Sleep(3 * unit); return nil })
		p.Submit(func() any { panic("oops") })
		p.Submit(func() any { return nil }).Cancel()
		p.SubmitErr(nil)
	})
	oneBar(t, nb.Shown(), name+" tasks", "|████████████████████| 4/4 [")
}

func TestNoProgressBarForShortWork(t *testing.T) {
	nb := inNotebook(t, 4*unit)
	pool.With(4, func(p *pool.Pool) {
		for range 8 {
			p.Submit(func() any { return nil })
		}
		p.Map(8, func(i int) any { return i })
	})
	p := pool.New(2)
	p.Map(8, func(i int) any { return i })
	p.MapErr(0, nil)
	p.Shutdown(true)
	pool.With(2, func(p *pool.Pool) {}) // no tasks at all
	time.Sleep(6 * unit)                // past the delay: nothing appears later
	if shown := nb.Shown(); len(shown) != 0 {
		t.Errorf("short work showed %+v, want nothing", shown)
	}
}

func TestNoProgressBarOutsideNotebook(t *testing.T) {
	old := progress.SetAfter(0)
	defer progress.SetAfter(old)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	printed := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		printed <- string(b)
	}()
	stdout := os.Stdout
	os.Stdout = w
	func() {
		defer func() { os.Stdout = stdout }()
		pool.With(2, func(p *pool.Pool) {
			p.Map(4, func(i int) any { time.Sleep(unit); return i })
		})
	}()
	w.Close()
	if s := <-printed; s != "" {
		t.Errorf("printed %q, want nothing outside a notebook", s)
	}
}
