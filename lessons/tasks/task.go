package tasks

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/golessons/golessons/lessons/internal/call"
)

// taskMsg is a task on the work queue.
type taskMsg struct {
	ID      string
	Func    string
	Args    [][]byte
	ReplyTo string
}

// resultMsg is a worker's answer to a task.
type resultMsg struct {
	ID      string
	Results [][]byte
	Err     string
	Panic   bool
	PID     int
	Worker  string
}

// Task is a function of the session that workers run, by name.
type Task struct {
	app  *App
	name string
}

// Task returns the task that runs the function called name, declared in a
// cell, or pkg.Func of an imported package.
func (a *App) Task(name string) *Task { return &Task{app: a, name: name} }

// Name returns the name of the task's function.
func (t *Task) Name() string { return t.name }

// Delay sends a call of the task's function with args to the workers and
// returns its result, to be awaited. Arguments that do not fit the
// function or cannot be sent fail the result at once.
func (t *Task) Delay(args ...any) *Result {
	a := t.app
	r := &Result{task: t.name, done: make(chan struct{})}
	h, err := currentHost()
	if err != nil {
		r.settle(nil, 0, fmt.Errorf("%s: %w", t.name, err))
		return r
	}
	fn, err := h.Func(t.name)
	if err != nil {
		r.settle(nil, 0, err)
		return r
	}
	r.ftype = fn.Type()
	encoded, err := call.Args(t.name, r.ftype, args)
	if err != nil {
		r.settle(nil, 0, err)
		return r
	}
	r.ID = nats.NewInbox()[len("_INBOX."):]
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(taskMsg{ID: r.ID, Func: t.name, Args: encoded, ReplyTo: a.inbox}); err != nil {
		r.settle(nil, 0, fmt.Errorf("%s: %w", t.name, err))
		return r
	}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		r.settle(nil, 0, fmt.Errorf("%s: the app was closed", t.name))
		return r
	}
	a.pending[r.ID] = r
	a.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.js.Publish(ctx, subject(a.name, "tasks"), buf.Bytes(), jetstream.WithMsgID(r.ID)); err != nil {
		a.mu.Lock()
		delete(a.pending, r.ID)
		a.mu.Unlock()
		r.settle(nil, 0, fmt.Errorf("%s: send to the broker: %w", t.name, err))
	}
	return r
}

// result receives a worker's answer.
func (a *App) result(m *nats.Msg) {
	var res resultMsg
	if err := gob.NewDecoder(bytes.NewReader(m.Data)).Decode(&res); err != nil {
		return
	}
	a.mu.Lock()
	r := a.pending[res.ID]
	delete(a.pending, res.ID)
	a.mu.Unlock()
	if r == nil {
		return // answered before, by a worker that was thought dead
	}
	if res.Err != "" {
		r.settle(nil, res.PID, &RemoteError{Task: r.task, Worker: res.Worker, PID: res.PID, Msg: res.Err, Panic: res.Panic})
		return
	}
	results, err := call.Results(r.task, r.ftype, res.Results)
	r.settle(results, res.PID, err)
}

// exhausted fails the result of a task the broker has delivered for the
// last time without an answer.
func (a *App) exhausted(m *nats.Msg) {
	var adv struct {
		StreamSeq uint64 `json:"stream_seq"`
	}
	if err := json.Unmarshal(m.Data, &adv); err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := a.js.Stream(ctx, streamName(a.name))
	if err != nil {
		return
	}
	raw, err := s.GetMsg(ctx, adv.StreamSeq)
	if err != nil {
		return
	}
	var t taskMsg
	if err := gob.NewDecoder(bytes.NewReader(raw.Data)).Decode(&t); err != nil {
		return
	}
	a.mu.Lock()
	r := a.pending[t.ID]
	delete(a.pending, t.ID)
	a.mu.Unlock()
	if r != nil {
		r.settle(nil, 0, fmt.Errorf("%s: delivered to workers %d times and never finished: its workers died or stopped", t.Func, MaxDeliver))
	}
	s.DeleteMsg(ctx, adv.StreamSeq)
}

// RemoteError is an error a task's function returned on a worker, or the
// panic that ended it there.
type RemoteError struct {
	Task   string // the function
	Worker string // the worker that ran it
	PID    int    // the worker's process
	Msg    string // the error's text
	Panic  bool   // whether the function panicked
}

func (e *RemoteError) Error() string {
	if e.Panic {
		return fmt.Sprintf("%s panicked on worker %s (process %d): %s", e.Task, e.Worker, e.PID, e.Msg)
	}
	return e.Msg
}

// ErrTimeout is the error of GetTimeout when the result did not come in
// time.
var ErrTimeout = errors.New("no result in time")

// Result is the result of a task sent to the workers. Get, Wait and
// Result block until it arrives; Ready does not.
type Result struct {
	ID    string // the task's id
	task  string
	ftype reflect.Type
	done  chan struct{}

	mu      sync.Mutex
	results []any
	pid     int
	err     error
}

func (r *Result) settle(results []any, pid int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case <-r.done:
		return
	default:
	}
	r.results, r.pid, r.err = results, pid, err
	close(r.done)
}

// Ready reports whether the result has arrived, without waiting.
func (r *Result) Ready() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// Wait waits for the result.
func (r *Result) Wait() { <-r.done }

// Get waits for the result and returns the function's first result and
// its error, or why the task failed.
func (r *Result) Get() (any, error) {
	r.Wait()
	return r.first(), r.err
}

// GetTimeout is Get waiting at most d; it returns ErrTimeout when the
// result did not come in time (the task may still run).
func (r *Result) GetTimeout(d time.Duration) (any, error) {
	select {
	case <-r.done:
		return r.first(), r.err
	case <-time.After(d):
		return nil, fmt.Errorf("%s: %w (%v)", r.task, ErrTimeout, d)
	}
}

// Result waits for the result and returns the function's first result,
// or nil when the task failed.
func (r *Result) Result() any {
	r.Wait()
	return r.first()
}

// Err waits for the result and returns why the task failed, or nil.
func (r *Result) Err() error {
	r.Wait()
	return r.err
}

// PID returns the process ID of the worker that ran the task, once its
// result has arrived.
func (r *Result) PID() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pid
}

func (r *Result) first() any {
	if len(r.results) == 0 {
		return nil
	}
	return r.results[0]
}

// String describes the result: its task and state.
func (r *Result) String() string {
	if !r.Ready() {
		return fmt.Sprintf("<Result %s pending>", r.task)
	}
	if r.err != nil {
		return fmt.Sprintf("<Result %s failed: %v>", r.task, r.err)
	}
	return fmt.Sprintf("<Result %s: %v>", r.task, r.first())
}
