// Package kernel is a Jupyter kernel for Go: it connects the protocol
// server to a supervised evaluating session, and answers what needs no
// evaluation (kernel info, completion, inspection, history, completeness)
// itself, also while a cell runs.
//
// A request enters in HandleShell or HandleControl; a cell is evaluated by
// the session's child process (see package session and package eval); its
// output leaves through the server's iopub publisher.
package kernel

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"

	"github.com/golessons/golessons/kernel/ctl"
	"github.com/golessons/golessons/kernel/help"
	"github.com/golessons/golessons/kernel/history"
	"github.com/golessons/golessons/kernel/modules"
	"github.com/golessons/golessons/kernel/server"
	"github.com/golessons/golessons/kernel/session"
	"github.com/golessons/golessons/kernel/wire"
)

// Version is the kernel's version.
const Version = "0.1.0"

// Config configures a kernel.
type Config struct {
	ConnectionFile string
	ChildArgv      []string // command line of the evaluating child process
	Log            *log.Logger
	// Modules builds the evaluators that %go get asks for; nil means
	// %go get is not available.
	Modules *modules.Builder
}

// Kernel is a running kernel.
type Kernel struct {
	srv     *server.Server
	sess    *session.Session
	help    *help.Help
	history *history.History
	log     *log.Logger
	stop    context.CancelFunc

	queue chan *server.Request // execute requests, in order

	mu        sync.Mutex
	count     int                // execution count
	interrupt context.CancelFunc // cancels the running cell
	// terminals holds the sessions of front ends that asked whether code
	// is complete: terminals such as jupyter console, which ask before
	// each cell and print displays as text without updating them.
	terminals map[string]bool
}

// terminal reports whether the front end of session is a terminal.
func (k *Kernel) terminal(session string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.terminals[session]
}

// Run runs a kernel until it is asked to shut down or ctx ends.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Log == nil {
		cfg.Log = log.New(os.Stderr, "golessons: ", log.LstdFlags)
	}
	info, err := server.ReadConnectionFile(cfg.ConnectionFile)
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	srv, err := server.Listen(ctx, info, cfg.Log)
	if err != nil {
		return err
	}
	k := &Kernel{
		srv:     srv,
		help:    help.New(),
		history: history.New(1),
		log:     cfg.Log,
		stop:    stop,
		queue:   make(chan *server.Request, 1024),
	}
	k.sess, err = session.Start(session.Config{Argv: cfg.ChildArgv, Output: output{srv}, Log: cfg.Log, Modules: cfg.Modules})
	if err != nil {
		srv.Close()
		return err
	}
	defer k.sess.Close()

	// SIGINT interrupts the running cell, as the front end's interrupt
	// button does when the kernel is started with signal interrupts.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT)
	defer signal.Stop(sigs)
	go func() {
		for {
			select {
			case <-sigs:
				k.interruptCell()
			case <-ctx.Done():
				return
			}
		}
	}()
	go k.executor(ctx)
	return srv.Serve(ctx, k)
}

// output publishes the session's output on iopub.
type output struct{ srv *server.Server }

func (o output) Stream(parent any, name, text string) {
	p, _ := parent.(*wire.Message)
	o.srv.Publish(p, "stream", wire.Stream{Name: name, Text: text})
}

