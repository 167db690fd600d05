package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/golessons/golessons/kernel/ctl"
)

// child is one evaluating process and the pipes to it.
type child struct {
	cmd      *exec.Cmd
	requests *ctl.Writer
	reqFile  *os.File

	// Read ends, non-blocking, owned by the read loop.
	evFD, outFD, errFD, crashFD int

	ready  chan struct{} // closed when the child reported it is ready
	exited chan struct{} // closed when the child is gone and its output read
	cause  string        // why it exited; set before exited is closed

	mu      sync.Mutex
	replies map[uint64]chan ctl.Event
	crash   bytes.Buffer // what the Go runtime wrote to fd 2, bounded
}

// pipe returns a pipe whose read end is a raw non-blocking descriptor for
// the kernel and whose write end is a file for the child.
func pipe() (int, *os.File, error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return -1, nil, fmt.Errorf("pipe: %w", err)
	}
	if err := unix.SetNonblock(p[0], true); err != nil {
		unix.Close(p[0])
		unix.Close(p[1])
		return -1, nil, fmt.Errorf("pipe: %w", err)
	}
	// Larger pipes mean fewer wake-ups under heavy output; the kernel may
	// refuse, which only costs speed.
	_, _ = unix.FcntlInt(uintptr(p[0]), unix.F_SETPIPE_SZ, 1<<20)
	return p[0], os.NewFile(uintptr(p[1]), "pipe"), nil
}

// startChild starts argv as a child process wired as package ctl
// describes.
func startChild(argv, env []string) (*child, error) {
	c := &child{ready: make(chan struct{}), exited: make(chan struct{}), replies: map[uint64]chan ctl.Event{}}
	var toClose []*os.File
	defer func() {
		for _, f := range toClose {
			f.Close()
		}
	}()
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("pipe: %w", err)
	}
	toClose = append(toClose, reqR)
	var outW, errW, crashW, evW *os.File
	for _, p := range []struct {
		fd *int
		w  **os.File
	}{{&c.evFD, &evW}, {&c.outFD, &outW}, {&c.errFD, &errW}, {&c.crashFD, &crashW}} {
		r, w, err := pipe()
		if err != nil {
			reqW.Close()
			return nil, err
		}
		*p.fd, *p.w = r, w
		toClose = append(toClose, w)
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	toClose = append(toClose, devnull)

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, outW, crashW
	cmd.ExtraFiles = []*os.File{reqR, evW, errW} // fds 3, 4, 5
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		reqW.Close()
		for _, fd := range []int{c.evFD, c.outFD, c.errFD, c.crashFD} {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("start session process: %w", err)
	}
	c.cmd = cmd
	c.reqFile = reqW
	c.requests = ctl.NewWriter(reqW)
	return c, nil
}

// send writes a request to the child.
func (c *child) send(r ctl.Request) error { return c.requests.Write(r) }

// expect registers interest in the reply to request id.
func (c *child) expect(id uint64) chan ctl.Event {
	ch := make(chan ctl.Event, 1)
	c.mu.Lock()
	c.replies[id] = ch
	c.mu.Unlock()
	return ch
}

func (c *child) forget(id uint64) {
	c.mu.Lock()
	delete(c.replies, id)
	c.mu.Unlock()
}

// kill ends the child at once.
func (c *child) kill() {
	if c.cmd.Process != nil {
		_ = c.cmd.Process.Kill()
	}
}

