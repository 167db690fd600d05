// Package client is a minimal Jupyter front end over ZeroMQ, for the
// kernel's benchmarks: it starts a kernel process with a fresh connection
// file, sends requests on shell and control, and collects iopub messages.
package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/google/uuid"

	"github.com/golessons/golessons/kernel/server"
	"github.com/golessons/golessons/kernel/wire"
)

// Kernel is a running kernel process and the sockets connected to it.
type Kernel struct {
	Cmd     *exec.Cmd
	Started time.Time // when the process was started

	session string
	signer  *wire.Signer
	shell   zmq4.Socket
	control zmq4.Socket
	iopub   zmq4.Socket
	cancel  context.CancelFunc

	in map[zmq4.Socket]*receiver
}

// receiver receives from one socket: directly in the caller's goroutine
// when it may wait without limit, so that no hand-over between goroutines
// adds to what is measured, or through a goroutine when a wait has a
// limit, whose message the next receive then takes.
type receiver struct {
	sock    zmq4.Socket
	pending chan received
}

type received struct {
	m   *wire.Message
	err error
}

func (r *receiver) read() received {
	raw, err := r.sock.Recv()
	if err != nil {
		return received{err: err}
	}
	m, err := wire.Decode(raw.Frames, nil)
	return received{m: m, err: err}
}

// recv returns the next message; a timeout of 0 waits without limit.
func (r *receiver) recv(timeout time.Duration) (*wire.Message, error) {
	if r.pending == nil {
		if timeout == 0 {
			x := r.read()
			return x.m, x.err
		}
		r.pending = make(chan received, 1)
		go func() { r.pending <- r.read() }()
	}
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case x := <-r.pending:
		r.pending = nil
		return x.m, x.err
	case <-expired:
		return nil, errTimeout
	}
}

var errTimeout = errors.New("no message in time")

// Start runs `bin kernel -f FILE` with a connection file in dir and
// connects to it. The sockets retry their connection every millisecond,
// so the first request is answered as soon as the kernel listens.
func Start(bin, dir string) (*Kernel, error) {
	ports, err := freePorts(5)
	if err != nil {
		return nil, err
	}
	key := make([]byte, 16)
	rand.Read(key)
	conn := map[string]any{
		"transport": "tcp", "ip": "127.0.0.1", "signature_scheme": "hmac-sha256", "key": hex.EncodeToString(key),
		"shell_port": ports[0], "iopub_port": ports[1], "stdin_port": ports[2], "control_port": ports[3], "hb_port": ports[4],
	}
	data, _ := json.Marshal(conn)
	file := filepath.Join(dir, "kernel-"+uuid.NewString()+".json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	k := &Kernel{
		session: uuid.NewString(),
		signer:  wire.NewSigner([]byte(hex.EncodeToString(key))),
		cancel:  cancel,
	}
	opts := []zmq4.Option{zmq4.WithDialerRetry(time.Millisecond), zmq4.WithDialerMaxRetries(10000)}
	k.shell = zmq4.NewDealer(ctx, append(opts, zmq4.WithID(zmq4.SocketIdentity(uuid.NewString())))...)
	k.control = zmq4.NewDealer(ctx, append(opts, zmq4.WithID(zmq4.SocketIdentity(uuid.NewString())))...)
	k.iopub = zmq4.NewSub(ctx, opts...)

	k.Cmd = exec.Command(bin, "kernel", "-f", file)
	k.Cmd.Stderr = os.Stderr
	k.Started = time.Now()
	if err := k.Cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("start kernel: %w", err)
	}
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{k.shell, ports[0]}, {k.control, ports[3]}, {k.iopub, ports[1]}} {
		ep, err := server.BufferedEndpoint("tcp://127.0.0.1:" + strconv.Itoa(d.port))
		if err != nil {
			k.Close()
			return nil, err
		}
		if err := d.s.Dial(ep); err != nil {
			k.Close()
			return nil, fmt.Errorf("connect: %w", err)
		}
	}
	if err := k.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		k.Close()
		return nil, err
	}
	k.in = map[zmq4.Socket]*receiver{}
	for _, s := range []zmq4.Socket{k.shell, k.control, k.iopub} {
		k.in[s] = &receiver{sock: s}
	}
	return k, nil
}

// freePorts returns n TCP ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Close shuts the kernel down and waits for it to exit.
func (k *Kernel) Close() error {
	_, _ = k.Request("control", "shutdown_request", map[string]any{"restart": false}, 2*time.Second)
	done := make(chan error, 1)
	go func() { done <- k.Cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		k.Cmd.Process.Kill()
		<-done
	}
	k.shell.Close()
	k.control.Close()
	k.iopub.Close()
	k.cancel()
	return nil
}

