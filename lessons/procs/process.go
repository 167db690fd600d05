package procs

import "fmt"

// Process is a function running in a dedicated process of its own, as a
// Python multiprocessing.Process.
type Process struct {
	f *Future
	c *conn
}

// Start starts a new process that runs the function called fn with args,
// and returns at once. Queues given as arguments are shared with the
// session. If the process cannot start, Wait returns why.
func Start(fn string, args ...any) *Process {
	p := &Process{f: newFuture(fn)}
	if err := p.f.prepare(args); err != nil {
		p.f.settle(nil, err)
		return p
	}
	c, err := dial()
	if err != nil {
		p.f.settle(nil, fmt.Errorf("%s: %w", fn, err))
		return p
	}
	p.c = c
	p.f.begin(c.pid)
	live.mu.Lock()
	live.procs[p] = true
	live.mu.Unlock()
	go func() {
		m, err := c.call(fn, p.f.args)
		if err != nil {
			p.f.settle(nil, err)
		} else {
			p.f.settleMessage(m)
		}
		c.close()
		live.mu.Lock()
		delete(live.procs, p)
		live.mu.Unlock()
	}()
	return p
}

// PID returns the process ID, or 0 if the process did not start.
func (p *Process) PID() int { return p.f.PID() }

// Wait waits for the function to return, and its process to end, and
// returns the function's error, or why it did not run to the end.
func (p *Process) Wait() error {
	err := p.f.Err()
	if p.c != nil {
		<-p.c.done
	}
	return err
}

// Result waits for the function to return and returns its first result.
func (p *Process) Result() any {
	p.Wait()
	return p.f.Result()
}

// Alive reports whether the process is still running its function.
func (p *Process) Alive() bool { return p.c != nil && !p.f.Done() }

// Terminate kills the process; Wait then reports that it was killed.
func (p *Process) Terminate() {
	if p.c != nil {
		p.c.kill()
	}
}

// stop kills the process and fails its call with err.
func (p *Process) stop(err error) {
	p.f.settle(nil, fmt.Errorf("%s: %w", p.f.fn, err))
	p.Terminate()
}

// String describes the process: its function, PID and state.
func (p *Process) String() string {
	state := "running"
	if p.f.Done() {
		state = "finished"
		if p.f.err != nil {
			state = "failed: " + p.f.err.Error()
		}
	}
	return fmt.Sprintf("<Process %s pid=%d %s>", p.f.fn, p.PID(), state)
}
