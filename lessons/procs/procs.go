// Package procs runs functions in other operating-system processes, each
// with its own memory and PID, as Python's multiprocessing and
// concurrent.futures.ProcessPoolExecutor do.
//
// A pool of worker processes takes functions by name, with arguments, and
// hands back futures for their results:
//
//	func square(x int) int { return x * x }
//
//	procs.With(2, func(p *procs.Pool) {
//		var fs []*procs.Future
//		for x := range 10 {
//			fs = append(fs, p.Submit("square", x))
//		}
//		for f := range procs.AsCompleted(fs) {
//			fmt.Println(f.Result(), "from PID", f.PID())
//		}
//	})
//
// A function is named, not passed, because a process cannot receive a Go
// function value: the worker finds the function by its name in its own
// copy of the session, as Python's workers find a pickled function by its
// module and name. The name is that of a function declared in a cell
// ("square"), or of a function of an imported package ("mergesort.Sort").
//
// Each worker is a new process that declares what the session declared
// (imports, types, functions and constants, and the package-level
// variables functions use, with their initial values), so that it can run
// the session's functions. It does not share the session's memory: a
// variable a function changes in a worker keeps its value in the session.
//
// Arguments and results cross between processes encoded with
// encoding/gob: numbers, strings, slices, maps, and structs with exported
// fields travel; functions, channels and values with unexported fields
// do not, and Submit fails the future with an error naming the argument.
// A function may return one value, one value and an error, or just an
// error; the error arrives as a *RemoteError.
//
// Start runs one function in a dedicated process, and a Queue carries
// values between the session and its processes (multiprocessing.Process
// and JoinableQueue).
//
// A worker that crashes fails its future with a *CrashError naming the
// cause, and the pool starts another for the tasks left. Interrupting the
// cell stops every worker and fails the futures still running with
// ErrInterrupted. Shutdown waits for the tasks submitted and stops the
// workers; when the session ends, its workers end with it.
//
// Processes are started by the kernel's evaluator; a program outside the
// kernel provides them with SetHost and Serve.
package procs

import (
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"sync"
)

// ErrShutdown is the error of a task submitted to a pool that has been
// shut down; the future's error wraps it.
var ErrShutdown = errors.New("cannot submit after shutdown")

// ErrInterrupted is the error of the tasks running or waiting when the
// cell was interrupted; the futures' errors wrap it.
var ErrInterrupted = errors.New("interrupted")

// ErrNoHost is the error of starting a process where nothing starts them:
// outside the kernel, in a program that did not call SetHost.
var ErrNoHost = errors.New("no host starts processes here (see SetHost)")

// Host starts worker processes and tells them what to run. The kernel's
// evaluator installs one with SetHost.
type Host interface {
	// Command returns a new command that starts a worker process, which
	// must call Serve with descriptors 3 (its input) and 4 (its output).
	Command() (*exec.Cmd, error)
	// Snapshot returns what a worker needs to declare what the session
	// declared; the worker's Runner restores it.
	Snapshot() ([]byte, error)
	// Func returns the function of the session or of an imported package
	// called name, to check the arguments given for it and decode its
	// results.
	Func(name string) (reflect.Value, error)
}

var (
	hostMu sync.RWMutex
	host   Host
)

// SetHost makes h start the processes of this package.
func SetHost(h Host) {
	hostMu.Lock()
	host = h
	hostMu.Unlock()
}

func currentHost() (Host, error) {
	hostMu.RLock()
	defer hostMu.RUnlock()
	if host == nil {
		return nil, ErrNoHost
	}
	return host, nil
}

// RemoteError is an error that a function returned in another process, or
// the panic that ended its call there.
type RemoteError struct {
	Func  string // the function, e.g. "square"
	PID   int    // the process it ran in
	Msg   string // the error's text
	Panic bool   // whether the function panicked
}

func (e *RemoteError) Error() string {
	if e.Panic {
		return fmt.Sprintf("%s panicked in process %d: %s", e.Func, e.PID, e.Msg)
	}
	return e.Msg
}

// CrashError is the error of a task whose process ended before the task
// did: it exited, was killed or crashed.
type CrashError struct {
	Func  string // the function that was running
	PID   int    // the process
	Cause string // how it ended, e.g. "exit status 3" or "signal: killed"
	Tail  string // the last lines the process wrote on standard error
}

func (e *CrashError) Error() string {
	msg := fmt.Sprintf("process %d running %s ended: %s", e.PID, e.Func, e.Cause)
	if e.Tail != "" {
		msg += "\n" + e.Tail
	}
	return msg
}

// Interrupt stops every worker and dedicated process this package
// started, failing what they were running, or waiting to run, with
// ErrInterrupted. Pools stay usable: the next task starts new workers.
// The kernel calls it when a cell is interrupted.
func Interrupt() {
	live.mu.Lock()
	pools := make([]*Pool, 0, len(live.pools))
	for p := range live.pools {
		pools = append(pools, p)
	}
	ps := make([]*Process, 0, len(live.procs))
	for p := range live.procs {
		ps = append(ps, p)
	}
	live.mu.Unlock()
	for _, p := range pools {
		p.interrupt()
	}
	for _, p := range ps {
		p.stop(ErrInterrupted)
	}
	interruptQueues()
}

// live holds the pools with workers and the running processes, for
// Interrupt.
var live = struct {
	mu    sync.Mutex
	pools map[*Pool]bool
	procs map[*Process]bool
}{pools: map[*Pool]bool{}, procs: map[*Process]bool{}}
