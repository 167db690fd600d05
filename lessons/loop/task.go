package loop

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golessons/golessons/lessons/logging"
)

// state is where a task is in its life.
type state int

const (
	created state = iota // queued to start
	ready                // queued to run again
	running              // holding the baton
	waiting              // suspended until something wakes it
	done                 // ended
)

// Task is a coroutine scheduled on an event loop, as asyncio's Task.
// Await it for its result.
type Task struct {
	l      *eventLoop
	name   string
	coro   func(*Context) any
	state  state
	resume chan error // the scheduler hands the baton back
	gid    uint64     // the goroutine acting for the task

	result    any
	err       error
	retrieved bool   // its result or error was read
	finished  uint64 // when it ended, in the loop's order of events

	// While it waits:
	why      func() string // what for, for deadlock reports
	waitsFor []*Task       // the tasks it awaits
	canWake  func() bool   // whether an end of one of those ends the wait
	unwait   func()        // takes it off what it waits on
	wakeErr  error         // what it sees when it resumes
	waiters  []*Task       // tasks awaiting it

	cancelled bool         // Cancel was called
	pending   error        // a cancellation to deliver at its next suspension point
	passedOn  bool         // a Cancel was passed on to the tasks it awaits
	doomed    bool         // Run cancelled it at its end, or on a deadlock
	doomErr   error        // the cancellation it then sees
	doomCount int          // suspension points reached since
	calls     []string     // names of the coroutines Call runs, innermost last
	exitErr   error        // why Call ended the task
	iterators []*AsyncIter // created by the task, closed when it ends
}

// Name returns the task's name, Task-N or the one given to CreateTask.
func (t *Task) Name() string { return t.name }

// String returns the task's name.
func (t *Task) String() string { return t.name }

// Done reports whether the task has ended.
func (t *Task) Done() bool {
	mu.Lock()
	defer mu.Unlock()
	return t.state == done
}

// Result returns the task's result and error once it has ended; before,
// it returns an error wrapping ErrNotDone.
func (t *Task) Result() (any, error) {
	mu.Lock()
	defer mu.Unlock()
	if t.state != done {
		return nil, fmt.Errorf("%s: %w", t.name, ErrNotDone)
	}
	t.retrieved = true
	return t.result, t.err
}

// Cancel asks the task to stop: it sees ErrCancelled at its next
// suspension point, or never starts if it has not started yet. A task
// that awaits other tasks has them cancelled instead, and sees what they
// end with. Cancel returns false when the task has already ended. It may
// be called from any goroutine.
func (t *Task) Cancel() bool {
	mu.Lock()
	defer mu.Unlock()
	return t.cancel()
}

// Cancelled reports whether the task has ended cancelled.
func (t *Task) Cancelled() bool {
	mu.Lock()
	defer mu.Unlock()
	return t.state == done && isCancel(t.err)
}

// cancelError returns t's cancellation, caused by cause if not nil.
func (t *Task) cancelError(cause error) error {
	return &cancelError{task: t.name, cause: cause}
}

// cancel is Cancel with mu held.
func (t *Task) cancel() bool {
	if t.state == done {
		return false
	}
	t.cancelled = true
	if t.state == waiting {
		if len(t.waitsFor) > 0 {
			passed := false
			for _, w := range t.waitsFor {
				if w.cancel() {
					passed = true
				}
			}
			if passed {
				t.passedOn = true
				return true
			}
		}
		t.l.wakeTask(t, t.cancelError(nil))
		return true
	}
	if t.pending == nil && !isCancel(t.wakeErr) {
		t.pending = t.cancelError(nil)
	}
	t.l.nudge()
	return true
}

// doom cancels t for good: Run is ending, because main has ended or all
// tasks wait (cause). From now on each suspension point of t reports the
// cancellation at once. It is called with mu held.
func (t *Task) doom(cause error) {
	if t.state == done || t.doomed {
		return
	}
	t.doomed = true
	t.cancelled = true
	t.doomErr = t.cancelError(cause)
	if t.state == waiting {
		t.l.wakeTask(t, t.doomErr)
		return
	}
	if t.pending == nil && !isCancel(t.wakeErr) {
		t.pending = t.doomErr
	}
}

// takeCancel returns the cancellation t must see at the suspension point
// it has reached, if any, instead of suspending. It is called with mu held.
func (t *Task) takeCancel() error {
	if t.pending != nil {
		err := t.pending
		t.pending = nil
		return err
	}
	if t.doomed {
		t.doomCount++
		return t.doomErr
	}
	return nil
}