// loop reads the child's pipes until it exits. Output is handed to st,
// events to handle; before each event, all output written before it is
// read, so that output and events stay in order.
func (c *child) loop(st *streams, handle func(ctl.Event)) {
	fds := []unix.PollFd{
		{Fd: int32(c.evFD), Events: unix.POLLIN},
		{Fd: int32(c.outFD), Events: unix.POLLIN},
		{Fd: int32(c.errFD), Events: unix.POLLIN},
		{Fd: int32(c.crashFD), Events: unix.POLLIN},
	}
	buf := make([]byte, 256<<10)
	var lines []byte // partial event line
	held := map[string]*fenced{"stdout": {}, "stderr": {}}
	write := func(name string, text []byte) {
		if len(text) > 0 {
			st.write(name, text)
		}
	}
	drain := func(fd int, name string) bool {
		for {
			n, err := unix.Read(fd, buf)
			if n > 0 {
				if name == "" {
					c.mu.Lock()
					if c.crash.Len() < 64<<10 {
						c.crash.Write(buf[:n])
					}
					c.mu.Unlock()
				} else {
					write(name, held[name].feed(buf[:n]))
				}
				continue
			}
			if err == unix.EINTR {
				continue
			}
			return n == 0 && err == nil // true at end of file
		}
	}
	drainOutput := func() {
		drain(c.outFD, "stdout")
		drain(c.errFD, "stderr")
	}
	eventsOpen := true
	for eventsOpen {
		if _, err := unix.Poll(fds, -1); err != nil {
			if err == unix.EINTR {
				continue
			}
			break
		}
		// A pipe at end of file is no longer polled.
		if fds[1].Revents != 0 && drain(c.outFD, "stdout") {
			fds[1].Fd = -1
		}
		if fds[2].Revents != 0 && drain(c.errFD, "stderr") {
			fds[2].Fd = -1
		}
		if fds[3].Revents != 0 && drain(c.crashFD, "") {
			fds[3].Fd = -1
		}
		if fds[0].Revents == 0 {
			continue
		}
		drainOutput()
		for {
			n, err := unix.Read(c.evFD, buf)
			if n > 0 {
				lines = append(lines, buf[:n]...)
				continue
			}
			if err == unix.EINTR {
				continue
			}
			if n == 0 && err == nil {
				eventsOpen = false
			}
			break
		}
		for {
			i := bytes.IndexByte(lines, '\n')
			if i < 0 {
				break
			}
			var ev ctl.Event
			if err := json.Unmarshal(lines[:i], &ev); err == nil {
				if ev.Fence > 0 {
					// Events are read in batches: the output written
					// before this one may have arrived after the last
					// drain.
					drainOutput()
				}
				handle(ev)
				if ev.Fence > 0 {
					write("stdout", held["stdout"].release(ev.Fence))
					write("stderr", held["stderr"].release(ev.Fence))
				}
			}
			lines = lines[i+1:]
		}
	}
	// The child closed its end of the event pipe: it is exiting.
	err := c.cmd.Wait()
	drainOutput()
	drain(c.crashFD, "")
	write("stdout", held["stdout"].rest())
	write("stderr", held["stderr"].rest())
	st.flush()
	c.reqFile.Close()
	for _, fd := range []int{c.evFD, c.outFD, c.errFD, c.crashFD} {
		unix.Close(fd)
	}
	c.mu.Lock()
	c.cause = describeExit(err, c.crash.String())
	c.mu.Unlock()
	close(c.exited)
}

// deliver hands a reply to whoever waits for it.
func (c *child) deliver(ev ctl.Event) {
	c.mu.Lock()
	ch := c.replies[ev.ID]
	delete(c.replies, ev.ID)
	c.mu.Unlock()
	if ch != nil {
		ch <- ev
	}
}

// stackOverflow starts the description of a child that ran out of stack.
const stackOverflow = "stack overflow"

// describeExit says in plain words why the child ended.
func describeExit(err error, crash string) string {
	first := ""
	for _, l := range strings.Split(crash, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "panic:") || strings.HasPrefix(l, "runtime:") {
			first = l
			break
		}
	}
	switch {
	case strings.Contains(crash, "stack overflow") || strings.Contains(crash, "goroutine stack exceeds"):
		return stackOverflow + ": a function kept calling itself (directly or through others) without end"
	case strings.Contains(crash, "concurrent map"):
		return first + ": goroutines used the same map at once without a lock (guard it with a sync.Mutex, or use sync.Map)"
	case first != "":
		return first
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok {
			switch {
			case ws.Signaled() && ws.Signal() == syscall.SIGKILL:
				return "the session's process was killed"
			case ws.Signaled():
				return fmt.Sprintf("the session's process was stopped by signal %v", ws.Signal())
			case ws.Exited():
				return fmt.Sprintf("the program exited with status %d (os.Exit)", ws.ExitStatus())
			}
		}
	}
	if err == nil {
		return "the program exited (os.Exit(0))"
	}
	return err.Error()
}
