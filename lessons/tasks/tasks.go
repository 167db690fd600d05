// Package tasks distributes calls of a session's functions to worker
// processes through a NATS message broker, as Celery does with RabbitMQ:
// the session sends tasks by name, workers anywhere run them and send the
// results back.
//
//	app, err := tasks.New("demo")     // a broker on 127.0.0.1, in the session
//	defer app.Close()
//	w, err := app.StartWorker(4)      // a worker process, four tasks at a time
//	fun := app.Task("fun")            // fun is declared in a cell
//	r := fun.Delay(3)
//	v, err := r.Get()
//
// By default New starts a NATS server (github.com/nats-io/nats-server)
// inside the session, listening on 127.0.0.1 only. With the environment
// variable GOLESSONS_NATS_URL set, or with Connect, the same code uses an
// existing server or cluster instead, which must have JetStream enabled;
// workers on other machines join with
//
//	golessons worker --nats nats://HOST:4222 --app demo
//
// A worker fetches the session's declarations from the broker when it
// starts, so that it can run the functions declared in cells, and takes
// tasks from a JetStream work queue: each task goes to one worker, and a
// task whose worker dies before finishing it is delivered again, to
// another worker, up to three times in all; after that its Result fails
// with an error saying so. Nothing waits forever: a task that no worker
// takes fails when the time given to Result.GetTimeout runs out, and
// interrupting the cell fails the results still awaited.
//
// Arguments and results cross the network encoded with encoding/gob, as
// those of package procs cross between processes.
package tasks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrInterrupted is the error of the results awaited when the cell was
// interrupted.
var ErrInterrupted = errors.New("interrupted")

// ErrNoHost is the error of starting a worker where nothing starts them:
// outside the kernel, in a program that did not call SetHost.
var ErrNoHost = errors.New("no host starts worker processes here (see SetHost)")

// Host gives an App what its workers need. The kernel's evaluator
// installs one with SetHost.
type Host interface {
	// Command returns a new command that runs a worker with the given
	// arguments, as `golessons worker ARGS...` does.
	Command(args ...string) (*exec.Cmd, error)
	// Snapshot returns what a worker needs to declare what the session
	// declared; the worker's Runner restores it.
	Snapshot() ([]byte, error)
	// Func returns the function of the session called name, to decode
	// the results of its tasks.
	Func(name string) (reflect.Value, error)
}

var (
	hostMu sync.RWMutex
	host   Host
)

// SetHost makes h serve the apps of this package.
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

// MaxDeliver is how many times a task is delivered to workers before its
// result fails.
const MaxDeliver = 3

// ackWait is how long a worker may go without telling the broker it is
// still working on a task before the task is delivered again.
const ackWait = 2 * time.Second

// App is a named set of tasks, the connection to its broker and the
// workers it started.
type App struct {
	name   string
	url    string
	srv    *server.Server // the embedded broker, if any
	dir    string         // its storage
	nc     *nats.Conn
	js     jetstream.JetStream
	inbox  string
	subs   []*nats.Subscription
	closed bool

	mu      sync.Mutex
	pending map[string]*Result
	workers []*Worker
}

// New returns the app called name (letters, digits, '-' and '_'), with a
// broker of its own started in the session on 127.0.0.1, or the server at
// GOLESSONS_NATS_URL when that is set.
func New(name string) (*App, error) {
	if url := os.Getenv("GOLESSONS_NATS_URL"); url != "" {
		return Connect(name, url)
	}
	dir, err := os.MkdirTemp("", "golessons-nats-")
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	srv, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: server.RANDOM_PORT,
		JetStream: true, StoreDir: dir,
		NoLog: true, NoSigs: true,
	})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("tasks: start the broker: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		os.RemoveAll(dir)
		return nil, errors.New("tasks: the broker did not start within 10s")
	}
	a, err := Connect(name, srv.ClientURL())
	if err != nil {
		srv.Shutdown()
		os.RemoveAll(dir)
		return nil, err
	}
	a.srv, a.dir = srv, dir
	return a, nil
}

// Connect returns the app called name on the NATS server at url, which
// must have JetStream enabled.
func Connect(name, url string) (*App, error) {
	if !validName(name) {
		return nil, fmt.Errorf("tasks: app name %q: use letters, digits, '-' and '_'", name)
	}
	nc, err := nats.Connect(url, nats.Name("golessons session "+name))
	if err != nil {
		return nil, fmt.Errorf("tasks: connect to %s: %w", url, err)
	}
	a := &App{name: name, url: url, nc: nc, pending: map[string]*Result{}}
	if err := a.setUp(); err != nil {
		nc.Close()
		return nil, err
	}
	live.mu.Lock()
	live.apps[a] = true
	live.mu.Unlock()
	return a, nil
}

