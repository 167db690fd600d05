// Package pool runs tasks on a bounded number of worker goroutines and
// hands back futures for their results, as Python's
// concurrent.futures.ThreadPoolExecutor does with threads.
//
// A cell makes a pool, submits tasks and reads their results in the order
// they complete:
//
//	pool.With(2, func(p *pool.Pool) {
//		var fs []*pool.Future
//		for n := 2; n <= 6; n++ {
//			fs = append(fs, p.Submit(func() any { return delayMessage(n) }))
//		}
//		for f := range pool.AsCompleted(fs) {
//			logging.Info(f.Result(), " Done")
//		}
//	})
//
// Pools are numbered from 0 in the order they are made, and the workers of
// pool N are named ThreadPoolExecutor-N_0, ThreadPoolExecutor-N_1, ...,
// so that log lines written by tasks say which worker ran them:
//
//	23:10:13:ThreadPoolExecutor-1_0:TWO received
//
// As in Python, a worker is started only when a task is submitted and no
// worker is idle, up to the pool's size: a pool of five given two tasks has
// only workers _0 and _1. Workers record their changes of state with
// package logging (started, running a task, waiting for work, finished),
// and so does a goroutine that blocks waiting for a future or a pool.
//
// Long work shows a progress bar in the notebook, without code in the
// cell: the tasks submitted within With, and those of a Map or MapErr, are
// counted as they complete, out of those submitted, by a bar that appears
// once the work has run for progress.After (a second by default) and is
// finished when the work ends. Shorter work shows nothing, and outside a
// notebook no bar is shown; see package progress.
package pool

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/golessons/golessons/lessons/logging"
	"github.com/golessons/golessons/lessons/progress"
	"github.com/golessons/golessons/lessons/race"
)

// ErrShutdown is the error of a task submitted to a pool that has been
// shut down; the future's error wraps it.
var ErrShutdown = errors.New("cannot submit after shutdown")

// ErrCancelled is the error of a cancelled task; the future's error wraps
// it.
var ErrCancelled = errors.New("cancelled")

// pools counts the pools made so far, and so numbers the next one.
var pools atomic.Int64

// Pool runs submitted tasks on at most Workers worker goroutines, in the
// order they were submitted. Its methods may be called from any goroutine.
//
// A pool's workers wait for work until the pool is shut down: call
// Shutdown when done with a pool, or use With, or its goroutines are left
// behind.
type Pool struct {
	name string
	max  int

	mu       sync.Mutex
	work     sync.Cond // signalled when a task is queued or the pool shuts down
	queue    []*Future // submitted tasks no worker has taken yet
	started  int       // workers started so far; numbers the next one
	live     int       // workers running
	idle     int       // workers waiting for work
	tasks    int       // tasks submitted so far; numbers the next one
	shutdown bool
	exited   sync.WaitGroup // one per live worker

	// bar counts the tasks submitted within With; set before the pool is
	// handed to the body, nil for a pool made by New.
	bar *progress.Bar
}

// New returns a pool of at most workers worker goroutines, or of
// runtime.NumCPU() of them when workers <= 0. Workers are started as
// tasks arrive, not by New.
func New(workers int) *Pool {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	p := &Pool{
		name: "ThreadPoolExecutor-" + strconv.FormatInt(pools.Add(1)-1, 10),
		max:  workers,
	}
	p.work.L = &p.mu
	return p
}

// With makes a pool of workers workers (as New does), calls body with it
// and then shuts the pool down, waiting for all the work submitted to it,
// as Python's `with ThreadPoolExecutor(...) as executor:` does. The pool
// is shut down even when body panics.
//
// When the work takes longer than progress.After, a notebook shows a
// progress bar of the tasks completed out of those submitted, named after
// the pool ("ThreadPoolExecutor-0 tasks"), finished when With returns.
func With(workers int, body func(p *Pool)) {
	p := New(workers)
	p.bar = progress.Auto(0, p.name+" tasks")
	defer func() {
		p.Shutdown(true)
		p.bar.Done()
	}()
	body(p)
}

// Name returns the pool's name, e.g. ThreadPoolExecutor-0; its workers are
// named after it.
func (p *Pool) Name() string { return p.name }

// Workers returns the most workers the pool runs at once.
func (p *Pool) Workers() int { return p.max }

