package procs

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sync"
	"time"

	"github.com/golessons/golessons/lessons/internal/call"
)

// Runner is what a worker process runs functions with: the kernel's
// evaluator, in the kernel.
type Runner interface {
	// Restore declares what the session declared, from its Snapshot.
	Restore(snapshot []byte) error
	// Func returns the function called name.
	Func(name string) (reflect.Value, error)
}

// Serve is the main loop of a worker process: it reads the session's
// messages from in, restores its declarations with r, runs the calls it is
// sent, each in its own goroutine, and writes their results to out. It
// returns when in ends, which is when the session stops the worker.
func Serve(in io.Reader, out io.Writer, r Runner) error {
	w := &remote{enc: gob.NewEncoder(out), pending: map[uint64]chan message{}}
	dec := gob.NewDecoder(in)
	var init message
	if err := dec.Decode(&init); err != nil {
		return fmt.Errorf("worker: read from the session: %w", err)
	}
	ready := message{Kind: kindReady, PID: os.Getpid()}
	if err := r.Restore(init.Snapshot); err != nil {
		ready.Err = err.Error()
	}
	if err := w.send(ready); err != nil {
		return err
	}
	if ready.Err != "" {
		return errors.New(ready.Err)
	}
	setRemote(w)
	var calls sync.WaitGroup
	defer calls.Wait()
	for {
		var m message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil
			}
			return fmt.Errorf("worker: read from the session: %w", err)
		}
		switch m.Kind {
		case kindCall:
			calls.Add(1)
			go func() {
				defer calls.Done()
				w.send(invoke(r, m))
			}()
		case kindQueueReply:
			w.mu.Lock()
			ch := w.pending[m.ID]
			delete(w.pending, m.ID)
			w.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		}
	}
}

// invoke runs the call m asks for and returns its result message.
func invoke(r Runner, m message) message {
	res := message{Kind: kindResult, ID: m.ID, PID: os.Getpid()}
	fn, err := r.Func(m.Func)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	res.Results, res.Err, res.Panic = call.Invoke(m.Func, fn, m.Args)
	return res
}

// remote is a worker's end of its pipes to the session.
type remote struct {
	mu      sync.Mutex
	enc     *gob.Encoder
	next    uint64
	pending map[uint64]chan message
}

func (w *remote) send(m message) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.enc.Encode(m); err != nil {
		return fmt.Errorf("worker: write to the session: %w", err)
	}
	return nil
}

// queue performs operation op on the session's queue id and returns the
// session's answer.
func (w *remote) queue(id uint64, op string, value []byte, timeout time.Duration) (message, error) {
	ch := make(chan message, 1)
	w.mu.Lock()
	w.next++
	reqID := w.next
	w.pending[reqID] = ch
	w.mu.Unlock()
	if err := w.send(message{Kind: kindQueue, ID: reqID, Queue: id, Op: op, Value: value, Timeout: timeout}); err != nil {
		return message{}, err
	}
	m := <-ch
	if m.Err != "" {
		return m, errors.New(m.Err)
	}
	return m, nil
}

var (
	remoteMu  sync.Mutex
	theRemote *remote
)

// setRemote makes w the connection this worker process's queues use.
func setRemote(w *remote) {
	remoteMu.Lock()
	theRemote = w
	remoteMu.Unlock()
}

// session returns the connection to the session when this process is a
// worker, nil otherwise.
func session() *remote {
	remoteMu.Lock()
	defer remoteMu.Unlock()
	return theRemote
}
