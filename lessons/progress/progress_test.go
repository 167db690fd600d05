package progress_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/display"
	"github.com/golessons/golessons/lessons/internal/safebuf"
	"github.com/golessons/golessons/lessons/progress"
)

// interval is the package's shortest time between two updates.
const interval = 100 * time.Millisecond

// call is one call of a recorder's Display.
type call struct {
	text, html, id string
	update         bool
}

// recorder is a display.Publisher that records what it is asked to show.
type recorder struct {
	mu    sync.Mutex
	calls []call
}

func (r *recorder) Display(data, metadata map[string]any, id string, update bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{text: fmt.Sprint(data["text/plain"]), html: fmt.Sprint(data["text/html"]), id: id, update: update})
	return nil
}

func (r *recorder) Clear(wait bool) error { return nil }

// Calls returns the calls so far.
func (r *recorder) Calls() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// record makes a recorder the display publisher for the test: the test
// runs as in a notebook. Tests run without a publisher, which is restored
// after the test.
func record(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	display.SetPublisher(r)
	t.Cleanup(func() { display.SetPublisher(nil) })
	return r
}

// output directs the text of bars outside a notebook to a buffer for the
// test.
func output(t *testing.T) *safebuf.Buffer {
	t.Helper()
	var b safebuf.Buffer
	old := progress.SetOutput(&b)
	t.Cleanup(func() { progress.SetOutput(old) })
	return &b
}

// setAfter sets the delay of automatic bars for the test.
func setAfter(t *testing.T, d time.Duration) {
	t.Helper()
	old := progress.SetAfter(d)
	t.Cleanup(func() { progress.SetAfter(old) })
}

// stdout returns what f writes on standard output.
func stdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	old := os.Stdout
	os.Stdout = w
	func() {
		defer func() { os.Stdout = old }()
		f()
	}()
	w.Close()
	return <-done
}

// checkCalls checks that calls display one bar and then update it, and
// that the last shows want.
func checkCalls(t *testing.T, calls []call, want string) {
	t.Helper()
	if len(calls) == 0 {
		t.Fatalf("nothing displayed, want a bar ending %q", want)
	}
	for i, c := range calls {
		if c.update != (i > 0) || c.id != calls[0].id || c.id == "" {
			t.Errorf("call %d: id %q update %v; want one display, then updates of it", i, c.id, c.update)
		}
	}
	if last := calls[len(calls)-1].text; !strings.Contains(last, want) {
		t.Errorf("last update %q, want it to contain %q", last, want)
	}
}

func TestNewUpdatesInPlace(t *testing.T) {
	r := record(t)
	b := progress.New(4, "copy")
	calls := r.Calls()
	if len(calls) != 1 || calls[0].update || !strings.HasPrefix(calls[0].text, "copy |                    | 0/4 [") {
		t.Fatalf("after New: %+v, want one display of 0/4", calls)
	}
	b.Add(1)
	b.Add(2)
	time.Sleep(3 * interval)
	b.Add(1)
	b.Done()
	calls = r.Calls()
	checkCalls(t, calls, "copy |████████████████████| 4/4 [")
	if len(calls) < 3 {
		t.Errorf("%d calls, want an update between the display and the final one: %+v", len(calls), calls)
	}
	if !strings.Contains(calls[1].text, "3/4") {
		t.Errorf("update %q, want 3/4", calls[1].text)
	}
	last := calls[len(calls)-1].html
	if !strings.Contains(last, "4/4 (100%)") {
		t.Errorf("final HTML %q, want 4/4 (100%%)", last)
	}
	// Done is final.
	b.Add(1)
	b.Done()
	b.Fail(errors.New("late"))
	time.Sleep(2 * interval)
	if n := len(r.Calls()); n != len(calls) {
		t.Errorf("%d calls after Done, want none", n-len(calls))
	}
}

