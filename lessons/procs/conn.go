package procs

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/golessons/golessons/lessons/internal/call"
)

// message is what the session and a worker process send each other, as a
// stream of gob values over a pair of pipes.
type message struct {
	Kind     string
	ID       uint64
	Func     string
	Args     [][]byte
	Results  [][]byte
	Err      string
	Panic    bool
	PID      int
	Snapshot []byte
	Queue    uint64
	Op       string
	Value    []byte
	Timeout  time.Duration
	OK       bool
	Len      int
}

// Kinds of message.
const (
	kindInit       = "init"        // session → worker: Snapshot to restore
	kindReady      = "ready"       // worker → session: its PID, or Err when the restore failed
	kindCall       = "call"        // session → worker: call Func with Args, as call ID
	kindResult     = "result"      // worker → session: the Results or Err of call ID
	kindQueue      = "queue"       // worker → session: operation Op on Queue, as request ID
	kindQueueReply = "queue-reply" // session → worker: the answer to request ID
)

// conn is the session's end of the pipes to one worker process.
type conn struct {
	cmd  *exec.Cmd
	pid  int
	tail *tail

	mu  sync.Mutex // one message at a time
	enc *gob.Encoder
	in  io.Closer

	next    uint64
	pending map[uint64]chan message // calls waiting for their result

	done  chan struct{} // closed when the process has ended and been waited for
	cause string        // how it ended, once done
}

// tail keeps the last lines a process wrote on standard error while
// passing everything on.
type tail struct {
	mu  sync.Mutex
	dst io.Writer
	buf []byte
}

const tailSize = 2048

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailSize {
		t.buf = t.buf[len(t.buf)-tailSize:]
	}
	t.mu.Unlock()
	if t.dst != nil {
		t.dst.Write(p)
	}
	return len(p), nil
}

// String returns the last few lines written.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimRight(string(t.buf), "\n"), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// dial starts a worker process, has it restore the session's declarations
// and returns the connection to it once it is ready.
func dial() (*conn, error) {
	h, err := currentHost()
	if err != nil {
		return nil, err
	}
	snapshot, err := h.Snapshot()
	if err != nil {
		return nil, fmt.Errorf("start process: %w", err)
	}
	cmd, err := h.Command()
	if err != nil {
		return nil, fmt.Errorf("start process: %w", err)
	}
	toWorker, fromSession, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start process: %w", err)
	}
	fromWorker, toSession, err := os.Pipe()
	if err != nil {
		toWorker.Close()
		fromSession.Close()
		return nil, fmt.Errorf("start process: %w", err)
	}
	c := &conn{
		tail:    &tail{dst: os.Stderr},
		pending: map[uint64]chan message{},
		done:    make(chan struct{}),
		in:      fromSession,
		enc:     gob.NewEncoder(fromSession),
	}
	cmd.ExtraFiles = []*os.File{toWorker, toSession}
	if cmd.Stdout == nil {
		cmd.Stdout = os.Stdout
	}
	cmd.Stderr = c.tail
	// A worker busy in a call when the session dies is killed with it;
	// an idle one sees its input end and exits.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	toWorker.Close()
	toSession.Close()
	if err != nil {
		fromSession.Close()
		fromWorker.Close()
		return nil, fmt.Errorf("start process: %w", err)
	}
	c.cmd = cmd
	c.pid = cmd.Process.Pid
	ready := make(chan message, 1)
	go c.read(fromWorker, ready)
	if err := c.send(message{Kind: kindInit, Snapshot: snapshot}); err != nil {
		c.kill()
		<-c.done
		return nil, fmt.Errorf("start process %d: %w", c.pid, err)
	}
	select {
	case m := <-ready:
		if m.Err != "" {
			c.close()
			return nil, fmt.Errorf("process %d could not declare what the session declared: %s", c.pid, m.Err)
		}
		return c, nil
	case <-c.done:
		return nil, fmt.Errorf("process %d ended as it started: %s\n%s", c.pid, c.cause, c.tail)
	}
}

// send sends m to the worker.
func (c *conn) send(m message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.enc.Encode(m); err != nil {
		return fmt.Errorf("send to process %d: %w", c.pid, err)
	}
	return nil
}

// read dispatches what the worker sends until its output ends, then waits
// for the process and closes c.done.
func (c *conn) read(r io.ReadCloser, ready chan<- message) {
	dec := gob.NewDecoder(r)
	for {
		var m message
		if err := dec.Decode(&m); err != nil {
			break
		}
		switch m.Kind {
		case kindReady:
			ready <- m
		case kindResult:
			c.mu.Lock()
			ch := c.pending[m.ID]
			delete(c.pending, m.ID)
			c.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		case kindQueue:
			go c.serveQueue(m)
		}
	}
	r.Close()
	err := c.cmd.Wait()
	c.cause = "exited"
	if err != nil {
		c.cause = err.Error()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			c.cause = exit.ProcessState.String()
		}
	}
	close(c.done)
}

// call calls function name in the worker with encoded args and returns
// its result message, or a *CrashError when the process ends first.
func (c *conn) call(name string, args [][]byte) (message, error) {
	ch := make(chan message, 1)
	c.mu.Lock()
	c.next++
	id := c.next
	c.pending[id] = ch
	c.mu.Unlock()
	if err := c.send(message{Kind: kindCall, ID: id, Func: name, Args: args}); err != nil {
		<-c.done
		return message{}, &CrashError{Func: name, PID: c.pid, Cause: c.cause, Tail: c.tail.String()}
	}
	select {
	case m := <-ch:
		return m, nil
	case <-c.done:
		select {
		case m := <-ch:
			return m, nil
		default:
		}
		return message{}, &CrashError{Func: name, PID: c.pid, Cause: c.cause, Tail: c.tail.String()}
	}
}

// close ends the worker's input, so that it exits once idle, and waits
// for it.
func (c *conn) close() {
	c.mu.Lock()
	c.in.Close()
	c.mu.Unlock()
	<-c.done
}

// kill kills the worker process.
func (c *conn) kill() {
	c.cmd.Process.Kill()
}

// serveQueue answers a worker's operation on a queue of the session.
func (c *conn) serveQueue(m message) {
	reply := message{Kind: kindQueueReply, ID: m.ID}
	q := lookupQueue(m.Queue)
	if q == nil {
		reply.Err = fmt.Sprintf("no queue %d in the session", m.Queue)
		c.send(reply)
		return
	}
	switch m.Op {
	case "put":
		v, err := call.DecodeAny(m.Value)
		if err != nil {
			reply.Err = err.Error()
			break
		}
		q.Put(v)
		reply.OK = true
	case "get":
		var v any
		ok := true
		if m.Timeout > 0 {
			v, ok = q.GetTimeout(m.Timeout)
		} else {
			v = q.Get()
		}
		if ok {
			data, err := call.EncodeAny(v)
			if err != nil {
				reply.Err = err.Error()
				break
			}
			reply.Value = data
		}
		reply.OK = ok
	case "done":
		q.TaskDone()
		reply.OK = true
	case "len":
		reply.Len = q.Len()
		reply.OK = true
	default:
		reply.Err = "unknown queue operation " + m.Op
	}
	c.send(reply)
}