// Submit schedules task to run on one of the pool's workers and returns
// its future at once. A panic in task becomes the future's error.
//
// Submitting to a pool that has been shut down returns a future that has
// already failed with an error wrapping ErrShutdown.
func (p *Pool) Submit(task func() any) *Future {
	if task == nil {
		return p.SubmitErr(nil)
	}
	return p.SubmitErr(func() (any, error) { return task(), nil })
}

// SubmitErr is Submit for a task that can fail: the error task returns
// becomes the future's error, and its result is then discarded.
func (p *Pool) SubmitErr(task func() (any, error)) *Future {
	return p.submit(task, p.bar)
}

// submit is SubmitErr, with the task counted by bar (if not nil): one more
// task in its total, and one more done when the task is.
func (p *Pool) submit(task func() (any, error), bar *progress.Bar) *Future {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := &Future{pool: p, id: p.tasks, task: task, done: make(chan struct{}), bar: bar}
	f.name = p.name + " task " + strconv.Itoa(f.id)
	p.tasks++
	bar.AddTotal(1)
	if d := race.Default(); d.Watching() {
		f.watched = true
		d.Release(f) // what the submitter did happens before the task
	}
	switch {
	case p.shutdown:
		f.settle(nil, fmt.Errorf("%s: %w", f.name, ErrShutdown), finished)
	case task == nil:
		f.settle(nil, fmt.Errorf("%s: nil task", f.name), finished)
	case p.idle <= len(p.queue) && p.live < p.max:
		// No worker is free to take it: start one, which runs it first.
		p.startWorker(f)
	default:
		p.queue = append(p.queue, f)
		p.work.Signal()
	}
	return f
}

// Map runs task(0), task(1), ..., task(n-1) on the pool and returns their
// results in that order, whatever the order they completed in, as Python's
// executor.map does. It blocks until all of them are done. The result of a
// task that failed (panicked) is nil; MapErr reports the failure.
//
// Long work shows a progress bar, as MapErr says.
func (p *Pool) Map(n int, task func(i int) any) []any {
	if task == nil {
		results, _ := p.MapErr(n, nil)
		return results
	}
	results, _ := p.MapErr(n, func(i int) (any, error) { return task(i), nil })
	return results
}

// MapErr is Map for tasks that can fail. It returns all the results, nil
// for those that failed, and the error of the first task in input order
// that failed, if any.
//
// When the tasks take longer than progress.After, a notebook shows a
// progress bar of those completed ("ThreadPoolExecutor-0 map"), finished
// when MapErr returns; within With, the pool's bar counts them instead.
func (p *Pool) MapErr(n int, task func(i int) (any, error)) ([]any, error) {
	bar := p.bar
	if bar == nil {
		bar = progress.Auto(0, p.name+" map")
	}
	fs := make([]*Future, max(n, 0))
	for i := range fs {
		if task == nil {
			fs[i] = p.submit(nil, bar)
			continue
		}
		fs[i] = p.submit(func() (any, error) { return task(i) }, bar)
	}
	wait(fs, "map "+p.name)
	if bar != p.bar {
		bar.Done()
	}
	results := make([]any, len(fs))
	var first error
	for i, f := range fs {
		results[i] = f.result
		if f.err != nil && first == nil {
			first = fmt.Errorf("pool: map item %d: %w", i, f.err)
		}
	}
	return results, first
}

// Shutdown stops the pool from taking new tasks: a task submitted
// afterwards fails with ErrShutdown. Tasks already submitted still run,
// and the workers end once there are none left. With wait, Shutdown blocks
// until then; without, it returns at once. Shutdown may be called more
// than once.
//
// A task must not call Shutdown(true) on its own pool: it would wait for
// itself forever.
func (p *Pool) Shutdown(wait bool) {
	p.mu.Lock()
	p.shutdown = true
	p.work.Broadcast()
	live := p.live
	p.mu.Unlock()
	if !wait {
		return
	}
	if d := race.Default(); d.Watching() {
		defer d.Acquire(p) // every task happened before the shutdown returns
	}
	if live == 0 {
		p.exited.Wait()
		return
	}
	logging.Record(logging.Blocked, "shutdown "+p.name)
	p.exited.Wait()
	logging.Record(logging.Running, "")
}

// startWorker starts a worker that runs first, if not nil, and then the
// queued tasks. p.mu is held.
func (p *Pool) startWorker(first *Future) {
	name := p.name + "_" + strconv.Itoa(p.started)
	p.started++
	p.live++
	p.exited.Add(1)
	go p.worker(name, first)
}

