// Package server owns a Jupyter kernel's ZeroMQ sockets: it receives and
// verifies requests on the shell, control and stdin sockets, answers
// heartbeats, publishes on iopub, and hands each request to a Handler.
// It knows the protocol, not the language.
//
// Each socket is read by its own goroutine; iopub is written by one
// publishing goroutine; replies are written under a per-socket lock.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"sync"

	"github.com/go-zeromq/zmq4"
	"github.com/google/uuid"

	"github.com/golessons/golessons/kernel/wire"
)

// Handler handles requests. HandleShell and HandleControl are called on the
// goroutine that reads the socket, one request at a time: a handler that
// takes long must hand the work to another goroutine.
type Handler interface {
	HandleShell(r *Request)
	HandleControl(r *Request)
}

// Request is a verified request from a front end.
type Request struct {
	*wire.Message
	srv  *Server
	sock *socket
}

// Reply sends a reply of type msgType to the request's sender on the socket
// the request came in on.
func (r *Request) Reply(msgType string, content any) error {
	m, err := wire.Reply(r.Message, msgType, r.srv.session, content)
	if err != nil {
		return err
	}
	return r.sock.send(m, r.srv.signer)
}

// socket is a ZeroMQ socket with a lock for writers.
type socket struct {
	name string
	mu   sync.Mutex
	zs   zmq4.Socket
}

func (s *socket) send(m *wire.Message, signer *wire.Signer) error {
	frames := wire.Encode(m, signer)
	s.mu.Lock()
	defer s.mu.Unlock()
	// SendMulti writes all frames with one system call where the socket
	// type allows it (PUB does; ROUTER writes frame by frame either way).
	if err := s.zs.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		return fmt.Errorf("send %s on %s: %w", m.Header.MsgType, s.name, err)
	}
	return nil
}

// Server is a bound set of kernel sockets.
type Server struct {
	info    ConnectionInfo
	signer  *wire.Signer
	session string
	log     *log.Logger

	shell, control, stdin, iopub, hb *socket

	inputMu sync.Mutex
	inputs  map[string]chan wire.InputReply // by input_request msg_id
}

// Listen binds the sockets described by info.
func Listen(ctx context.Context, info ConnectionInfo, logger *log.Logger) (*Server, error) {
	s := &Server{
		info:    info,
		signer:  wire.NewSigner([]byte(info.Key)),
		session: uuid.NewString(),
		log:     logger,
		inputs:  map[string]chan wire.InputReply{},
	}
	if err := registerTransports(); err != nil {
		return nil, err
	}
	binds := []struct {
		sock **socket
		name string
		port int
		make func(context.Context, ...zmq4.Option) zmq4.Socket
	}{
		{&s.hb, "heartbeat", info.HBPort, zmq4.NewRep},
		{&s.iopub, "iopub", info.IOPubPort, zmq4.NewPub},
		{&s.control, "control", info.ControlPort, zmq4.NewRouter},
		{&s.stdin, "stdin", info.StdinPort, zmq4.NewRouter},
		{&s.shell, "shell", info.ShellPort, zmq4.NewRouter},
	}
	for _, b := range binds {
		zs := b.make(ctx, zmq4.WithID(zmq4.SocketIdentity(s.session+"-"+b.name)))
		if err := zs.Listen(bufferedEndpoint(info.Endpoint(b.port))); err != nil {
			s.Close()
			return nil, fmt.Errorf("listen %s on %s: %w", b.name, info.Endpoint(b.port), err)
		}
		*b.sock = &socket{name: b.name, zs: zs}
	}
	return s, nil
}

// Session returns the kernel's session id, used in every message it sends.
func (s *Server) Session() string { return s.session }

// Close closes the sockets.
func (s *Server) Close() {
	for _, sk := range []*socket{s.shell, s.control, s.stdin, s.iopub, s.hb} {
		if sk != nil {
			sk.zs.Close()
		}
	}
}