// Request sends a request on "shell" or "control" and returns its reply;
// a timeout of 0 waits without limit.
func (k *Kernel) Request(channel, msgType string, content any, timeout time.Duration) (*wire.Message, error) {
	m, err := wire.New(msgType, k.session, content)
	if err != nil {
		return nil, err
	}
	sock := k.shell
	if channel == "control" {
		sock = k.control
	}
	if err := sock.Send(zmq4.NewMsgFrom(wire.Encode(m, k.signer)...)); err != nil {
		return nil, fmt.Errorf("send %s: %w", msgType, err)
	}
	return k.receive(sock, m.Header.MsgID, timeout)
}

// receive returns the next message on sock whose parent is parent (any
// message for ""), skipping others; a timeout of 0 waits without limit.
func (k *Kernel) receive(sock zmq4.Socket, parent string, timeout time.Duration) (*wire.Message, error) {
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		left := time.Duration(0)
		if timeout > 0 {
			if left = time.Until(deadline); left <= 0 {
				return nil, errTimeout
			}
		}
		m, err := k.in[sock].recv(left)
		if err != nil {
			return nil, err
		}
		if parent == "" || m.ParentHeader().MsgID == parent {
			return m, nil
		}
	}
}

// Execution is what one execute request produced.
type Execution struct {
	Reply  *wire.Message
	IOPub  []*wire.Message // from busy to idle, both excluded
	Stdout strings.Builder
}

// Execute runs code and returns once its reply and its idle status have
// arrived. It waits without limit: messages are received in the calling
// goroutine, so that no hand-over adds to what benchmarks measure.
func (k *Kernel) Execute(code string) (*Execution, error) {
	m, err := wire.New("execute_request", k.session, map[string]any{"code": code, "silent": false, "store_history": true, "allow_stdin": false})
	if err != nil {
		return nil, err
	}
	if err := k.shell.Send(zmq4.NewMsgFrom(wire.Encode(m, k.signer)...)); err != nil {
		return nil, err
	}
	x := &Execution{}
	idle := false
	for !idle {
		msg, err := k.receive(k.iopub, "", 0)
		if err != nil {
			return nil, fmt.Errorf("iopub: %w", err)
		}
		if msg.ParentHeader().MsgID != m.Header.MsgID {
			continue
		}
		switch msg.Header.MsgType {
		case "status":
			var s wire.Status
			json.Unmarshal(msg.Content, &s)
			idle = s.ExecutionState == "idle"
		case "stream":
			var s wire.Stream
			json.Unmarshal(msg.Content, &s)
			if s.Name == "stdout" {
				x.Stdout.WriteString(s.Text)
			}
			x.IOPub = append(x.IOPub, msg)
		default:
			x.IOPub = append(x.IOPub, msg)
		}
	}
	x.Reply, err = k.receive(k.shell, m.Header.MsgID, 0)
	return x, err
}

// WaitIOPub waits until iopub delivers messages: a subscription takes a
// moment to reach the kernel, and messages published before are lost.
// It sends kernel_info requests until their busy status arrives.
func (k *Kernel) WaitIOPub(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		m, err := wire.New("kernel_info_request", k.session, map[string]any{})
		if err != nil {
			return err
		}
		if err := k.shell.Send(zmq4.NewMsgFrom(wire.Encode(m, k.signer)...)); err != nil {
			return err
		}
		if _, err := k.receive(k.shell, m.Header.MsgID, time.Until(deadline)); err != nil {
			return err
		}
		if msg, err := k.receive(k.iopub, m.Header.MsgID, 50*time.Millisecond); err == nil && msg != nil {
			return nil
		}
	}
	return errors.New("iopub delivers nothing")
}

// RSS returns the resident memory of the kernel and its child processes,
// in bytes.
func (k *Kernel) RSS() (int64, error) {
	pids := []int{k.Cmd.Process.Pid}
	children, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pids[0], pids[0]))
	for _, f := range strings.Fields(string(children)) {
		if p, err := strconv.Atoi(f); err == nil {
			pids = append(pids, p)
		}
	}
	var total int64
	for _, p := range pids {
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p))
		if err != nil {
			return 0, err
		}
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				total += kb << 10
			}
		}
	}
	return total, nil
}

// Send sends a request on "shell" or "control" without waiting for its
// reply, and returns its message id.
func (k *Kernel) Send(channel, msgType string, content any) (string, error) {
	m, err := wire.New(msgType, k.session, content)
	if err != nil {
		return "", err
	}
	sock := k.shell
	if channel == "control" {
		sock = k.control
	}
	if err := sock.Send(zmq4.NewMsgFrom(wire.Encode(m, k.signer)...)); err != nil {
		return "", fmt.Errorf("send %s: %w", msgType, err)
	}
	return m.Header.MsgID, nil
}

// Reply waits for the reply to request id on "shell" or "control"; a
// timeout of 0 waits without limit.
func (k *Kernel) Reply(channel, id string, timeout time.Duration) (*wire.Message, error) {
	sock := k.shell
	if channel == "control" {
		sock = k.control
	}
	return k.receive(sock, id, timeout)
}
