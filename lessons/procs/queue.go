package procs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golessons/golessons/lessons/internal/call"
)

// Queue is a first-in, first-out queue of values that the session and its
// processes share, as Python's multiprocessing.JoinableQueue: the values
// live in the session, and a process given the queue as an argument puts
// and gets them there. Values cross between processes as arguments do, and
// must be of types encoding/gob knows without registration: numbers,
// strings, booleans, and slices of them.
//
// TaskDone and Join count work: each value got is a task, TaskDone marks
// one done, and Join waits until every value put has been marked done.
type Queue struct {
	id uint64

	mu          sync.Mutex
	changed     *sync.Cond
	items       []any
	unfinished  int
	interrupted int // how many times Interrupt woke the queue's waiters
}

var (
	queuesMu sync.Mutex
	queues   = map[uint64]*Queue{}
	queueIDs atomic.Uint64
)

// NewQueue returns an empty queue.
func NewQueue() *Queue {
	q := &Queue{id: queueIDs.Add(1)}
	q.changed = sync.NewCond(&q.mu)
	queuesMu.Lock()
	queues[q.id] = q
	queuesMu.Unlock()
	return q
}

func lookupQueue(id uint64) *Queue {
	queuesMu.Lock()
	defer queuesMu.Unlock()
	return queues[id]
}

// remoteQueue returns the connection to the session when q is the copy of
// a session's queue in a worker process.
func (q *Queue) remote() *remote {
	if q.changed != nil {
		return nil
	}
	return session()
}

// Put adds v at the end of the queue.
func (q *Queue) Put(v any) {
	if r := q.remote(); r != nil {
		data, err := call.EncodeAny(v)
		if err != nil {
			panic(fmt.Errorf("queue put: %w", err))
		}
		if _, err := r.queue(q.id, "put", data, 0); err != nil {
			panic(fmt.Errorf("queue put: %w", err))
		}
		return
	}
	q.mu.Lock()
	q.items = append(q.items, v)
	q.unfinished++
	q.mu.Unlock()
	q.changed.Broadcast()
}

// Get removes and returns the value at the front of the queue, waiting
// for one if it is empty.
func (q *Queue) Get() any {
	v, _ := q.get(0)
	return v
}

// GetTimeout is Get waiting at most d; it reports false, and returns nil,
// when no value came in time.
func (q *Queue) GetTimeout(d time.Duration) (any, bool) {
	return q.get(max(d, time.Nanosecond))
}

func (q *Queue) get(d time.Duration) (any, bool) {
	if r := q.remote(); r != nil {
		m, err := r.queue(q.id, "get", nil, d)
		if err != nil {
			panic(fmt.Errorf("queue get: %w", err))
		}
		if !m.OK {
			return nil, false
		}
		v, err := call.DecodeAny(m.Value)
		if err != nil {
			panic(fmt.Errorf("queue get: %w", err))
		}
		return v, true
	}
	var deadline time.Time
	if d > 0 {
		deadline = time.Now().Add(d)
		// Wake the waiters when the time is up.
		t := time.AfterFunc(d, func() {
			q.mu.Lock()
			q.changed.Broadcast()
			q.mu.Unlock()
		})
		defer t.Stop()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	gen := q.interrupted
	for len(q.items) == 0 {
		if d > 0 && !time.Now().Before(deadline) {
			return nil, false
		}
		q.changed.Wait()
		q.checkInterrupt(gen)
	}
	v := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	return v, true
}

// TaskDone marks one value got from the queue as done.
func (q *Queue) TaskDone() {
	if r := q.remote(); r != nil {
		if _, err := r.queue(q.id, "done", nil, 0); err != nil {
			panic(fmt.Errorf("queue task done: %w", err))
		}
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.unfinished == 0 {
		panic(errors.New("queue: TaskDone called more times than values were put"))
	}
	q.unfinished--
	q.changed.Broadcast()
}

// Join waits until every value put in the queue has been got and marked
// done with TaskDone.
func (q *Queue) Join() {
	if q.remote() != nil {
		panic(errors.New("queue: Join is for the session, not a worker process"))
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	gen := q.interrupted
	for q.unfinished > 0 {
		q.changed.Wait()
		q.checkInterrupt(gen)
	}
}

// checkInterrupt panics with ErrInterrupted when Interrupt woke the
// queue's waiters since gen. q.mu is held, and released by the caller's
// deferred Unlock as the panic unwinds.
func (q *Queue) checkInterrupt(gen int) {
	if q.interrupted != gen {
		panic(fmt.Errorf("queue: %w", ErrInterrupted))
	}
}

// interruptQueues wakes every goroutine waiting on a queue of the
// session, which then panics with ErrInterrupted.
func interruptQueues() {
	queuesMu.Lock()
	qs := make([]*Queue, 0, len(queues))
	for _, q := range queues {
		qs = append(qs, q)
	}
	queuesMu.Unlock()
	for _, q := range qs {
		q.mu.Lock()
		q.interrupted++
		q.changed.Broadcast()
		q.mu.Unlock()
	}
}

// Len returns the number of values in the queue.
func (q *Queue) Len() int {
	if r := q.remote(); r != nil {
		m, err := r.queue(q.id, "len", nil, 0)
		if err != nil {
			panic(fmt.Errorf("queue len: %w", err))
		}
		return m.Len
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// GobEncode encodes the queue as a reference to it, so that a queue given
// as an argument to a function in another process is the same queue.
func (q *Queue) GobEncode() ([]byte, error) {
	return binary.AppendUvarint(nil, q.id), nil
}

// GobDecode decodes a reference to a session's queue.
func (q *Queue) GobDecode(data []byte) error {
	id, n := binary.Uvarint(data)
	if n <= 0 {
		return errors.New("queue: bad reference")
	}
	q.id = id
	return nil
}