// Serve reads requests and hands them to h until ctx is done.
func (s *Server) Serve(ctx context.Context, h Handler) error {
	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	run(func() { s.heartbeat(ctx) })
	run(func() { s.receive(ctx, s.shell, h.HandleShell) })
	run(func() { s.receive(ctx, s.control, h.HandleControl) })
	run(func() { s.receive(ctx, s.stdin, s.handleStdin) })
	<-ctx.Done()
	s.Close()
	wg.Wait()
	return nil
}

func (s *Server) heartbeat(ctx context.Context) {
	for ctx.Err() == nil {
		msg, err := s.hb.zs.Recv()
		if err != nil {
			if ctx.Err() == nil {
				s.log.Printf("heartbeat: %v", err)
			}
			return
		}
		if err := s.hb.zs.Send(msg); err != nil && ctx.Err() == nil {
			s.log.Printf("heartbeat echo: %v", err)
		}
	}
}

func (s *Server) receive(ctx context.Context, sk *socket, handle func(*Request)) {
	for ctx.Err() == nil {
		msg, err := sk.zs.Recv()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Printf("%s: receive: %v", sk.name, err)
			continue
		}
		m, err := wire.Decode(msg.Frames, s.signer)
		if err != nil {
			s.log.Printf("%s: dropped a message: %v", sk.name, err)
			continue
		}
		s.safely(sk.name, m, func() { handle(&Request{Message: m, srv: s, sock: sk}) })
	}
}

// safely runs f, logging a panic instead of letting it end the kernel.
func (s *Server) safely(where string, m *wire.Message, f func()) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Printf("%s: handling %s panicked: %v", where, m.Header.MsgType, r)
		}
	}()
	f()
}

// Publish sends a message of type msgType on iopub, with parent as its
// parent (nil for none). Messages go out in the order Publish is called.
func (s *Server) Publish(parent *wire.Message, msgType string, content any) error {
	m, err := wire.Reply(parent, msgType, s.session, content)
	if err != nil {
		return err
	}
	m.Identities = [][]byte{[]byte(msgType)} // the topic
	// zmq4's PUB queues the message and returns; the socket's lock keeps
	// messages in the order they were published.
	if err := s.iopub.send(m, s.signer); err != nil {
		s.log.Printf("%v", err)
		return err
	}
	return nil
}

// ErrInputInterrupted is returned by Input when its context ends first.
var ErrInputInterrupted = errors.New("input interrupted")

// Input asks the front end that sent parent for a line of input, and waits
// for it.
func (s *Server) Input(ctx context.Context, parent *wire.Message, prompt string, password bool) (string, error) {
	m, err := wire.Reply(parent, "input_request", s.session, wire.InputRequest{Prompt: prompt, Password: password})
	if err != nil {
		return "", err
	}
	ch := make(chan wire.InputReply, 1)
	s.inputMu.Lock()
	s.inputs[m.Header.MsgID] = ch
	s.inputMu.Unlock()
	defer func() {
		s.inputMu.Lock()
		delete(s.inputs, m.Header.MsgID)
		s.inputMu.Unlock()
	}()
	if err := s.stdin.send(m, s.signer); err != nil {
		return "", err
	}
	select {
	case r := <-ch:
		return r.Value, nil
	case <-ctx.Done():
		return "", ErrInputInterrupted
	}
}

func (s *Server) handleStdin(r *Request) {
	if r.Header.MsgType != "input_reply" {
		s.log.Printf("stdin: unexpected %s", r.Header.MsgType)
		return
	}
	var reply wire.InputReply
	if err := json.Unmarshal(r.Content, &reply); err != nil {
		s.log.Printf("stdin: %v", err)
		return
	}
	s.inputMu.Lock()
	ch := s.inputs[r.ParentHeader().MsgID]
	if ch == nil && len(s.inputs) == 1 {
		// Some clients (jupyter_client's input, for one) send the reply
		// without a parent header; like ipykernel, take it as the answer
		// to the one pending request.
		for _, c := range s.inputs {
			ch = c
		}
	}
	s.inputMu.Unlock()
	if ch != nil {
		select {
		case ch <- reply:
		default: // a second reply to the same request
		}
	}
}
