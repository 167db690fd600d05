package pool_test

import (
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/internal/safebuf"
	"github.com/golessons/golessons/lessons/logging"
	"github.com/golessons/golessons/lessons/pool"
)

// unit is the length of a task of one unit of work.
const unit = 30 * time.Millisecond

var words = map[int]string{2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE", 6: "SIX"}

// capture directs the log to a buffer for the test and forgets the events
// recorded so far.
func capture(t *testing.T) *safebuf.Buffer {
	t.Helper()
	var b safebuf.Buffer
	old := logging.SetOutput(&b)
	t.Cleanup(func() { logging.SetOutput(old) })
	logging.Reset()
	return &b
}

var lineRE = regexp.MustCompile(`^\d\d:\d\d:\d\d:([^:]+):(.*)$`)

// lines returns the goroutine and message of each log line.
func lines(t *testing.T, out string) [][2]string {
	t.Helper()
	var ls [][2]string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		m := lineRE.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("log line %q is not time:goroutine:message", l)
		}
		ls = append(ls, [2]string{m[1], m[2]})
	}
	return ls
}

// writers returns who wrote each message.
func writers(t *testing.T, out string) map[string]string {
	t.Helper()
	w := map[string]string{}
	for _, l := range lines(t, out) {
		w[l[1]] = l[0]
	}
	return w
}

func TestTwoWorkersRunTasksInPairs(t *testing.T) {
	out := capture(t)
	var busy, most atomic.Int32
	var fs []*pool.Future
	var p *pool.Pool
	pool.With(2, func(pp *pool.Pool) {
		p = pp
		for n := 2; n <= 6; n++ {
			fs = append(fs, p.Submit(func() any {
				b := busy.Add(1)
				for m := most.Load(); b > m && !most.CompareAndSwap(m, b); m = most.Load() {
				}
				logging.Infof("%s received", words[n])
				logging.Sleep(time.Duration(n) * unit)
				logging.Infof("Printing %s", words[n])
				busy.Add(-1)
				return words[n]
			}))
		}
		var order []string
		for f := range pool.AsCompleted(fs) {
			logging.Infof("%v Done", f.Result())
			order = append(order, f.Result().(string))
		}
		want := []string{"TWO", "THREE", "FOUR", "FIVE", "SIX"}
		if !slices.Equal(order, want) {
			t.Errorf("AsCompleted yielded %v, want %v", order, want)
		}
	})
	if m := most.Load(); m != 2 {
		t.Errorf("%d tasks ran at once, want 2", m)
	}
	w := writers(t, out.String())
	for msg, worker := range map[string]string{
		"TWO received":   "_0",
		"THREE received": "_1",
		"FOUR received":  "_0", // TWO ends first
		"FIVE received":  "_1", // then THREE
		"SIX received":   "_0", // then FOUR
		"Printing SIX":   "_0",
		"TWO Done":       "",
	} {
		want := logging.MainName
		if worker != "" {
			want = p.Name() + worker
		}
		if w[msg] != want {
			t.Errorf("%q written by %q, want %q\n%s", msg, w[msg], want, out)
		}
	}
	for _, f := range fs {
		if !f.Done() || f.Err() != nil || f.Cancelled() {
			t.Errorf("%v: done %v, err %v, cancelled %v", f, f.Done(), f.Err(), f.Cancelled())
		}
	}
}

func TestPoolOfFiveWithTwoTasksHasTwoWorkers(t *testing.T) {
	out := capture(t)
	var p *pool.Pool
	pool.With(5, func(pp *pool.Pool) {
		p = pp
		for range 2 {
			p.Submit(func() any {
				logging.Info("Update Started")
				logging.Sleep(unit)
				logging.Info("Update Finished")
				return nil
			})
		}
	})
	names := map[string]int{}
	for _, l := range lines(t, out.String()) {
		names[l[0]]++
	}
	want := map[string]int{p.Name() + "_0": 2, p.Name() + "_1": 2}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("lines per goroutine %v, want %v\n%s", names, want, out)
	}
}

func TestPoolsAreNumbered(t *testing.T) {
	number := func(p *pool.Pool) int {
		t.Helper()
		s, ok := strings.CutPrefix(p.Name(), "ThreadPoolExecutor-")
		n, err := strconv.Atoi(s)
		if !ok || err != nil {
			t.Fatalf("pool named %q, want ThreadPoolExecutor-N", p.Name())
		}
		return n
	}
	a, b, c := pool.New(1), pool.New(1), pool.New(1)
	for _, p := range []*pool.Pool{a, b, c} {
		p.Shutdown(true)
	}
	if na, nb, nc := number(a), number(b), number(c); nb != na+1 || nc != nb+1 {
		t.Errorf("pools numbered %d, %d, %d, want consecutive numbers", na, nb, nc)
	}
}