func TestAddManyGoroutines(t *testing.T) {
	r := record(t)
	const goroutines, steps = 64, 2000
	b := progress.New(goroutines*steps, "count")
	start := time.Now()
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range steps {
				b.Add(1)
			}
		})
	}
	wg.Wait()
	b.Done()
	elapsed := time.Since(start)
	calls := r.Calls()
	checkCalls(t, calls, fmt.Sprintf("| %d/%d [", goroutines*steps, goroutines*steps))
	if max := int(elapsed/interval) + 3; len(calls) > max {
		t.Errorf("%d updates in %v, want at most %d", len(calls), elapsed, max)
	}
}

func TestRateLimit(t *testing.T) {
	r := record(t)
	const n = 1_000_000
	start := time.Now()
	b := progress.New(n, "loop")
	for range n {
		b.Add(1)
	}
	b.Done()
	elapsed := time.Since(start)
	calls := r.Calls()
	checkCalls(t, calls, "1000000/1000000")
	// The first display, one update per interval, the final update.
	if max := int(elapsed/interval) + 3; len(calls) > max {
		t.Errorf("%d updates for %d steps in %v, want at most %d", len(calls), n, elapsed, max)
	}
}

func TestRateLimitSteadyWork(t *testing.T) {
	r := record(t)
	b := progress.New(0, "steady")
	start := time.Now()
	for time.Since(start) < 6*interval {
		b.AddTotal(1)
		b.Add(1)
		time.Sleep(time.Millisecond)
	}
	b.Done()
	elapsed := time.Since(start)
	calls := r.Calls()
	checkCalls(t, calls, "steady |████████████████████|")
	if max := int(elapsed/interval) + 3; len(calls) > max {
		t.Errorf("%d updates in %v, want at most %d", len(calls), elapsed, max)
	}
	if len(calls) < 4 {
		t.Errorf("%d updates in %v, want about one per %v", len(calls), elapsed, interval)
	}
}

func TestLastChangeIsShown(t *testing.T) {
	r := record(t)
	b := progress.New(10, "slow")
	defer b.Done()
	b.Add(1) // right after the display: shown once the interval has passed
	time.Sleep(3 * interval)
	calls := r.Calls()
	if len(calls) != 2 || !strings.Contains(calls[1].text, " 1/10 ") {
		t.Errorf("calls %+v, want the display and an update to 1/10", calls)
	}
	b.Set(7)
	time.Sleep(3 * interval)
	calls = r.Calls()
	if len(calls) != 3 || !strings.Contains(calls[2].text, " 7/10 ") {
		t.Errorf("calls %+v, want a last update to 7/10", calls)
	}
}

func TestFail(t *testing.T) {
	r := record(t)
	b := progress.New(3, "fetch")
	b.Add(1)
	b.Fail(errors.New("timeout"))
	calls := r.Calls()
	checkCalls(t, calls, "| 1/3 [")
	last := calls[len(calls)-1]
	if !strings.HasSuffix(last.text, "] failed: timeout") || !strings.Contains(last.html, "failed: timeout") {
		t.Errorf("final update %+v, want it failed with timeout", last)
	}
}

func TestFailNilIsDone(t *testing.T) {
	r := record(t)
	b := progress.New(2, "ok")
	b.Add(2)
	b.Fail(nil)
	calls := r.Calls()
	checkCalls(t, calls, "| 2/2 [")
	if last := calls[len(calls)-1].text; strings.Contains(last, "failed") {
		t.Errorf("final update %q, want it done", last)
	}
}

func TestOutsideNotebook(t *testing.T) {
	out := output(t)
	printed := stdout(t, func() {
		b := progress.New(3, "files")
		b.Add(2)
		time.Sleep(2 * interval)
		b.Add(1)
		if out.String() != "" {
			t.Errorf("printed %q before Done", out.String())
		}
		b.Done()
		b.Done()
	})
	if printed != "" {
		t.Errorf("standard output %q, want nothing", printed)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "files |████████████████████| 3/3 [") {
		t.Errorf("output %q, want one line, the finished bar", out.String())
	}
}

func TestDefaultOutputIsStdout(t *testing.T) {
	old := progress.SetOutput(io.Discard)
	progress.SetOutput(old)
	if old != os.Stdout {
		t.Errorf("default output %v, want os.Stdout", old)
	}
}

