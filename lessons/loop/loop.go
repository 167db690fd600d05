// Package loop is an event loop in the manner of Python's asyncio: tasks
// take turns on one notional thread, and a task gives up its turn only
// where it says so.
//
// Run starts a loop with a first task, main, and returns what main
// returns:
//
//	res, err := loop.Run(func(ctx *loop.Context) any {
//		logging.Info("Main started")
//		t := ctx.CreateTask("", func(ctx *loop.Context) any {
//			logging.Info("TWO received")
//			ctx.Sleep(2 * time.Second)
//			logging.Info("Printing TWO")
//			return nil
//		})
//		ctx.Await(t)
//		logging.Info("Main Ended")
//		return nil
//	})
//
// # Taking turns
//
// Each task is a goroutine, but the loop hands a single baton from task
// to task, and only the task holding it runs. A task keeps the baton until
// it reaches a suspension point: Sleep, Yield, Await or Gather of tasks
// not yet done, RunInExecutor, waiting for an Event, a Lock or a Queue,
// or an AsyncIter's generator doing one of these. Between suspension
// points no other task runs, so tasks need no locks to share variables.
//
// A blocking call that is not a suspension point, time.Sleep or reading a
// channel, keeps the baton: every other task stalls until it returns, as a
// blocking call stalls asyncio's loop. Hand such work to RunInExecutor.
//
// # Logging
//
// asyncio runs on one thread, so its log lines all name that thread.
// Likewise every task's log lines (package logging) name the goroutine
// that called Run, usually MainThread. The timeline of each task is
// recorded as logging events under the task's name: Started, Running when
// it gets the baton back, Waiting when it suspends (the message says for
// what), Finished. A blocking call inside a task cannot be seen and shows
// as running.
//
// # Tasks and errors
//
// Tasks are named Task-1 (main), Task-2 and so on in the order they are
// created, unless CreateTask is given a name. A coroutine's result is
// what it returns; a coroutine that returns a non-nil error, or panics,
// fails with that error. Await and Gather panic with the error of a task
// that failed, so that it fails the awaiting task in turn, as an exception
// propagates through await; AwaitErr and GatherErr return it instead.
//
// # Cancellation
//
// Task.Cancel asks a task to stop. The task sees ErrCancelled at its next
// suspension point: Sleep, Yield, AwaitErr and the other methods that
// return an error return it, and Await, Gather and RunInExecutor panic
// with it. A task may handle it and go on, or return it to end as
// cancelled. Cancelling a task that awaits other tasks cancels those, as
// in asyncio.
//
// # The end of Run
//
// When main ends, Run cancels the tasks still unfinished, as asyncio.run
// does, and waits for them to end; from then on every suspension point of
// those tasks reports the cancellation at once, so their cleanup code
// runs without waiting (a task that goes on suspending regardless is
// stopped with runtime.Goexit). Run also waits for the functions it runs
// in its executor to return. No goroutine of the loop outlives Run.
//
// # Cycles and deadlocks
//
// A task that awaits, directly or through others, a task that awaits it,
// fails at once with an error naming the cycle (ErrCycle); so does a
// chain of Call that repeats deeper than MaxCallDepth. When every task
// waits and nothing can wake any of them, Run ends with ErrDeadlock,
// naming what each task waits for. Only the loop's timers, its executor
// and its tasks count as able to wake a task: an Event set by a goroutine
// outside the loop would come too late.
//
// # In cells
//
// Every name of the package is usable from interpreted code: coroutines
// are plain func(ctx *loop.Context) any values, and an AsyncIter is read
// with Next in a for statement. All tasks of a loop share one Context,
// whose methods act on the task that calls them, so a closure may use the
// ctx of the function around it.
package loop

import (
	"bytes"
	"container/heap"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golessons/golessons/lessons/logging"
)

// mu guards the state of every event loop, task and synchronization
// primitive of the package. Only one task of a loop runs at a time, so it
// is seldom contended.
var mu sync.Mutex

// maxDoomedSuspensions bounds the suspension points a task may reach after
// Run cancelled it at its end; the task is stopped after that many.
const maxDoomedSuspensions = 100

// eventLoop is the state of one call of Run.
type eventLoop struct {
	runner string   // name of the goroutine that called Run
	ctx    *Context // the Context every task is given
	main   *Task

	count  int     // tasks created, for naming Task-N
	tasks  []*Task // unfinished tasks, in the order they were created
	all    []*Task // every task, for the report of errors nobody read
	ready  []*Task // tasks to run, in order
	timers timerHeap
	seq    uint64 // orders timers with the same deadline, and finishes

	current   *Task  // the task holding the baton
	executing int    // functions running in the executor
	workers   []bool // executor goroutine names in use, asyncio_N

	closing  bool  // main has ended: the other tasks are being cancelled
	closed   bool  // Run has returned
	deadlock error // the deadlock that ended Run, if any

	yield chan struct{}  // a task gives the baton back to the scheduler
	wake  chan struct{}  // something happened while the scheduler was idle
	wg    sync.WaitGroup // the loop's goroutines
}