// worker runs tasks until the pool shuts down and has no more of them.
func (p *Pool) worker(name string, first *Future) {
	logging.SetName(name)
	logging.RecordFor(name, logging.Started, "")
	ended := false
	defer func() {
		p.mu.Lock()
		p.live--
		msg := ""
		if !ended {
			// A task called runtime.Goexit, which ends this goroutine;
			// another worker takes over the queued tasks.
			msg = "runtime.Goexit"
			if len(p.queue) > p.idle && p.live < p.max {
				p.startWorker(nil)
			}
		}
		logging.RecordFor(name, logging.Finished, msg)
		p.mu.Unlock()
		p.exited.Done()
	}()
	f := first
	if f == nil {
		f = p.next(name)
	}
	for f != nil {
		p.run(name, f)
		f = p.next(name)
	}
	ended = true
}

// next returns the next queued task, waiting for one if there is none, or
// nil when the pool has shut down and has no more tasks.
func (p *Pool) next(worker string) *Future {
	p.mu.Lock()
	defer p.mu.Unlock()
	waiting := false
	for len(p.queue) == 0 {
		if p.shutdown {
			return nil
		}
		if !waiting {
			logging.RecordFor(worker, logging.Waiting, "")
			waiting = true
		}
		p.idle++
		p.work.Wait()
		p.idle--
	}
	f := p.queue[0]
	p.queue[0] = nil
	p.queue = p.queue[1:]
	return f
}

// run runs f's task on the calling worker, unless f was cancelled.
func (p *Pool) run(worker string, f *Future) {
	p.mu.Lock()
	if f.state != pending {
		p.mu.Unlock()
		return
	}
	f.state = running
	p.mu.Unlock()
	logging.RecordFor(worker, logging.Running, "task "+strconv.Itoa(f.id))
	if f.watched {
		race.Default().Acquire(f)
	}
	result, err := f.call()
	if f.watched {
		// The task happens before whoever waits for it, or for the pool.
		race.Default().Release(f)
		race.Default().Release(p)
	}
	p.mu.Lock()
	f.settle(result, err, finished)
	p.mu.Unlock()
}

// state is where a future is in its life.
type state int

const (
	pending   state = iota // submitted, not yet taken by a worker
	running                // its task is running
	finished               // its task returned, failed or was never run (after shutdown)
	cancelled              // cancelled before it ran
)

// Future is the eventual result of a task submitted to a Pool.
//
// Result, Err and Wait block until the task is done; Done, Cancelled and
// Cancel do not. A task that waits for the future of another task of the
// same pool can wait forever when all the pool's workers are busy waiting.
type Future struct {
	pool *Pool
	id   int
	name string
	task func() (any, error)
	done chan struct{} // closed when settled
	// watched is set when the race detector watched the submission: the
	// task's start and end are then edges it knows.
	watched bool
	// bar, if not nil, counts the task done when it is settled.
	bar *progress.Bar

	// Guarded by pool.mu.
	state   state
	waiters []*completion

	// Set before done is closed.
	result any
	err    error
}

// call runs the task and returns what it returned, or a *PanicError when
// it panicked.
func (f *Future) call() (result any, err error) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if v := recover(); v != nil {
			result, err = nil, &PanicError{Task: f.name, Value: v, Stack: debug.Stack()}
			return
		}
		// The task called runtime.Goexit: this goroutine is ending, so
		// settle the future here.
		f.pool.mu.Lock()
		f.settle(nil, fmt.Errorf("%s: task called runtime.Goexit", f.name), finished)
		f.pool.mu.Unlock()
	}()
	result, err = f.task()
	returned = true
	return result, err
}

// settle records the outcome of f and wakes whoever waits for it.
// f.pool.mu is held.
func (f *Future) settle(result any, err error, st state) {
	if err != nil {
		result = nil
	}
	f.result, f.err, f.state = result, err, st
	f.task = nil
	f.bar.Add(1)
	close(f.done)
	for _, c := range f.waiters {
		c.deliver(f)
	}
	f.waiters = nil
}

// ID returns the task's number in its pool: the pool's first task is 0,
// the next 1, and so on. A worker's Running event names it, as "task 3".
func (f *Future) ID() int { return f.id }

