// Package progress shows progress bars for long work: tasks of a pool,
// lists being sorted, the steps of a plain loop.
//
// A bar counts steps done out of a total. A cell makes one with New, calls
// Add as the work goes (from any number of goroutines) and Done at the
// end; Range does all three for a plain loop:
//
//	progress.Range(len(urls), "download", func(i int) {
//		sites.Download(urls[i])
//	})
//
// In a notebook the bar is one output: an HTML bar with text such as
//
//	download 37/100 (37%) 1.2s
//
// and, for front ends that show only text, a text bar:
//
//	download |███████▍            | 37/100 [1.2s]
//
// JupyterLab and the classic notebook update the bar in place. Its last
// update, the finished bar, is what the saved notebook keeps and what
// nbconvert's exported HTML shows. In jupyter console, which cannot update
// a display, the text bar is one line of output that each update rewrites
// (with a carriage return), ending in the final state.
//
// Updates are sent at most ten times a second, and once more when the
// bar is done, so that a loop of a million steps does not flood the front
// end.
//
// The lesson runtime's pools and sorting helpers show bars of their own,
// without code in the cell: see Auto and SetAfter.
//
// Outside a notebook (in a compiled program or a test) package display
// would print every update on standard output. A bar does not: it prints
// only its final state, one line of text, to the writer set with
// SetOutput (standard output by default); automatic bars print nothing.
// A bar finds out where it is when it is first shown, and so the
// "text/plain" of its first display is a value of a string type of this
// package, which fmt prints and encoding/json encodes as the text; its
// updates are plain strings.
package progress

import (
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/golessons/golessons/lessons/display"
)

// interval is the shortest time between two updates of a bar, apart from
// the final one.
const interval = 100 * time.Millisecond

// after holds the delay of automatic bars in nanoseconds; see SetAfter.
var after atomic.Int64

func init() { after.Store(int64(time.Second)) }

// After returns how long the work of an automatic bar (see Auto) runs
// before the bar appears. The default is one second; a negative delay
// means that automatic bars never appear.
func After() time.Duration { return time.Duration(after.Load()) }

// SetAfter sets the delay of automatic bars made from now on and returns
// the delay before. A negative d turns automatic bars off; zero shows them
// at once.
func SetAfter(d time.Duration) time.Duration {
	return time.Duration(after.Swap(int64(d)))
}

var (
	outMu sync.Mutex
	out   io.Writer = os.Stdout
)

// SetOutput directs the text that bars print outside a notebook to w, and
// returns the writer used before. The default is standard output; nil or
// io.Discard silences bars, in tests for example. In a notebook bars are
// displayed, and the writer is not used.
func SetOutput(w io.Writer) io.Writer {
	outMu.Lock()
	defer outMu.Unlock()
	old := out
	out = w
	return old
}

// printLine writes line to the output set with SetOutput.
func printLine(line string) {
	outMu.Lock()
	defer outMu.Unlock()
	if out != nil {
		io.WriteString(out, line+"\n")
	}
}

// errStopped is the error of a Range whose function panicked or ended its
// goroutine.
var errStopped = errors.New("stopped")

// Bar is a progress bar: steps done out of a total, the time since the bar
// was made, and a description. Its methods may be called from any
// goroutine; a nil *Bar ignores them.
type Bar struct {
	desc  string
	start time.Time
	auto  bool // shown only once the work has run for After, and only in a notebook

	done  atomic.Int64
	total atomic.Int64
	// last is when the last update was sent, as time since start.
	last atomic.Int64
	// pending is set while an update is scheduled, and while updates are
	// off: before the bar is shown, outside a notebook and once it is
	// done. Changes schedule an update only when it is clear.
	pending atomic.Bool

	mu       sync.Mutex
	handle   *display.Handle // the displayed bar, once shown in a notebook
	line     io.Writer       // where the bar's line is rewritten, once shown in a terminal front end
	width    int             // the length of the line last written there, in runes
	text     bool            // outside a notebook: only the final state, as text
	finished bool
	end      time.Duration // time from start to Done or Fail
	err      error         // what Fail was given
	timer    *time.Timer   // shows an automatic bar
}

func newBar(total int, description string) *Bar {
	b := &Bar{desc: description, start: time.Now()}
	b.total.Store(int64(max(total, 0)))
	b.pending.Store(true) // until the bar is shown
	return b
}

// New shows a bar for total steps, none of them done yet, with the given
// description, and returns it. A total below zero counts as zero.
//
// Outside a notebook New shows nothing: the bar prints its final state
// when it is done.
func New(total int, description string) *Bar {
	b := newBar(total, description)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.show()
	return b
}

// Auto returns a bar for total steps that appears only if it is not done
// within After of being made, and only in a notebook: short work shows
// nothing, and outside a notebook nothing is printed either. Its total
// may grow with AddTotal; while total and done are both zero it does not
// appear.
//
// The lesson runtime uses such bars for the tasks of pool.With and
// pool.Map and the lists of mergesort.SortAll and SortAllParallel.
func Auto(total int, description string) *Bar {
	b := newBar(total, description)
	b.auto = true
	if d := After(); d >= 0 {
		b.mu.Lock()
		b.timer = time.AfterFunc(d, b.appear)
		b.mu.Unlock()
	}
	return b
}