// printer is a publisher that prints the text of what it displays, as
// display's example does: a bar's first text must print as the bar.
type printer struct{ w io.Writer }

func (p printer) Display(data, metadata map[string]any, id string, update bool) error {
	fmt.Fprintln(p.w, update, data["text/plain"])
	return nil
}

func (printer) Clear(bool) error { return nil }

func TestPublisherThatPrints(t *testing.T) {
	var buf safebuf.Buffer
	display.SetPublisher(printer{&buf})
	defer display.SetPublisher(nil)
	out := output(t)
	b := progress.New(2, "two")
	b.Add(2)
	b.Done()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "false two |                    | 0/2 [") ||
		!strings.HasPrefix(lines[1], "true two |████████████████████| 2/2 [") {
		t.Errorf("publisher printed %q, want the display and the final update", buf.String())
	}
	if out.String() != "" {
		t.Errorf("output %q, want nothing in a notebook", out.String())
	}
}

func TestRange(t *testing.T) {
	out := output(t)
	var got []int
	progress.Range(5, "squares", func(i int) { got = append(got, i*i) })
	if fmt.Sprint(got) != "[0 1 4 9 16]" {
		t.Errorf("Range called f to give %v, want [0 1 4 9 16]", got)
	}
	if !strings.HasPrefix(out.String(), "squares |████████████████████| 5/5 [") {
		t.Errorf("output %q, want the finished bar", out.String())
	}

	r := record(t)
	progress.Range(0, "nothing", func(int) { t.Error("f called for Range(0)") })
	progress.Range(300, "notebook", func(int) { time.Sleep(time.Millisecond) })
	calls := r.Calls()
	if len(calls) < 2 {
		t.Fatalf("calls %+v, want the bars of both ranges", calls)
	}
	if calls[0].text == "" || !strings.HasPrefix(calls[1].text, "nothing |████████████████████| 0/0 [") {
		t.Errorf("Range(0) showed %+v, want an empty, finished bar", calls[:2])
	}
	checkCalls(t, calls[2:], "notebook |████████████████████| 300/300 [")
}

func TestRangePanics(t *testing.T) {
	out := output(t)
	defer func() {
		if v := recover(); v != "boom" {
			t.Errorf("recovered %v, want the panic of f", v)
		}
		if !strings.HasPrefix(out.String(), "panics |████████▌           | 3/7 [") ||
			!strings.HasSuffix(out.String(), "] failed: stopped\n") {
			t.Errorf("output %q, want a bar failed at 3/7", out.String())
		}
	}()
	progress.Range(7, "panics", func(i int) {
		if i == 3 {
			panic("boom")
		}
	})
}

func TestAutoShortWorkShowsNothing(t *testing.T) {
	r := record(t)
	out := output(t)
	setAfter(t, interval)
	b := progress.Auto(10, "short")
	b.Add(10)
	b.Done()
	time.Sleep(2 * interval)
	if calls := r.Calls(); len(calls) != 0 {
		t.Errorf("short work displayed %+v, want nothing", calls)
	}
	if out.String() != "" {
		t.Errorf("short work printed %q, want nothing", out.String())
	}
}

func TestAutoLongWorkShowsBar(t *testing.T) {
	r := record(t)
	setAfter(t, 30*time.Millisecond)
	b := progress.Auto(5, "long")
	b.Add(2)
	if calls := r.Calls(); len(calls) != 0 {
		t.Errorf("displayed %+v before the delay", calls)
	}
	time.Sleep(100 * time.Millisecond)
	calls := r.Calls()
	if len(calls) != 1 || !strings.Contains(calls[0].text, " 2/5 ") {
		t.Errorf("after the delay: %+v, want a display of 2/5", calls)
	}
	b.Add(3)
	b.Done()
	checkCalls(t, r.Calls(), "long |████████████████████| 5/5 [")
}

