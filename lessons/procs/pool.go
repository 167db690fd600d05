package procs

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"

	"github.com/golessons/golessons/lessons/internal/call"
	"github.com/golessons/golessons/lessons/progress"
)

// Pool runs functions in a bounded number of worker processes. A worker is
// started when a task is submitted and no worker is idle, up to the pool's
// size, and serves tasks until the pool is shut down. Its methods may be
// called from any goroutine.
type Pool struct {
	size int

	mu       sync.Mutex
	changed  *sync.Cond
	queue    []*Future
	workers  int // started or starting
	idle     int
	shutdown bool
	conns    map[*conn]bool // the live workers
	stopped  map[*conn]bool // workers stopped by Interrupt
}

// New returns a pool of at most workers processes; zero or less means one
// per core (runtime.NumCPU). No process starts until a task is submitted.
func New(workers int) *Pool {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	p := &Pool{size: workers, conns: map[*conn]bool{}, stopped: map[*conn]bool{}}
	p.changed = sync.NewCond(&p.mu)
	return p
}

// With makes a pool of the given number of workers, calls f with it and
// shuts it down when f returns, as Python's `with ProcessPoolExecutor()`.
func With(workers int, f func(p *Pool)) {
	p := New(workers)
	defer p.Shutdown()
	f(p)
}

// Size returns the largest number of workers the pool runs.
func (p *Pool) Size() int { return p.size }

// PIDs returns the process IDs of the pool's live workers.
func (p *Pool) PIDs() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var pids []int
	for c := range p.conns {
		pids = append(pids, c.pid)
	}
	return pids
}

// Submit submits a call of the function called fn with args and returns
// its future. fn names a function declared in a cell, or pkg.Func of an
// imported package. A function that does not exist, arguments that do not
// fit it or cannot be sent to another process, and a pool that was shut
// down fail the future at once.
func (p *Pool) Submit(fn string, args ...any) *Future {
	f := newFuture(fn)
	if err := f.prepare(args); err != nil {
		f.settle(nil, err)
		return f
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shutdown {
		f.settle(nil, fmt.Errorf("%s: %w", fn, ErrShutdown))
		return f
	}
	p.queue = append(p.queue, f)
	if p.idle == 0 && p.workers < p.size {
		p.workers++
		if p.workers == 1 {
			live.mu.Lock()
			live.pools[p] = true
			live.mu.Unlock()
		}
		go p.work()
	}
	p.changed.Signal()
	return f
}

// Map calls the function called fn once for each element of inputs, a
// slice, in the pool's workers, and returns the results in the order of
// inputs. The error is that of the first call, in input order, that
// failed; the results of the others are there all the same. A bar shows
// the progress of long work in a notebook.
func (p *Pool) Map(fn string, inputs any) ([]any, error) {
	in := reflect.ValueOf(inputs)
	if in.Kind() != reflect.Slice && in.Kind() != reflect.Array {
		return nil, fmt.Errorf("map %s: inputs must be a slice, not %T", fn, inputs)
	}
	fs := make([]*Future, in.Len())
	bar := progress.Auto(len(fs), fn)
	for i := range fs {
		fs[i] = p.Submit(fn, in.Index(i).Interface())
	}
	results := make([]any, len(fs))
	var first error
	for i, f := range fs {
		f.Wait()
		bar.Add(1)
		results[i] = f.Result()
		if err := f.Err(); err != nil && first == nil {
			first = err
		}
	}
	bar.Fail(first)
	return results, first
}

// Shutdown waits for the tasks submitted to finish, stops the workers and
// refuses tasks submitted from then on. Calling it again does nothing.
func (p *Pool) Shutdown() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.shutdown = true
	p.changed.Broadcast()
	for p.workers > 0 {
		p.changed.Wait()
	}
}

// work is the goroutine of one worker: it starts the process and runs
// tasks in it until the pool is shut down or the process ends.
func (p *Pool) work() {
	c, err := dial()
	p.mu.Lock()
	if err != nil {
		p.workers--
		if p.workers == 0 {
			// Nobody else will run the tasks waiting: they fail as this
			// worker did.
			for _, f := range p.queue {
				f.settle(nil, fmt.Errorf("%s: %w", f.fn, err))
			}
			p.queue = nil
		}
		p.ended()
		p.mu.Unlock()
		return
	}
	p.conns[c] = true
	for {
		p.idle++
		for len(p.queue) == 0 && !p.shutdown && !p.stopped[c] {
			p.changed.Wait()
		}
		p.idle--
		if len(p.queue) == 0 || p.stopped[c] {
			break
		}
		f := p.queue[0]
		p.queue[0] = nil
		p.queue = p.queue[1:]
		p.mu.Unlock()
		f.begin(c.pid)
		m, err := c.call(f.fn, f.args)
		p.mu.Lock()
		if err != nil {
			if p.stopped[c] {
				err = fmt.Errorf("%s: %w", f.fn, ErrInterrupted)
			}
			f.settle(nil, err)
			break
		}
		f.settleMessage(m)
	}
	delete(p.conns, c)
	delete(p.stopped, c)
	p.workers--
	// A worker that crashed is replaced while tasks wait.
	if len(p.queue) > 0 && !p.shutdown && p.workers < p.size {
		p.workers++
		go p.work()
	}
	p.ended()
	p.mu.Unlock()
	c.close()
}