// Range calls f(0), f(1), ..., f(n-1) in turn, showing a bar of n steps
// with the given description that counts the calls returned, and finishes
// the bar when the last returns. If f panics, the bar fails with the
// error "stopped" and the panic goes on.
func Range(n int, description string, f func(i int)) {
	b := New(n, description)
	ended := false
	defer func() {
		if !ended {
			b.Fail(errStopped)
		}
	}()
	for i := range max(n, 0) {
		f(i)
		b.Add(1)
	}
	ended = true
	b.Done()
}

// Add counts n more steps done.
func (b *Bar) Add(n int) {
	if b == nil {
		return
	}
	b.done.Add(int64(n))
	b.changed()
}

// Set sets the number of steps done to done.
func (b *Bar) Set(done int) {
	if b == nil {
		return
	}
	b.done.Store(int64(done))
	b.changed()
}

// AddTotal adds n steps to the total, for work whose size grows as it
// goes, such as the tasks submitted to a pool.
func (b *Bar) AddTotal(n int) {
	if b == nil {
		return
	}
	b.total.Add(int64(n))
	b.changed()
}

// Done finishes the bar: it shows its final state, the steps done out of
// the total (100% when all are done) and the time the work took, and
// stops updating. Calls after the first Done or Fail have no effect.
func (b *Bar) Done() { b.finish(nil) }

// Fail finishes the bar as Done does, marked as failed with err. Fail(nil)
// is Done.
func (b *Bar) Fail(err error) { b.finish(err) }

// String returns the bar as text, e.g. "sum |███████▍            |
// 37/100 [1.2s]".
func (b *Bar) String() string {
	if b == nil {
		return "<nil>"
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state().text()
}

// MIMEBundle returns the bar as HTML and text, so that a bar that is the
// last expression of a cell is shown as a bar.
func (b *Bar) MIMEBundle() map[string]any {
	if b == nil {
		return display.Text("<nil>")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.state()
	return display.Bundle{"text/html": s.html(), "text/plain": s.text()}
}

// state returns what the bar shows now. b.mu is held.
func (b *Bar) state() state {
	s := state{
		desc:     b.desc,
		done:     b.done.Load(),
		total:    b.total.Load(),
		elapsed:  b.end,
		finished: b.finished,
		err:      b.err,
	}
	if !b.finished {
		s.elapsed = time.Since(b.start)
	}
	return s
}

// changed schedules an update for a change of the counts, unless one is
// already scheduled or updates are off. The update is sent at once when
// the last was sent at least interval ago, else when interval has passed.
func (b *Bar) changed() {
	if !b.pending.CompareAndSwap(false, true) {
		return
	}
	wait := interval - (time.Since(b.start) - time.Duration(b.last.Load()))
	time.AfterFunc(max(wait, 0), b.flush)
}

// flush sends the scheduled update, showing an automatic bar that has
// not appeared yet.
func (b *Bar) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished || b.text {
		return
	}
	if !b.shown() {
		b.appearLocked()
		return
	}
	// Clear pending before reading the counts: a change made from here on
	// schedules the next update.
	b.last.Store(int64(time.Since(b.start)))
	b.pending.Store(false)
	b.update()
}

// appear shows an automatic bar once its delay has passed.
func (b *Bar) appear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.appearLocked()
}

// appearLocked shows an automatic bar that has something to show;
// otherwise the next change shows it. b.mu is held.
func (b *Bar) appearLocked() {
	if b.finished || b.text || b.shown() {
		return
	}
	if b.done.Load() == 0 && b.total.Load() == 0 {
		// The first change shows the bar, at once.
		b.last.Store(int64(-interval))
		b.pending.Store(false)
		return
	}
	b.show()
}

// show displays the bar for the first time, or finds that there is no
// notebook to display it in. b.mu is held.
func (b *Bar) show() {
	b.last.Store(int64(time.Since(b.start)))
	b.pending.Store(false)
	s := b.state()
	b.handle, b.line = open(s.bundle())
	switch {
	case b.line != nil:
		b.writeLine(s.text(), false)
	case b.handle == nil:
		b.text = true
		b.pending.Store(true) // no updates outside a notebook
	}
}

// shown reports whether the bar is shown in a notebook's front end.
// b.mu is held.
func (b *Bar) shown() bool { return b.handle != nil || b.line != nil }

// update shows the bar's state where it is shown. b.mu is held.
func (b *Bar) update() {
	s := b.state()
	if b.handle != nil {
		b.handle.Update(s.bundle())
		return
	}
	b.writeLine(s.text(), s.finished)
}

// writeLine rewrites the bar's line in a terminal front end with text,
// and ends the line when last is set. b.mu is held.
func (b *Bar) writeLine(text string, last bool) {
	n := utf8.RuneCountInString(text)
	line := "\r" + text + strings.Repeat(" ", max(b.width-n, 0))
	if last {
		line += "\n"
	}
	b.width = n
	io.WriteString(b.line, line)
}

// finish shows the final state of the bar, failed with err if not nil.
func (b *Bar) finish(err error) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	b.end = time.Since(b.start)
	b.err = err
	b.pending.Store(true)
	if b.timer != nil {
		b.timer.Stop()
	}
	switch {
	case b.shown():
		b.update()
	case b.text && !b.auto:
		printLine(b.state().text())
	}
}