func (o output) Event(parent any, ev ctl.Event) {
	p, _ := parent.(*wire.Message)
	switch {
	case ev.Kind == ctl.EvClear:
		o.srv.Publish(p, "clear_output", wire.ClearOutput{Wait: ev.Wait})
	case ev.Update:
		o.srv.Publish(p, "update_display_data", wire.DisplayData{Data: ev.Data, Metadata: orEmpty(ev.Metadata), Transient: ev.Transient})
	default:
		o.srv.Publish(p, "display_data", wire.DisplayData{Data: ev.Data, Metadata: orEmpty(ev.Metadata), Transient: ev.Transient})
	}
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// busy publishes busy, runs f, and publishes idle, all with r as parent.
func (k *Kernel) busy(r *server.Request, f func()) {
	k.srv.Publish(r.Message, "status", wire.Status{ExecutionState: "busy"})
	defer k.srv.Publish(r.Message, "status", wire.Status{ExecutionState: "idle"})
	f()
}

// HandleShell answers a shell request; execute requests are queued for
// the executor, everything else is answered at once.
func (k *Kernel) HandleShell(r *server.Request) {
	switch r.Header.MsgType {
	case "execute_request":
		k.queue <- r
	case "shutdown_request", "interrupt_request":
		k.HandleControl(r)
	default:
		k.busy(r, func() { k.answer(r) })
	}
}

// HandleControl answers a control request.
func (k *Kernel) HandleControl(r *server.Request) {
	switch r.Header.MsgType {
	case "shutdown_request":
		var req wire.ShutdownRequest
		_ = r.Unmarshal(&req)
		k.busy(r, func() {
			k.reply(r, "shutdown_reply", wire.ShutdownReply{Status: "ok", Restart: req.Restart})
		})
		k.interruptCell()
		k.stop()
	case "interrupt_request":
		k.busy(r, func() {
			k.interruptCell()
			k.reply(r, "interrupt_reply", wire.StatusReply{Status: "ok"})
		})
	default:
		k.busy(r, func() { k.answer(r) })
	}
}

func (k *Kernel) reply(r *server.Request, msgType string, content any) {
	if err := r.Reply(msgType, content); err != nil {
		k.log.Printf("%v", err)
	}
}

// answer handles the requests that need no evaluation.
func (k *Kernel) answer(r *server.Request) {
	switch r.Header.MsgType {
	case "kernel_info_request":
		k.reply(r, "kernel_info_reply", kernelInfo())
	case "is_complete_request":
		var req wire.IsCompleteRequest
		if k.decode(r, &req) {
			k.mu.Lock()
			if k.terminals == nil {
				k.terminals = map[string]bool{}
			}
			k.terminals[r.Header.Session] = true
			k.mu.Unlock()
			c := help.IsComplete(req.Code)
			k.reply(r, "is_complete_reply", wire.IsCompleteReply{Status: c.Status, Indent: c.Indent})
		}
	case "complete_request":
		var req wire.CompleteRequest
		if k.decode(r, &req) {
			k.reply(r, "complete_reply", k.help.Complete(req.Code, req.CursorPos))
		}
	case "inspect_request":
		var req wire.InspectRequest
		if k.decode(r, &req) {
			k.reply(r, "inspect_reply", k.help.Inspect(req.Code, req.CursorPos, req.DetailLevel))
		}
	case "history_request":
		var req wire.HistoryRequest
		if k.decode(r, &req) {
			k.reply(r, "history_reply", k.historyReply(req))
		}
	case "comm_info_request":
		k.reply(r, "comm_info_reply", wire.CommInfoReply{Status: "ok", Comms: map[string]any{}})
	case "comm_open":
		// No comm targets exist: close the comm so the front end knows.
		var req wire.CommOpen
		if k.decode(r, &req) {
			k.srv.Publish(r.Message, "comm_close", wire.CommClose{CommID: req.CommID, Data: map[string]any{}})
		}
	case "comm_msg", "comm_close":
	default:
		k.log.Printf("unsupported request %s", r.Header.MsgType)
	}
}

// decode decodes a request's content, replying with an error if it is
// malformed.
func (k *Kernel) decode(r *server.Request, v any) bool {
	if err := r.Unmarshal(v); err != nil {
		k.log.Printf("%v", err)
		replyType := r.Header.MsgType
		if len(replyType) > len("_request") {
			replyType = replyType[:len(replyType)-len("_request")] + "_reply"
		}
		k.reply(r, replyType, map[string]any{"status": "error", "ename": "bad request", "evalue": err.Error(), "traceback": []string{err.Error()}})
		return false
	}
	return true
}

func kernelInfo() wire.KernelInfoReply {
	return wire.KernelInfoReply{
		Status:                "ok",
		ProtocolVersion:       wire.Version,
		Implementation:        "golessons",
		ImplementationVersion: Version,
		LanguageInfo: wire.LanguageInfo{
			Name:           "go",
			Version:        runtime.Version()[2:],
			MIMEType:       "text/x-go",
			FileExtension:  ".go",
			PygmentsLexer:  "go",
			CodeMirrorMode: "go",
		},
		Banner: fmt.Sprintf("Go %s (lessons kernel %s): cells are Go, evaluated by an interpreter with compiled lesson packages.\nWrite ?name or name? for the documentation of name, e.g. ?fmt.Println.", runtime.Version()[2:], Version),
		HelpLinks: []wire.HelpLink{
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "Go standard library", URL: "https://pkg.go.dev/std"},
			{Text: "A Tour of Go", URL: "https://go.dev/tour/"},
		},
	}
}

func (k *Kernel) historyReply(req wire.HistoryRequest) wire.HistoryReply {
	var entries []history.Entry
	switch req.HistAccessType {
	case "tail":
		entries = k.history.Tail(req.N)
	case "range":
		entries = k.history.Range(req.Session, req.Start, req.Stop)
	case "search":
		entries = k.history.Search(req.Pattern, req.N, req.Unique)
	}
	out := []any{}
	for _, e := range entries {
		if req.Output {
			out = append(out, []any{e.Session, e.Line, []any{e.Input, e.Output}})
		} else {
			out = append(out, []any{e.Session, e.Line, e.Input})
		}
	}
	return wire.HistoryReply{Status: "ok", History: out}
}

// interruptCell interrupts the running cell, or with none running stops
// the goroutines earlier cells left running.
func (k *Kernel) interruptCell() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.interrupt != nil {
		k.interrupt()
		return
	}
	k.sess.Interrupt()
}