func TestWorkers(t *testing.T) {
	for _, tt := range []struct{ workers, want int }{
		{1, 1},
		{7, 7},
		{0, runtime.NumCPU()},
		{-3, runtime.NumCPU()},
	} {
		p := pool.New(tt.workers)
		if got := p.Workers(); got != tt.want {
			t.Errorf("New(%d).Workers() = %d, want %d", tt.workers, got, tt.want)
		}
		p.Shutdown(true)
	}
}

func TestMapKeepsOrder(t *testing.T) {
	for _, tt := range []struct{ workers, n int }{
		{1, 0},
		{1, 1},
		{1, 5},
		{3, 10},
		{8, 50},
		{50, 20},
	} {
		t.Run(fmt.Sprintf("%dworkers/%d", tt.workers, tt.n), func(t *testing.T) {
			var got []any
			pool.With(tt.workers, func(p *pool.Pool) {
				got = p.Map(tt.n, func(i int) any {
					// Later items finish first.
					time.Sleep(time.Duration(tt.n-i) * time.Millisecond)
					return i * i
				})
			})
			if len(got) != tt.n {
				t.Fatalf("Map returned %d results, want %d", len(got), tt.n)
			}
			for i, v := range got {
				if v != i*i {
					t.Errorf("result %d = %v, want %d", i, v, i*i)
				}
			}
		})
	}
}

func TestMapErr(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		task    func(i int) (any, error)
		results []any
		err     string
		is      error
	}{
		{
			name:    "ok",
			task:    func(i int) (any, error) { return i, nil },
			results: []any{0, 1, 2, 3},
		},
		{
			name: "errors",
			task: func(i int) (any, error) {
				if i%2 == 1 {
					// The later error happens first.
					time.Sleep(time.Duration(4-i) * unit)
					return i, fmt.Errorf("item %d: %w", i, boom)
				}
				return i, nil
			},
			results: []any{0, nil, 2, nil},
			err:     "pool: map item 1: item 1: boom",
			is:      boom,
		},
		{
			name: "panic",
			task: func(i int) (any, error) {
				if i == 2 {
					panic("two")
				}
				return i, nil
			},
			results: []any{0, 1, nil, 3},
			err:     "panicked: two",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pool.New(4)
			defer p.Shutdown(true)
			results, err := p.MapErr(4, tt.task)
			if fmt.Sprint(results) != fmt.Sprint(tt.results) {
				t.Errorf("results %v, want %v", results, tt.results)
			}
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("error %v, want one containing %q", err, tt.err)
			case tt.is != nil && !errors.Is(err, tt.is):
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
		})
	}
}

func TestPanicBecomesError(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name  string
		value any
		msg   string
		is    error
	}{
		{"string", "oops", "panicked: oops", nil},
		{"error", boom, "panicked: boom", boom},
		{"int", 42, "panicked: 42", nil},
		{"nil", nil, "panicked: panic called with nil argument", nil},
	}
	p := pool.New(1)
	defer p.Shutdown(true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := p.Submit(func() any { panic(tt.value) })
			err := f.Err()
			var pe *pool.PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("error %#v, want a *PanicError", err)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), p.Name()) {
				t.Errorf("error %q, want it to name the pool and contain %q", err, tt.msg)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
			if len(pe.Stack) == 0 {
				t.Error("no stack in the error")
			}
			if r := f.Result(); r != nil {
				t.Errorf("Result() = %v, want nil", r)
			}
			// The worker keeps serving.
			if g := p.Submit(func() any { return logging.Name() }); g.Result() != p.Name()+"_0" {
				t.Errorf("next task ran on %v (err %v), want %s_0", g.Result(), g.Err(), p.Name())
			}
		})
	}
}

func TestSubmitErr(t *testing.T) {
	boom := errors.New("boom")
	p := pool.New(2)
	defer p.Shutdown(true)
	ok := p.SubmitErr(func() (any, error) { return "fine", nil })
	bad := p.SubmitErr(func() (any, error) { return "ignored", boom })
	if r, err := ok.Result(), ok.Err(); r != "fine" || err != nil {
		t.Errorf("ok: %v, %v", r, err)
	}
	if r, err := bad.Result(), bad.Err(); r != nil || err != boom {
		t.Errorf("bad: %v, %v; want nil, %v", r, err, boom)
	}
	if s := bad.String(); !strings.HasSuffix(s, "(failed)") {
		t.Errorf("String() = %q", s)
	}
	nilTask := p.Submit(nil)
	if err := nilTask.Err(); err == nil || !strings.Contains(err.Error(), "nil task") {
		t.Errorf("nil task: %v", err)
	}
}

