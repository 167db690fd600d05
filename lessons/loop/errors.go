package loop

import (
	"errors"
	"fmt"
	"strings"
)

// Errors a task may see. Test for them with errors.Is: the errors the
// package returns wrap them with the names of the tasks involved.
var (
	// ErrCancelled is the cancellation of a task, as asyncio's
	// CancelledError. A cancelled task sees it at its next suspension
	// point; awaiting a cancelled task reports it.
	ErrCancelled = errors.New("cancelled")

	// ErrCycle is a cycle of tasks awaiting one another, or of coroutines
	// calling one another without end.
	ErrCycle = errors.New("cycle")

	// ErrDeadlock is a state in which every task waits and nothing can
	// wake any of them.
	ErrDeadlock = errors.New("deadlock")

	// ErrNotDone is the error of Task.Result for a task still running.
	ErrNotDone = errors.New("result is not ready")
)

// cancelError is the cancellation of one task, with its cause when the
// loop cancelled it because of a deadlock.
type cancelError struct {
	task  string
	cause error
}

func (e *cancelError) Error() string {
	if e.cause != nil {
		return e.task + ": cancelled: " + e.cause.Error()
	}
	return e.task + ": cancelled"
}

func (e *cancelError) Is(target error) bool { return target == ErrCancelled }

func (e *cancelError) Unwrap() error { return e.cause }

// isCancel reports whether err is a cancellation.
func isCancel(err error) bool { return err != nil && errors.Is(err, ErrCancelled) }

// cycleError is a cycle of tasks ("task") or coroutines ("coroutine"),
// its names listed from the first back to the first again.
type cycleError struct {
	kind  string
	names []string
}

func (e *cycleError) Error() string {
	return e.kind + " cycle: " + strings.Join(e.names, " → ")
}

func (e *cycleError) Is(target error) bool { return target == ErrCycle }

// raised carries an error up a task's stack as a panic, so that the task
// ends with that error unchanged, as an exception propagates through
// await in Python. A cell that recovers it gets an error.
type raised struct{ error }

func (r raised) Unwrap() error { return r.error }

// panicError is the error of a goroutine named name that panicked with v.
func panicError(name string, v any) error {
	if r, ok := v.(raised); ok {
		return r.error
	}
	if err, ok := v.(error); ok {
		return fmt.Errorf("%s panicked: %w", name, err)
	}
	return fmt.Errorf("%s panicked: %v", name, v)
}