// setUp declares the app's work queue and answers its workers.
func (a *App) setUp() error {
	js, err := jetstream.New(a.nc)
	if err != nil {
		return fmt.Errorf("tasks: %w", err)
	}
	a.js = js
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.CreateOrUpdateStream(ctx, streamConfig(a.name)); err != nil {
		return fmt.Errorf("tasks: create the work queue on %s (is JetStream enabled?): %w", a.url, err)
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, streamName(a.name), consumerConfig()); err != nil {
		return fmt.Errorf("tasks: create the workers' consumer: %w", err)
	}
	a.inbox = nats.NewInbox()
	results, err := a.nc.Subscribe(a.inbox, a.result)
	if err != nil {
		return fmt.Errorf("tasks: %w", err)
	}
	program, err := a.nc.Subscribe(subject(a.name, "program"), a.program)
	if err != nil {
		return fmt.Errorf("tasks: %w", err)
	}
	// The broker says when a task has been delivered for the last time.
	advisory, err := a.nc.Subscribe(fmt.Sprintf("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.%s.%s", streamName(a.name), consumerName), a.exhausted)
	if err != nil {
		return fmt.Errorf("tasks: %w", err)
	}
	a.subs = []*nats.Subscription{results, program, advisory}
	return a.nc.Flush()
}

// URL returns the address of the app's broker, for workers on other
// machines (an embedded broker listens on 127.0.0.1 only).
func (a *App) URL() string { return a.url }

// Name returns the app's name.
func (a *App) Name() string { return a.name }

// program answers a worker that asks for the session's declarations.
func (a *App) program(m *nats.Msg) {
	h, err := currentHost()
	var data []byte
	if err == nil {
		data, err = h.Snapshot()
	}
	if err != nil {
		m.Respond(append([]byte{'!'}, err.Error()...))
		return
	}
	m.Respond(append([]byte{'='}, data...))
}

// Close stops the workers the app started, fails the results still
// awaited, and closes the connection and the embedded broker.
func (a *App) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	workers := a.workers
	a.workers = nil
	a.mu.Unlock()
	for _, w := range workers {
		w.Stop()
	}
	a.failPending(errors.New("the app was closed"))
	for _, s := range a.subs {
		s.Unsubscribe()
	}
	a.nc.Close()
	if a.srv != nil {
		a.srv.Shutdown()
		a.srv.WaitForShutdown()
		os.RemoveAll(a.dir)
	}
	live.mu.Lock()
	delete(live.apps, a)
	live.mu.Unlock()
	return nil
}

// failPending fails every result still awaited with err.
func (a *App) failPending(err error) {
	a.mu.Lock()
	pending := a.pending
	a.pending = map[string]*Result{}
	a.mu.Unlock()
	for _, r := range pending {
		r.settle(nil, 0, err)
	}
}

// Interrupt stops the workers that apps started and fails the results
// still awaited with ErrInterrupted. The kernel calls it when a cell is
// interrupted.
func Interrupt() {
	live.mu.Lock()
	apps := make([]*App, 0, len(live.apps))
	for a := range live.apps {
		apps = append(apps, a)
	}
	live.mu.Unlock()
	for _, a := range apps {
		a.mu.Lock()
		workers := a.workers
		a.workers = nil
		a.mu.Unlock()
		for _, w := range workers {
			w.Stop()
		}
		a.failPending(ErrInterrupted)
	}
}

var live = struct {
	mu   sync.Mutex
	apps map[*App]bool
}{apps: map[*App]bool{}}

const consumerName = "workers"

func streamName(app string) string { return "GOLESSONS_" + app }

func subject(app, what string) string { return "golessons." + app + "." + what }

func streamConfig(app string) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:      streamName(app),
		Subjects:  []string{subject(app, "tasks")},
		Retention: jetstream.WorkQueuePolicy,
		Storage:   jetstream.MemoryStorage,
	}
}

func consumerConfig() jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:    consumerName,
		AckPolicy:  jetstream.AckExplicitPolicy,
		AckWait:    ackWait,
		MaxDeliver: MaxDeliver,
	}
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
