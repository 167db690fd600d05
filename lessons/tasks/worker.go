package tasks

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/golessons/golessons/lessons/internal/call"
)

// Worker is a worker process that an App started.
type Worker struct {
	pid  int
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// StartWorker starts a worker process on this machine that runs up to
// concurrency tasks at a time (at least one), and returns once it is
// ready for tasks. It is stopped by Stop, by Close, when the cell is
// interrupted, and when the session ends.
func (a *App) StartWorker(concurrency int) (*Worker, error) {
	h, err := currentHost()
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	concurrency = max(concurrency, 1)
	cmd, err := h.Command("--nats", a.url, "--app", a.name, "-c", strconv.Itoa(concurrency))
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	ready := make(chan int, 1)
	sub, err := a.nc.Subscribe(subject(a.name, "ready"), func(m *nats.Msg) {
		if pid, err := strconv.Atoi(string(m.Data)); err == nil {
			select {
			case ready <- pid:
			default:
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	defer sub.Unsubscribe()
	a.nc.Flush()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("tasks: start a worker: %w", err)
	}
	w := &Worker{pid: cmd.Process.Pid, cmd: cmd, done: make(chan struct{})}
	go func() {
		w.err = cmd.Wait()
		close(w.done)
	}()
	for {
		select {
		case pid := <-ready:
			if pid != w.pid {
				continue // another worker, started elsewhere
			}
			a.mu.Lock()
			a.workers = append(a.workers, w)
			a.mu.Unlock()
			return w, nil
		case <-w.done:
			return nil, fmt.Errorf("tasks: the worker ended as it started: %v", w.err)
		case <-time.After(30 * time.Second):
			w.Stop()
			return nil, errors.New("tasks: the worker was not ready within 30s")
		}
	}
}

// PID returns the worker's process ID.
func (w *Worker) PID() int { return w.pid }

// Stop kills the worker and waits for it to end. The tasks it was running
// go to other workers.
func (w *Worker) Stop() {
	w.cmd.Process.Kill()
	<-w.done
}

// Runner is what a worker runs tasks with: the kernel's evaluator, in the
// kernel.
type Runner interface {
	// Restore declares what the session declared, from its snapshot.
	Restore(snapshot []byte) error
	// Func returns the function called name.
	Func(name string) (reflect.Value, error)
}

// Work is the main loop of a worker: it connects to the broker at url,
// fetches the declarations of the session of app and restores them with
// r, then runs up to concurrency tasks at a time until ctx ends or the
// broker goes away. It reports what it does on log.
func Work(ctx context.Context, url, app string, concurrency int, r Runner, log io.Writer) error {
	if !validName(app) {
		return fmt.Errorf("worker: app name %q: use letters, digits, '-' and '_'", app)
	}
	concurrency = max(concurrency, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nc, err := nats.Connect(url, nats.Name("golessons worker "+app),
		nats.MaxReconnects(10), nats.ClosedHandler(func(*nats.Conn) { cancel() }))
	if err != nil {
		return fmt.Errorf("worker: connect to %s: %w", url, err)
	}
	defer nc.Close()
	reply, err := nc.Request(subject(app, "program"), nil, 30*time.Second)
	if err != nil {
		return fmt.Errorf("worker: ask the session of app %s for its declarations: %w (is the session running?)", app, err)
	}
	if len(reply.Data) == 0 || reply.Data[0] != '=' {
		return fmt.Errorf("worker: the session of app %s: %s", app, bytes.TrimPrefix(reply.Data, []byte("!")))
	}
	if err := r.Restore(reply.Data[1:]); err != nil {
		return fmt.Errorf("worker: declare what the session declared: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	cons, err := js.Consumer(ctx, streamName(app), consumerName)
	if err != nil {
		return fmt.Errorf("worker: find the work queue of app %s: %w", app, err)
	}
	host, _ := os.Hostname()
	name := fmt.Sprintf("%s@%s", strconv.Itoa(os.Getpid()), host)
	slots := make(chan struct{}, concurrency)
	var running sync.WaitGroup
	cc, err := cons.Consume(func(m jetstream.Msg) {
		m.InProgress()
		slots <- struct{}{}
		running.Add(1)
		go func() {
			defer func() { <-slots; running.Done() }()
			run(nc, m, name, r)
		}()
	}, jetstream.PullMaxMessages(concurrency))
	if err != nil {
		return fmt.Errorf("worker: take tasks: %w", err)
	}
	fmt.Fprintf(log, "worker %s: app %s on %s, %d at a time\n", name, app, url, concurrency)
	nc.Publish(subject(app, "ready"), []byte(strconv.Itoa(os.Getpid())))
	nc.Flush()
	<-ctx.Done()
	cc.Stop()
	running.Wait()
	return nil
}

// run runs one task and sends its result.
func run(nc *nats.Conn, m jetstream.Msg, worker string, r Runner) {
	var t taskMsg
	if err := gob.NewDecoder(bytes.NewReader(m.Data())).Decode(&t); err != nil {
		m.Term() // not a task: never deliver it again
		return
	}
	// Tell the broker the task is alive while it runs, so that only a
	// dead worker's tasks are delivered again.
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(ackWait / 3)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				m.InProgress()
			case <-stop:
				return
			}
		}
	}()
	res := resultMsg{ID: t.ID, PID: os.Getpid(), Worker: worker}
	if fn, err := r.Func(t.Func); err != nil {
		res.Err = err.Error()
	} else {
		res.Results, res.Err, res.Panic = call.Invoke(t.Func, fn, t.Args)
	}
	close(stop)
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(res); err == nil {
		nc.Publish(t.ReplyTo, buf.Bytes())
		nc.Flush()
	}
	m.Ack()
}