func TestAutoWaitsForWork(t *testing.T) {
	r := record(t)
	setAfter(t, 10*time.Millisecond)
	b := progress.Auto(0, "tasks")
	time.Sleep(50 * time.Millisecond)
	if calls := r.Calls(); len(calls) != 0 {
		t.Errorf("displayed %+v with nothing to count", calls)
	}
	b.AddTotal(2)
	time.Sleep(50 * time.Millisecond)
	b.Add(2)
	b.Done()
	calls := r.Calls()
	checkCalls(t, calls, "tasks |████████████████████| 2/2 [")
	if !strings.Contains(calls[0].text, " 0/2 ") {
		t.Errorf("first display %q, want 0/2", calls[0].text)
	}
}

func TestAutoOutsideNotebookPrintsNothing(t *testing.T) {
	out := output(t)
	setAfter(t, 0)
	printed := stdout(t, func() {
		b := progress.Auto(3, "quiet")
		time.Sleep(50 * time.Millisecond)
		b.Add(3)
		b.Done()
	})
	if printed != "" || out.String() != "" {
		t.Errorf("printed %q and %q, want nothing", printed, out.String())
	}
}

func TestAutoOff(t *testing.T) {
	r := record(t)
	setAfter(t, -1)
	if got := progress.After(); got != -1 {
		t.Errorf("After() = %v, want -1ns", got)
	}
	b := progress.Auto(3, "off")
	time.Sleep(50 * time.Millisecond)
	b.Add(3)
	b.Done()
	if calls := r.Calls(); len(calls) != 0 {
		t.Errorf("displayed %+v with automatic bars off", calls)
	}
}

func TestNilBar(t *testing.T) {
	var b *progress.Bar
	b.Add(1)
	b.Set(1)
	b.AddTotal(1)
	b.Done()
	b.Fail(errors.New("x"))
	if b.String() != "<nil>" {
		t.Errorf("String() = %q", b.String())
	}
}

func TestBarIsMIMEBundler(t *testing.T) {
	output(t)
	b := progress.New(4, "bundle")
	defer b.Done()
	b.Set(1)
	data := display.BundleOf(b)
	if !strings.HasPrefix(fmt.Sprint(data["text/plain"]), "bundle |█████               | 1/4 [") ||
		!strings.Contains(fmt.Sprint(data["text/html"]), "1/4 (25%)") {
		t.Errorf("bundle %v, want the bar at 1/4", data)
	}
	if s := b.String(); !strings.HasPrefix(s, "bundle |█████               | 1/4 [") {
		t.Errorf("String() = %q, want the bar at 1/4", s)
	}
}

// terminal is a display.Publisher of a front end that cannot update
// displays in place, such as jupyter console.
type terminal struct{ recorder }

func (*terminal) UpdatesInPlace() bool { return false }

func TestTerminalRewritesOneLine(t *testing.T) {
	term := &terminal{}
	display.SetPublisher(term)
	t.Cleanup(func() { display.SetPublisher(nil) })
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	t.Cleanup(func() { os.Stdout = stdout })

	b := progress.New(12, "copy")
	b.Add(3)
	time.Sleep(3 * interval)
	b.Add(9)
	b.Done()
	os.Stdout = stdout
	w.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	out := string(data)
	if calls := term.Calls(); len(calls) != 0 {
		t.Errorf("displays %+v, want none: the bar is a line of text", calls)
	}
	lines := strings.Split(out, "\r")
	if len(lines) < 4 || lines[0] != "" {
		t.Fatalf("output %q, want the first state, an update and the final state, each after a carriage return", out)
	}
	if !strings.HasPrefix(lines[1], "copy |                    | 0/12 [") || !strings.Contains(lines[2], "3/12") {
		t.Errorf("output %q, want 0/12 then 3/12", out)
	}
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "copy |████████████████████| 12/12 [") || !strings.HasSuffix(last, "\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("output %q, want it to end with the final state and a newline", out)
	}
	// Each state covers the one before, longer or not.
	for i := 2; i < len(lines); i++ {
		if n, prev := len([]rune(strings.TrimSuffix(lines[i], "\n"))), len([]rune(lines[i-1])); n < prev {
			t.Errorf("line %q is shorter than the line it rewrites, %q", lines[i], lines[i-1])
		}
	}
}