func TestCancel(t *testing.T) {
	p := pool.New(1)
	defer p.Shutdown(true)
	started, release := make(chan bool), make(chan bool)
	running := p.Submit(func() any {
		started <- true
		<-release
		return "first"
	})
	var ran atomic.Bool
	queued := p.Submit(func() any { ran.Store(true); return "second" })
	after := p.Submit(func() any { return "third" })
	<-started
	if s := running.String(); !strings.HasSuffix(s, "(running)") {
		t.Errorf("String() = %q", s)
	}
	if s := queued.String(); !strings.HasSuffix(s, "(pending)") {
		t.Errorf("String() = %q", s)
	}

	if running.Cancel() {
		t.Error("cancelled a running task")
	}
	if !queued.Cancel() {
		t.Error("could not cancel a queued task")
	}
	if !queued.Cancel() {
		t.Error("a second Cancel returned false")
	}
	if !queued.Done() || !queued.Cancelled() {
		t.Errorf("cancelled task: done %v, cancelled %v", queued.Done(), queued.Cancelled())
	}
	if err := queued.Err(); !errors.Is(err, pool.ErrCancelled) {
		t.Errorf("error %v, want ErrCancelled", err)
	}
	if queued.Result() != nil {
		t.Errorf("result %v, want nil", queued.Result())
	}
	if running.Done() || running.Cancelled() {
		t.Errorf("running task: done %v, cancelled %v", running.Done(), running.Cancelled())
	}

	close(release)
	if running.Result() != "first" || after.Result() != "third" {
		t.Errorf("results %v, %v", running.Result(), after.Result())
	}
	if running.Cancel() || running.Cancelled() {
		t.Error("cancelled a finished task")
	}
	p.Shutdown(true)
	if ran.Load() {
		t.Error("the cancelled task ran")
	}
	var got []*pool.Future
	for f := range pool.AsCompleted([]*pool.Future{queued}) {
		got = append(got, f)
	}
	if len(got) != 1 || got[0] != queued {
		t.Errorf("AsCompleted of a cancelled future yielded %v", got)
	}
}

func TestSubmitAfterShutdown(t *testing.T) {
	for _, wait := range []bool{false, true} {
		p := pool.New(2)
		p.Submit(func() any { return nil })
		p.Shutdown(wait)
		f := p.Submit(func() any { t.Error("task submitted after shutdown ran"); return nil })
		if !f.Done() {
			t.Fatal("future of a task submitted after shutdown is not done")
		}
		err := f.Err()
		if !errors.Is(err, pool.ErrShutdown) || !strings.Contains(err.Error(), p.Name()) {
			t.Errorf("error %v, want one naming the pool and wrapping ErrShutdown", err)
		}
		if fs := p.Map(3, func(i int) any { return i }); fmt.Sprint(fs) != "[<nil> <nil> <nil>]" {
			t.Errorf("Map after shutdown = %v", fs)
		}
		p.Shutdown(true)
	}
}

func TestShutdownWithoutWaitRunsQueuedTasks(t *testing.T) {
	p := pool.New(1)
	var fs []*pool.Future
	for i := range 5 {
		fs = append(fs, p.Submit(func() any { time.Sleep(time.Millisecond); return i }))
	}
	p.Shutdown(false)
	for i, f := range fs {
		if f.Result() != i {
			t.Errorf("task %d: %v, %v", i, f.Result(), f.Err())
		}
	}
	p.Shutdown(true)
}

func TestWorkersExitAfterShutdown(t *testing.T) {
	before := runtime.NumGoroutine()
	p := pool.New(4)
	var fs []*pool.Future
	for i := range 8 {
		fs = append(fs, p.Submit(func() any { time.Sleep(unit); return i }))
	}
	pool.AsCompleted(fs) // left unread
	p.Shutdown(true)
	for _, f := range fs {
		if !f.Done() {
			t.Errorf("%v not done after Shutdown(true)", f)
		}
	}
	// The workers have finished; give their goroutines time to end.
	for range 200 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("%d goroutines after Shutdown, %d before", runtime.NumGoroutine(), before)
}

