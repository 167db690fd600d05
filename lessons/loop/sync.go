package loop

import (
	"slices"
	"strconv"
)

// Event is a flag tasks can wait for, as asyncio.Event. Its zero value
// is a cleared event.
type Event struct {
	set     bool
	waiters []*Task
}

// NewEvent returns a cleared event.
func NewEvent() *Event { return &Event{} }

// Set sets the event and wakes every task waiting for it.
func (e *Event) Set() {
	mu.Lock()
	defer mu.Unlock()
	e.set = true
	for _, t := range slices.Clone(e.waiters) {
		t.l.wakeTask(t, nil)
	}
	e.waiters = nil
}

// Clear clears the event, so that Wait suspends again.
func (e *Event) Clear() {
	mu.Lock()
	e.set = false
	mu.Unlock()
}

// IsSet reports whether the event is set.
func (e *Event) IsSet() bool {
	mu.Lock()
	defer mu.Unlock()
	return e.set
}

// Wait suspends the running task until the event is set; it returns at
// once if the event is set. It returns an error wrapping ErrCancelled when
// the task is cancelled while it waits.
func (e *Event) Wait(ctx *Context) error {
	l := ctx.l
	t := l.enter("Event.Wait")
	if e.set {
		mu.Unlock()
		return nil
	}
	if err := t.takeCancel(); err != nil {
		return l.refuse(t, err)
	}
	e.waiters = append(e.waiters, t)
	t.wait(func() string { return "waits for an Event" }, func() { e.waiters = remove(e.waiters, t) })
	return l.suspend(t, "wait for event")
}

// Lock is a mutual exclusion lock for tasks, as asyncio.Lock: a task that
// holds it may suspend, and the others that want it wait their turn, first
// come first served. Its zero value is unlocked. It is not reentrant.
type Lock struct {
	owner   *Task
	waiters []*Task
}

// NewLock returns an unlocked lock.
func NewLock() *Lock { return &Lock{} }

// Lock acquires the lock for the running task, suspending it while
// another task holds it. It returns an error wrapping ErrCancelled when
// the task is cancelled while it waits (it then does not hold the lock),
// and one wrapping ErrDeadlock when the task already holds the lock.
func (m *Lock) Lock(ctx *Context) error {
	l := ctx.l
	t := l.enter("Lock.Lock")
	if m.owner == nil && len(m.waiters) == 0 {
		m.owner = t
		mu.Unlock()
		return nil
	}
	if m.owner == t {
		mu.Unlock()
		return &deadlockError{t.name + " locks a Lock it holds"}
	}
	if err := t.takeCancel(); err != nil {
		return l.refuse(t, err)
	}
	m.waiters = append(m.waiters, t)
	t.wait(func() string {
		if m.owner == nil {
			return "waits for a Lock"
		}
		return "waits for a Lock held by " + m.owner.name
	}, func() { m.waiters = remove(m.waiters, t) })
	if err := l.suspend(t, "lock"); err != nil {
		mu.Lock()
		if m.owner == t { // handed over, but cancelled before it ran
			m.release()
		}
		mu.Unlock()
		return err
	}
	return nil
}

// Unlock releases the lock and hands it to the first task waiting for it.
// Unlocking an unlocked lock panics.
func (m *Lock) Unlock() {
	mu.Lock()
	defer mu.Unlock()
	if m.owner == nil {
		panic("loop: Unlock of an unlocked Lock")
	}
	m.release()
}

// Locked reports whether a task holds the lock.
func (m *Lock) Locked() bool {
	mu.Lock()
	defer mu.Unlock()
	return m.owner != nil
}

// release hands the lock to the first waiting task, if any. It is called
// with mu held.
func (m *Lock) release() {
	m.owner = nil
	if len(m.waiters) > 0 {
		t := m.waiters[0]
		m.owner = t
		t.l.wakeTask(t, nil) // takes t off the waiters
	}
}

// deadlockError is a wait that could never end.
type deadlockError struct{ what string }

func (e *deadlockError) Error() string        { return ErrDeadlock.Error() + ": " + e.what }
func (e *deadlockError) Is(target error) bool { return target == ErrDeadlock }

// Queue is a first-in, first-out queue for tasks, as asyncio.Queue: Get
// suspends while it is empty, Put while it is full.
type Queue struct {
	items      []any
	max        int
	unfinished int // items put and not yet marked done
	getters    []*Task
	putters    []*Task
	joiners    []*Task
}