// run is the goroutine of t. It starts holding the baton.
func (t *Task) run() {
	l := t.l
	defer l.wg.Done()
	logging.SetName(l.runner)
	id := goid()
	mu.Lock()
	t.gid = id
	mu.Unlock()
	var res any
	var err error
	returned := false
	// Deferred calls run last first: the error is settled, then the
	// iterators closed, then the end recorded, even if closing an
	// iterator ends the goroutine.
	defer func() {
		mu.Lock()
		l.finish(t, res, err, "")
		mu.Unlock()
		l.yield <- struct{}{}
	}()
	defer t.closeIterators()
	defer func() {
		r := recover()
		if returned {
			return
		}
		if r != nil {
			err = panicError(t.name, r)
			return
		}
		// runtime.Goexit
		mu.Lock()
		err = t.exitErr
		if err == nil {
			err = t.doomErr
		}
		mu.Unlock()
		if err == nil {
			err = fmt.Errorf("%s ended with runtime.Goexit", t.name)
		}
	}()
	res = t.coro(l.ctx)
	if e, ok := res.(error); ok && e != nil {
		res, err = nil, e
	}
	returned = true
}

// Context is how a coroutine reaches its event loop: every task of a loop
// is given the same Context, and its methods act on the task that calls
// them. Only the running task may call those that suspend; a goroutine the
// task starts, or a function run in the executor, may not.
type Context struct {
	l *eventLoop
}

// Task returns the task that is running, as asyncio.current_task, or nil
// when the caller is not a task of the loop.
func (c *Context) Task() *Task {
	id := goid()
	mu.Lock()
	defer mu.Unlock()
	if t := c.l.current; t != nil && t.gid == id {
		return t
	}
	return nil
}

// CreateTask schedules coro to run as a new task and returns the task, as
// asyncio.create_task: it starts when the running task suspends, after
// the tasks already waiting for their turn. An empty name names it Task-N.
func (c *Context) CreateTask(name string, coro func(ctx *Context) any) *Task {
	if coro == nil {
		panic("loop: CreateTask of a nil coroutine")
	}
	mu.Lock()
	defer mu.Unlock()
	return c.l.newTask(name, coro)
}

// AllTasks returns the tasks of the loop not yet ended, including the
// running one, in the order they were created, as asyncio.all_tasks.
func (c *Context) AllTasks() []*Task {
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(c.l.tasks)
}

// Cancelled reports whether the running task has been asked to cancel,
// for a task that computes for long between suspension points.
func (c *Context) Cancelled() bool {
	t := c.l.enter("Cancelled")
	defer mu.Unlock()
	return t.cancelled
}

// Sleep suspends the running task for d, as asyncio.sleep, letting other
// tasks run. It returns an error wrapping ErrCancelled when the task is
// cancelled before or while it sleeps. A d of zero or less yields, as
// Yield does.
func (c *Context) Sleep(d time.Duration) error {
	l := c.l
	t := l.enter("Sleep")
	if err := t.takeCancel(); err != nil {
		return l.refuse(t, err)
	}
	if d <= 0 {
		t.state = ready
		l.makeReady(t)
		return l.suspend(t, "yield")
	}
	tm := l.addTimer(t, time.Now().Add(d))
	t.wait(func() string { return "sleeps" }, func() { l.removeTimer(tm) })
	return l.suspend(t, "sleep "+d.String())
}

// Yield lets the other ready tasks run before the running task goes on,
// as asyncio.sleep(0). It returns an error wrapping ErrCancelled when the
// task has been cancelled.
func (c *Context) Yield() error { return c.Sleep(0) }

// Await waits for t to end and returns its result, as await task. When t
// failed, Await panics with its error, so that the awaiting task fails
// with it too unless it recovers; AwaitErr returns the error instead.
func (c *Context) Await(t *Task) any {
	res, err := c.AwaitErr(t)
	if err != nil {
		panic(raised{err})
	}
	return res
}

// AwaitErr waits for t to end and returns its result and error. Awaiting
// a task that has ended does not suspend. The error wraps ErrCancelled
// when t was cancelled or the awaiting task is cancelled while it waits,
// and ErrCycle when t awaits, directly or through other tasks, the
// awaiting one: that would wait forever.
func (c *Context) AwaitErr(t *Task) (any, error) {
	if t == nil {
		panic("loop: Await of a nil task")
	}
	l := c.l
	cur := l.enter("Await")
	if t.l != l {
		mu.Unlock()
		return nil, fmt.Errorf("loop: await %s: the task belongs to another event loop", t.name)
	}
	if t.state == done {
		t.retrieved = true
		res, err := t.result, t.err
		mu.Unlock()
		return res, err
	}
	if err := cur.takeCancel(); err != nil {
		return nil, l.refuse(cur, err)
	}
	if err := cycle(cur, t); err != nil {
		mu.Unlock()
		return nil, err
	}
	cur.waitsFor = []*Task{t}
	cur.passedOn = false
	t.waiters = append(t.waiters, cur)
	cur.wait(func() string { return "awaits " + t.name }, func() { t.waiters = remove(t.waiters, cur) })
	if err := l.suspend(cur, "await "+t.name); err != nil {
		return nil, err
	}
	mu.Lock()
	defer mu.Unlock()
	t.retrieved = true
	return t.result, t.err
}