// String describes the future, e.g. "ThreadPoolExecutor-0 task 3
// (running)".
func (f *Future) String() string {
	f.pool.mu.Lock()
	defer f.pool.mu.Unlock()
	var s string
	switch f.state {
	case pending:
		s = "pending"
	case running:
		s = "running"
	case cancelled:
		s = "cancelled"
	default:
		s = "finished"
		if f.err != nil {
			s = "failed"
		}
	}
	return f.name + " (" + s + ")"
}

// Wait blocks until the task is done: it returned, failed, or was
// cancelled.
func (f *Future) Wait() {
	defer f.acquire()
	select {
	case <-f.done:
		return
	default:
	}
	logging.Record(logging.Blocked, "wait "+f.name)
	<-f.done
	logging.Record(logging.Running, "")
}

// acquire tells the race detector, when it watches the task, that the task
// happened before what the caller does next.
func (f *Future) acquire() {
	if f.watched {
		race.Default().Acquire(f)
	}
}

// Result waits for the task to be done and returns its result, or nil when
// it failed or was cancelled; Err tells which.
func (f *Future) Result() any {
	f.Wait()
	return f.result
}

// Err waits for the task to be done and returns its error: the error it
// returned, a *PanicError when it panicked, an error wrapping ErrCancelled
// when it was cancelled, or one wrapping ErrShutdown when it was submitted
// after its pool shut down. It returns nil when the task succeeded.
func (f *Future) Err() error {
	f.Wait()
	return f.err
}

// Done reports whether the task is done, without waiting.
func (f *Future) Done() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// Cancel cancels the task if no worker has started it yet and reports
// whether the task is cancelled. A running or finished task cannot be
// cancelled.
func (f *Future) Cancel() bool {
	p := f.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	switch f.state {
	case cancelled:
		return true
	case pending:
		if i := slices.Index(p.queue, f); i >= 0 {
			p.queue = slices.Delete(p.queue, i, i+1)
		}
		f.settle(nil, fmt.Errorf("%s: %w", f.name, ErrCancelled), cancelled)
		return true
	}
	return false
}

// Cancelled reports whether the task was cancelled, without waiting.
func (f *Future) Cancelled() bool {
	f.pool.mu.Lock()
	defer f.pool.mu.Unlock()
	return f.state == cancelled
}

// PanicError is the error of a task that panicked.
type PanicError struct {
	Task  string // the task, e.g. "ThreadPoolExecutor-0 task 3"
	Value any    // what it panicked with
	Stack []byte // the stack of its goroutine when it panicked
}

// Error names the task and what it panicked with.
func (e *PanicError) Error() string {
	return fmt.Sprintf("%s panicked: %v", e.Task, e.Value)
}

// Unwrap returns the value the task panicked with when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// AsCompleted returns a channel that yields the futures, each once, in the
// order their tasks complete (those already done first), and is closed
// after the last, as Python's as_completed does:
//
//	for f := range pool.AsCompleted(fs) {
//		logging.Info(f.Result(), " Done")
//	}
//
// Nil futures are skipped. The channel holds all the futures it will
// yield, so a loop that stops early leaves nothing behind.
func AsCompleted(futures []*Future) <-chan *Future {
	var fs []*Future
	seen := make(map[*Future]bool, len(futures))
	for _, f := range futures {
		if f != nil && !seen[f] {
			seen[f] = true
			fs = append(fs, f)
		}
	}
	c := &completion{ch: make(chan *Future, len(fs)), left: len(fs)}
	if len(fs) == 0 {
		close(c.ch)
		return c.ch
	}
	for _, f := range fs {
		p := f.pool
		p.mu.Lock()
		if f.state == finished || f.state == cancelled {
			p.mu.Unlock()
			c.deliver(f)
			continue
		}
		f.waiters = append(f.waiters, c)
		p.mu.Unlock()
	}
	return c.ch
}

// completion collects futures for AsCompleted as they complete.
type completion struct {
	mu   sync.Mutex
	ch   chan *Future // buffered for all of them
	left int          // futures not yet delivered
}

// deliver passes on f, which is done, and closes the channel after the
// last future.
func (c *completion) deliver(f *Future) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ch <- f
	c.left--
	if c.left == 0 {
		close(c.ch)
	}
}

// wait waits for all of fs, recording that the caller blocks (why: msg)
// if it does.
func wait(fs []*Future, msg string) {
	i := 0
	for i < len(fs) && fs[i].Done() {
		i++
	}
	if i == len(fs) {
		return
	}
	logging.Record(logging.Blocked, msg)
	for _, f := range fs[i:] {
		<-f.done
	}
	logging.Record(logging.Running, "")
}