// Run runs an event loop whose first task, Task-1, runs main, and returns
// main's result, or its error: what it returned as an error, what it
// panicked with, or ErrCancelled. It returns when main and every task it
// left unfinished (which Run cancels) have ended, and every function run
// in the executor has returned. When all tasks wait and none can be woken,
// Run returns an error that wraps ErrDeadlock.
//
// A task that failed without anyone retrieving its error (with Await,
// Gather or Result) is reported in a log line when Run returns, as asyncio
// reports "Task exception was never retrieved".
func Run(main func(ctx *Context) any) (any, error) {
	if main == nil {
		return nil, fmt.Errorf("loop: Run of a nil coroutine")
	}
	l := &eventLoop{
		runner: logging.Name(),
		yield:  make(chan struct{}),
		wake:   make(chan struct{}, 1),
	}
	l.ctx = &Context{l: l}
	mu.Lock()
	l.main = l.newTask("", main)
	mu.Unlock()

	l.schedule()
	l.wg.Wait()

	mu.Lock()
	res, err := l.main.result, l.main.err
	if l.deadlock != nil {
		res, err = nil, l.deadlock
	}
	var lost []string
	for _, t := range l.all {
		if t != l.main && t.err != nil && !t.retrieved && !isCancel(t.err) {
			msg := t.err.Error()
			if !strings.HasPrefix(msg, t.name) {
				msg = t.name + ": " + msg
			}
			lost = append(lost, msg)
		}
	}
	mu.Unlock()
	for _, msg := range lost {
		logging.Info("Task exception was never retrieved: ", msg)
	}
	return res, err
}

// schedule runs the loop in the goroutine that called Run: it hands the
// baton to ready tasks in turn, wakes sleepers when their time comes, and
// returns when no task is left and the executor is idle.
func (l *eventLoop) schedule() {
	clock := time.NewTimer(time.Hour)
	clock.Stop()
	defer clock.Stop()
	for {
		mu.Lock()
		if l.main.state == done && !l.closing {
			l.closing = true
			for _, t := range slices.Clone(l.tasks) {
				t.doom(nil)
			}
		}
		l.fireTimers(time.Now())
		if len(l.ready) > 0 {
			t := l.ready[0]
			l.ready[0] = nil
			l.ready = l.ready[1:]
			l.handOver(t)
			continue
		}
		if len(l.tasks) == 0 && l.executing == 0 {
			l.closed = true
			mu.Unlock()
			return
		}
		if len(l.timers) == 0 && l.executing == 0 {
			// Every task waits for another task, an event, a lock or a
			// queue, and nothing running can change that.
			err := l.deadlockError()
			if l.deadlock == nil && l.main.state != done {
				l.deadlock = err
			}
			for _, t := range slices.Clone(l.tasks) {
				t.doom(err)
			}
			mu.Unlock()
			continue
		}
		var tick <-chan time.Time
		if len(l.timers) > 0 {
			clock.Reset(time.Until(l.timers[0].when))
			tick = clock.C
		}
		mu.Unlock()
		select {
		case <-tick:
		case <-l.wake:
		}
		clock.Stop()
	}
}

// handOver gives the baton to t and waits until t gives it back, by
// suspending or ending. It is called with mu held and releases it.
func (l *eventLoop) handOver(t *Task) {
	if t.state == created {
		if t.pending != nil {
			// Cancelled before it ever ran: the coroutine never starts.
			err := t.pending
			t.pending = nil
			l.finish(t, nil, err, "cancelled before it started")
			mu.Unlock()
			return
		}
		t.state = running
		l.current = t
		logging.RecordFor(t.name, logging.Started, "")
		l.wg.Add(1)
		mu.Unlock()
		go t.run()
		<-l.yield
		return
	}
	err := t.wakeErr
	t.wakeErr = nil
	if err == nil {
		err = t.pending
		t.pending = nil
	}
	t.state = running
	l.current = t
	logging.RecordFor(t.name, logging.Running, "")
	mu.Unlock()
	t.resume <- err
	<-l.yield
}

// suspend gives the baton back to the scheduler and waits until it is
// handed back; it returns the cancellation the task was woken with, if
// any. The caller has put t in a wait, or in the ready queue. It is called
// with mu held and releases it.
func (l *eventLoop) suspend(t *Task, what string) error {
	if l.current == t {
		l.current = nil
	}
	logging.RecordFor(t.name, logging.Waiting, what)
	mu.Unlock()
	l.yield <- struct{}{}
	return <-t.resume
}

// enter returns the task holding the baton, with mu held, after checking
// that the calling goroutine runs that task: only it may suspend. op names
// the operation for the panic otherwise.
func (l *eventLoop) enter(op string) *Task {
	id := goid()
	mu.Lock()
	t := l.current
	if t != nil && t.gid == id {
		return t
	}
	closed := l.closed
	mu.Unlock()
	if closed {
		panic("loop: " + op + " called after Run returned")
	}
	panic("loop: " + op + " called outside the event loop's running task: " +
		"only a task may suspend, not a goroutine it started nor a function run in the executor")
}