// ended notes that a worker goroutine ended. p.mu is held.
func (p *Pool) ended() {
	if p.workers == 0 {
		live.mu.Lock()
		delete(live.pools, p)
		live.mu.Unlock()
	}
	p.changed.Broadcast()
}

// interrupt stops every worker and fails every task with ErrInterrupted.
func (p *Pool) interrupt() {
	p.mu.Lock()
	for _, f := range p.queue {
		f.settle(nil, fmt.Errorf("%s: %w", f.fn, ErrInterrupted))
	}
	p.queue = nil
	var conns []*conn
	for c := range p.conns {
		p.stopped[c] = true
		conns = append(conns, c)
	}
	p.changed.Broadcast()
	p.mu.Unlock()
	for _, c := range conns {
		c.kill()
	}
}

// Future is the result of a function running in another process.
// Result, Results, Err and Wait block until the call is done; Done and PID
// do not.
type Future struct {
	fn    string
	ftype reflect.Type
	args  [][]byte

	done chan struct{}

	mu      sync.Mutex
	pid     int
	results []any
	err     error
}

func newFuture(fn string) *Future {
	return &Future{fn: fn, done: make(chan struct{})}
}

// prepare checks args against the function and encodes them.
func (f *Future) prepare(args []any) error {
	h, err := currentHost()
	if err != nil {
		return fmt.Errorf("%s: %w", f.fn, err)
	}
	fn, err := h.Func(f.fn)
	if err != nil {
		return err
	}
	f.ftype = fn.Type()
	f.args, err = call.Args(f.fn, f.ftype, args)
	return err
}

// begin records the process that runs the call.
func (f *Future) begin(pid int) {
	f.mu.Lock()
	f.pid = pid
	f.mu.Unlock()
}

// settleMessage settles the future with the results a worker sent.
func (f *Future) settleMessage(m message) {
	if m.Err != "" {
		f.settle(nil, &RemoteError{Func: f.fn, PID: m.PID, Msg: m.Err, Panic: m.Panic})
		return
	}
	results, err := call.Results(f.fn, f.ftype, m.Results)
	f.settle(results, err)
}

// settle finishes the future, unless it is finished.
func (f *Future) settle(results []any, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.done:
		return
	default:
	}
	f.results, f.err = results, err
	close(f.done)
}

// Wait waits until the call is done.
func (f *Future) Wait() { <-f.done }

// Done reports whether the call is done, without waiting.
func (f *Future) Done() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// Result waits for the call and returns the function's first result, or
// nil when it failed or returns nothing but an error.
func (f *Future) Result() any {
	f.Wait()
	if len(f.results) == 0 {
		return nil
	}
	return f.results[0]
}

// Results waits for the call and returns all the function's results but
// a trailing error.
func (f *Future) Results() []any {
	f.Wait()
	return f.results
}

// Err waits for the call and returns why it failed: a *RemoteError when
// the function returned an error or panicked, a *CrashError when its
// process ended, an error wrapping ErrInterrupted or ErrShutdown, or one
// saying why the call could not be made. It returns nil on success.
func (f *Future) Err() error {
	f.Wait()
	return f.err
}

// PID returns the process ID of the worker that runs or ran the call, or
// 0 while the call waits for a worker.
func (f *Future) PID() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pid
}

// String describes the future: its function and state.
func (f *Future) String() string {
	if !f.Done() {
		if pid := f.PID(); pid != 0 {
			return fmt.Sprintf("<Future %s running in process %d>", f.fn, pid)
		}
		return fmt.Sprintf("<Future %s pending>", f.fn)
	}
	if f.err != nil {
		return fmt.Sprintf("<Future %s failed: %v>", f.fn, f.err)
	}
	return fmt.Sprintf("<Future %s finished: %v>", f.fn, f.Result())
}

// AsCompleted returns a channel that yields the futures as they complete,
// each once, and is closed after the last.
func AsCompleted(futures []*Future) <-chan *Future {
	seen := map[*Future]bool{}
	var fs []*Future
	for _, f := range futures {
		if f != nil && !seen[f] {
			seen[f] = true
			fs = append(fs, f)
		}
	}
	ch := make(chan *Future, len(fs))
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.Wait()
			ch <- f
		}()
	}
	go func() {
		wg.Wait()
		close(ch)
	}()
	return ch
}