func TestEvents(t *testing.T) {
	capture(t)
	p := pool.New(3)
	release := make(chan bool)
	first := p.Submit(func() any { <-release; return 1 })
	second := p.Submit(func() any { return 2 })
	second.Wait()
	go func() { time.Sleep(unit); close(release) }()
	if first.Result() != 1 {
		t.Fatal(first.Err())
	}
	p.Shutdown(true)

	type ev struct{ who, kind, msg string }
	var got []ev
	for _, e := range logging.Events() {
		got = append(got, ev{e.Goroutine, e.Kind.String(), e.Message})
	}
	w0, w1 := p.Name()+"_0", p.Name()+"_1"
	seq := func(who string) []ev {
		var s []ev
		for _, e := range got {
			if e.who == who {
				s = append(s, e)
			}
		}
		return s
	}
	for _, tt := range []struct {
		who  string
		want []ev
	}{
		{w0, []ev{
			// It may find the pool shut down before it waits.
			{w0, "started", ""},
			{w0, "running", "task 0"},
			{w0, "finished", ""},
		}},
		{w1, []ev{
			{w1, "started", ""},
			{w1, "running", "task 1"},
			{w1, "waiting", ""},
			{w1, "finished", ""},
		}},
		{logging.MainName, []ev{
			// second.Wait may or may not block; first.Result does.
			{logging.MainName, "blocked", "wait " + p.Name() + " task 0"},
			{logging.MainName, "running", ""},
			{logging.MainName, "blocked", "shutdown " + p.Name()},
			{logging.MainName, "running", ""},
		}},
	} {
		s := seq(tt.who)
		if tt.who == logging.MainName && len(s) == 6 {
			s = s[2:]
		}
		if tt.who == w0 {
			s = slices.DeleteFunc(s, func(e ev) bool { return e.kind == "waiting" })
		}
		if fmt.Sprint(s) != fmt.Sprint(tt.want) {
			t.Errorf("events of %s:\n got %v\nwant %v", tt.who, s, tt.want)
		}
	}
	if s := seq(p.Name() + "_2"); len(s) != 0 {
		t.Errorf("a third worker started: %v", s)
	}
}

func TestWithShutsDownOnPanic(t *testing.T) {
	var p *pool.Pool
	var f *pool.Future
	func() {
		defer func() {
			if r := recover(); r != "body" {
				t.Errorf("recovered %v, want the body's panic", r)
			}
		}()
		pool.With(1, func(pp *pool.Pool) {
			p = pp
			f = p.Submit(func() any { time.Sleep(unit); return "done" })
			panic("body")
		})
	}()
	if !f.Done() || f.Result() != "done" {
		t.Errorf("task not done after With: %v", f)
	}
	if err := p.Submit(func() any { return nil }).Err(); !errors.Is(err, pool.ErrShutdown) {
		t.Errorf("pool not shut down after With: %v", err)
	}
}

func TestAsCompleted(t *testing.T) {
	p := pool.New(2)
	defer p.Shutdown(true)
	sleep := func(d time.Duration) *pool.Future {
		return p.Submit(func() any { time.Sleep(d); return d })
	}
	tests := []struct {
		name string
		// futures returns the futures to pass and those wanted, in order.
		futures func() (in, want []*pool.Future)
	}{
		{"none", func() (in, want []*pool.Future) { return nil, nil }},
		{"nil", func() (in, want []*pool.Future) { return []*pool.Future{nil}, nil }},
		{"done first", func() (in, want []*pool.Future) {
			done := sleep(0)
			done.Wait()
			slow, fast := sleep(2*unit), sleep(unit/3)
			return []*pool.Future{slow, fast, done}, []*pool.Future{done, fast, slow}
		}},
		{"duplicates", func() (in, want []*pool.Future) {
			slow, fast := sleep(2*unit), sleep(unit/3)
			return []*pool.Future{slow, slow, fast, fast}, []*pool.Future{fast, slow}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, want := tt.futures()
			var got []*pool.Future
			for f := range pool.AsCompleted(in) {
				got = append(got, f)
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestConcurrentSubmitters(t *testing.T) {
	const workers, submitters, each = 4, 8, 50
	p := pool.New(workers)
	var mu sync.Mutex
	names := map[string]bool{}
	var wg sync.WaitGroup
	for s := range submitters {
		wg.Go(func() {
			var fs []*pool.Future
			for i := range each {
				fs = append(fs, p.Submit(func() any {
					mu.Lock()
					names[logging.Name()] = true
					mu.Unlock()
					return s*each + i
				}))
			}
			for i, f := range fs {
				if f.Result() != s*each+i {
					t.Errorf("task %d of submitter %d: %v, %v", i, s, f.Result(), f.Err())
				}
			}
		})
	}
	wg.Wait()
	p.Shutdown(true)
	if len(names) > workers {
		t.Errorf("tasks ran on %d workers, at most %d expected: %v", len(names), workers, names)
	}
	for name := range names {
		if !strings.HasPrefix(name, p.Name()+"_") {
			t.Errorf("task ran on %q", name)
		}
	}
}

func TestGoexitEndsOnlyItsTask(t *testing.T) {
	p := pool.New(1)
	defer p.Shutdown(true)
	release := make(chan bool)
	exits := p.Submit(func() any { <-release; runtime.Goexit(); return nil })
	next := p.Submit(func() any { return logging.Name() })
	close(release)
	if err := exits.Err(); err == nil || !strings.Contains(err.Error(), "Goexit") {
		t.Errorf("error %v, want one naming Goexit", err)
	}
	if next.Result() != p.Name()+"_1" {
		t.Errorf("next task ran on %v (%v), want a new worker %s_1", next.Result(), next.Err(), p.Name())
	}
}