// cycle returns the error of cur awaiting t when t awaits cur, directly or
// through others. It is called with mu held.
func cycle(cur, t *Task) error {
	if t == cur {
		return &cycleError{kind: "task", names: []string{cur.name, cur.name}}
	}
	p := path(t, cur)
	if p == nil {
		return nil
	}
	names := []string{cur.name}
	for _, x := range p {
		names = append(names, x.name)
	}
	return &cycleError{kind: "task", names: names}
}

// Gather runs the coroutines as tasks, concurrently, and returns their
// results in order once all have ended, as asyncio.gather. When one
// fails, Gather panics with its error, as Await does; the others go on.
func (c *Context) Gather(coros ...func(ctx *Context) any) []any {
	res, err := c.GatherErr(false, coros...)
	if err != nil {
		panic(raised{err})
	}
	return res
}

// GatherErr runs the coroutines as tasks, concurrently, and returns their
// results in order. With returnErrors, as return_exceptions=True, it waits
// for all of them and puts the error of each that failed in its place
// among the results; without, it returns the first error as soon as a task
// fails, and the other tasks go on. When the gathering task is cancelled
// while it waits, the tasks are cancelled and GatherErr returns an error
// wrapping ErrCancelled.
func (c *Context) GatherErr(returnErrors bool, coros ...func(ctx *Context) any) ([]any, error) {
	mu.Lock()
	tasks := make([]*Task, len(coros))
	for i, coro := range coros {
		if coro == nil {
			mu.Unlock()
			panic("loop: Gather of a nil coroutine")
		}
		tasks[i] = c.l.newTask("", coro)
	}
	mu.Unlock()
	return c.GatherTasks(returnErrors, tasks...)
}

// GatherTasks is GatherErr for tasks already created.
func (c *Context) GatherTasks(returnErrors bool, tasks ...*Task) ([]any, error) {
	l := c.l
	cur := l.enter("Gather")
	var left []*Task
	for _, t := range tasks {
		if t == nil {
			mu.Unlock()
			panic("loop: Gather of a nil task")
		}
		if t.l != l {
			mu.Unlock()
			return nil, fmt.Errorf("loop: gather %s: the task belongs to another event loop", t.name)
		}
		t.retrieved = true
		if t.state != done && !slices.Contains(left, t) {
			left = append(left, t)
		}
	}
	// complete reports whether the gathering is over.
	complete := func() bool {
		all := true
		for _, t := range tasks {
			if t.state != done {
				all = false
			} else if t.err != nil && !returnErrors {
				return true
			}
		}
		return all
	}
	collect := func() ([]any, error) {
		res := make([]any, len(tasks))
		var first *Task
		for i, t := range tasks {
			if t.state != done {
				continue
			}
			res[i] = t.result
			if t.err != nil {
				res[i] = t.err
				if first == nil || t.finished < first.finished {
					first = t
				}
			}
		}
		if first != nil && !returnErrors {
			return nil, first.err
		}
		return res, nil
	}
	if complete() {
		defer mu.Unlock()
		return collect()
	}
	if err := cur.takeCancel(); err != nil {
		return nil, l.refuse(cur, err)
	}
	for _, t := range left {
		if err := cycle(cur, t); err != nil {
			mu.Unlock()
			return nil, err
		}
	}
	cur.waitsFor = left
	cur.canWake = complete
	cur.passedOn = false
	for _, t := range left {
		t.waiters = append(t.waiters, cur)
	}
	names := taskNames(left)
	cur.wait(func() string { return "gathers " + names }, func() {
		for _, t := range left {
			t.waiters = remove(t.waiters, cur)
		}
	})
	if err := l.suspend(cur, "gather "+names); err != nil {
		return nil, err
	}
	mu.Lock()
	defer mu.Unlock()
	if cur.passedOn {
		cur.passedOn = false
		return nil, cur.cancelError(nil)
	}
	return collect()
}

// taskNames lists the names of tasks.
func taskNames(tasks []*Task) string {
	names := make([]string, len(tasks))
	for i, t := range tasks {
		names[i] = t.name
	}
	return strings.Join(names, ", ")
}

// remove returns tasks without t.
func remove(tasks []*Task, t *Task) []*Task {
	if i := slices.Index(tasks, t); i >= 0 {
		return slices.Delete(tasks, i, i+1)
	}
	return tasks
}