// NewQueue returns a queue holding at most maxsize items, or any number
// when maxsize is zero or less.
func NewQueue(maxsize int) *Queue { return &Queue{max: maxsize} }

// Len returns the number of items in the queue.
func (q *Queue) Len() int {
	mu.Lock()
	defer mu.Unlock()
	return len(q.items)
}

func (q *Queue) full() bool { return q.max > 0 && len(q.items) >= q.max }

// wakeFirst wakes the first task of waiters. It is called with mu held.
func wakeFirst(waiters []*Task) {
	if len(waiters) > 0 {
		t := waiters[0]
		t.l.wakeTask(t, nil) // takes t off the waiters
	}
}

// Put adds v at the end of the queue, suspending the running task while
// the queue is full. It returns an error wrapping ErrCancelled when the
// task is cancelled while it waits; v is then not added.
func (q *Queue) Put(ctx *Context, v any) error {
	l := ctx.l
	t := l.enter("Queue.Put")
	for q.full() {
		if err := t.takeCancel(); err != nil {
			return l.refuse(t, err)
		}
		q.putters = append(q.putters, t)
		t.wait(func() string { return "waits to put into a full Queue (" + strconv.Itoa(q.max) + " items)" },
			func() { q.putters = remove(q.putters, t) })
		if err := l.suspend(t, "queue put"); err != nil {
			mu.Lock()
			if !q.full() { // pass the room on
				wakeFirst(q.putters)
			}
			mu.Unlock()
			return err
		}
		mu.Lock()
	}
	q.put(v)
	mu.Unlock()
	return nil
}

// TryPut adds v at the end of the queue if it is not full, and reports
// whether it did, as put_nowait. It does not suspend.
func (q *Queue) TryPut(v any) bool {
	mu.Lock()
	defer mu.Unlock()
	if q.full() {
		return false
	}
	q.put(v)
	return true
}

func (q *Queue) put(v any) {
	q.items = append(q.items, v)
	q.unfinished++
	wakeFirst(q.getters)
}

// Get removes and returns the item at the front of the queue, suspending
// the running task while the queue is empty. It returns an error wrapping
// ErrCancelled when the task is cancelled while it waits.
func (q *Queue) Get(ctx *Context) (any, error) {
	l := ctx.l
	t := l.enter("Queue.Get")
	for len(q.items) == 0 {
		if err := t.takeCancel(); err != nil {
			return nil, l.refuse(t, err)
		}
		q.getters = append(q.getters, t)
		t.wait(func() string { return "waits to get from an empty Queue" },
			func() { q.getters = remove(q.getters, t) })
		if err := l.suspend(t, "queue get"); err != nil {
			mu.Lock()
			if len(q.items) > 0 { // pass the item on
				wakeFirst(q.getters)
			}
			mu.Unlock()
			return nil, err
		}
		mu.Lock()
	}
	v := q.get()
	mu.Unlock()
	return v, nil
}

// TryGet removes and returns the item at the front of the queue if there
// is one, as get_nowait; it reports false when the queue is empty. It does
// not suspend.
func (q *Queue) TryGet() (any, bool) {
	mu.Lock()
	defer mu.Unlock()
	if len(q.items) == 0 {
		return nil, false
	}
	return q.get(), true
}

func (q *Queue) get() any {
	v := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	wakeFirst(q.putters)
	return v
}

// TaskDone marks an item taken from the queue as processed, as
// task_done: Join returns when every item put has been marked. Calling it
// more times than items were put panics.
func (q *Queue) TaskDone() {
	mu.Lock()
	defer mu.Unlock()
	if q.unfinished <= 0 {
		panic("loop: Queue.TaskDone called more times than items were put")
	}
	q.unfinished--
	if q.unfinished == 0 {
		for _, t := range slices.Clone(q.joiners) {
			t.l.wakeTask(t, nil)
		}
		q.joiners = nil
	}
}

// Join suspends the running task until every item put in the queue has
// been marked with TaskDone. It returns an error wrapping ErrCancelled
// when the task is cancelled while it waits.
func (q *Queue) Join(ctx *Context) error {
	l := ctx.l
	t := l.enter("Queue.Join")
	if q.unfinished == 0 {
		mu.Unlock()
		return nil
	}
	if err := t.takeCancel(); err != nil {
		return l.refuse(t, err)
	}
	q.joiners = append(q.joiners, t)
	t.wait(func() string {
		return "joins a Queue with " + strconv.Itoa(q.unfinished) + " unfinished items"
	}, func() { q.joiners = remove(q.joiners, t) })
	return l.suspend(t, "queue join")
}