// refuse returns err, a cancellation t sees instead of suspending, after
// releasing mu; it stops t when t keeps suspending after Run cancelled it
// at its end.
func (l *eventLoop) refuse(t *Task, err error) error {
	stop := t.doomed && t.doomCount > maxDoomedSuspensions
	mu.Unlock()
	if stop {
		runtime.Goexit()
	}
	return err
}

// newTask creates a task and queues it to start. It is called with mu
// held.
func (l *eventLoop) newTask(name string, coro func(*Context) any) *Task {
	if l.closed {
		panic("loop: CreateTask called after Run returned")
	}
	l.count++
	if name == "" {
		name = "Task-" + strconv.Itoa(l.count)
	}
	t := &Task{l: l, name: name, coro: coro, resume: make(chan error, 1)}
	l.tasks = append(l.tasks, t)
	l.all = append(l.all, t)
	if l.closing {
		t.doom(nil)
	}
	l.makeReady(t)
	return t
}

// makeReady queues t to run and wakes the scheduler if it is idle.
func (l *eventLoop) makeReady(t *Task) {
	l.ready = append(l.ready, t)
	l.nudge()
}

// nudge wakes the scheduler if it is waiting for a timer or the executor.
func (l *eventLoop) nudge() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// finish records the end of t and wakes the tasks waiting for it. It is
// called with mu held; how describes the end for the timeline when it is
// not the error's.
func (l *eventLoop) finish(t *Task, res any, err error, how string) {
	t.state = done
	t.result, t.err = res, err
	l.seq++
	t.finished = l.seq
	if i := slices.Index(l.tasks, t); i >= 0 {
		l.tasks = slices.Delete(l.tasks, i, i+1)
	}
	if l.current == t {
		l.current = nil
	}
	switch {
	case how != "":
	case isCancel(err):
		how = "cancelled"
	case err != nil:
		how = err.Error()
	}
	logging.RecordFor(t.name, logging.Finished, how)
	for _, w := range slices.Clone(t.waiters) {
		if w.state == waiting && (w.canWake == nil || w.canWake()) {
			w.l.wakeTask(w, nil)
		}
	}
	t.waiters = nil
}

// wakeTask ends the wait of t, which sees err when it resumes. It is
// called with mu held.
func (l *eventLoop) wakeTask(t *Task, err error) {
	if t.state != waiting {
		return
	}
	if t.unwait != nil {
		t.unwait()
	}
	t.unwait, t.canWake, t.waitsFor, t.why = nil, nil, nil, nil
	t.wakeErr = err
	t.state = ready
	l.makeReady(t)
}

// wait puts t, the running task, in a wait described by why (for deadlock
// reports), which unwait ends. It is called with mu held.
func (t *Task) wait(why func() string, unwait func()) {
	t.state = waiting
	t.why = why
	t.unwait = unwait
}

// deadlockError describes what each unfinished task waits for.
func (l *eventLoop) deadlockError() error {
	var waits []string
	for _, t := range l.tasks {
		why := "waits"
		if t.why != nil {
			why = t.why()
		}
		waits = append(waits, t.name+" "+why)
	}
	return fmt.Errorf("%w: all tasks are waiting: %s", ErrDeadlock, strings.Join(waits, ", "))
}

// path returns the tasks from `from` to `to` along what tasks await, or
// nil when `to` cannot be reached.
func path(from, to *Task) []*Task {
	seen := map[*Task]bool{}
	var walk func(t *Task) []*Task
	walk = func(t *Task) []*Task {
		if t == to {
			return []*Task{t}
		}
		if seen[t] {
			return nil
		}
		seen[t] = true
		for _, next := range t.waitsFor {
			if p := walk(next); p != nil {
				return append([]*Task{t}, p...)
			}
		}
		return nil
	}
	return walk(from)
}

// timer is a sleeping task's deadline.
type timer struct {
	when  time.Time
	seq   uint64
	task  *Task
	index int // in the heap, or -1 once removed
}

// timerHeap orders timers by deadline, then by the order they were set.
type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].when.Equal(h[j].when) {
		return h[i].when.Before(h[j].when)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) {
	tm := x.(*timer)
	tm.index = len(*h)
	*h = append(*h, tm)
}
func (h *timerHeap) Pop() any {
	old := *h
	tm := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	tm.index = -1
	return tm
}

// addTimer wakes t at when. It is called with mu held.
func (l *eventLoop) addTimer(t *Task, when time.Time) *timer {
	l.seq++
	tm := &timer{when: when, seq: l.seq, task: t}
	heap.Push(&l.timers, tm)
	return tm
}

// removeTimer cancels tm. It is called with mu held.
func (l *eventLoop) removeTimer(tm *timer) {
	if tm.index >= 0 {
		heap.Remove(&l.timers, tm.index)
	}
}

// fireTimers wakes the tasks whose deadlines have passed, earliest first.
// It is called with mu held.
func (l *eventLoop) fireTimers(now time.Time) {
	for len(l.timers) > 0 && !l.timers[0].when.After(now) {
		tm := heap.Pop(&l.timers).(*timer)
		l.wakeTask(tm.task, nil)
	}
}

// goid returns the id of the calling goroutine, as its stack trace shows
// it.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}
