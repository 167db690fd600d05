package kernel

import (
	"context"
	"fmt"

	"github.com/golessons/golessons/kernel/server"
	"github.com/golessons/golessons/kernel/session"
	"github.com/golessons/golessons/kernel/wire"
)

// executor runs queued execute requests one at a time.
func (k *Kernel) executor(ctx context.Context) {
	for {
		select {
		case r := <-k.queue:
			if failed := k.execute(ctx, r); failed {
				k.abortQueued()
			}
		case <-ctx.Done():
			return
		}
	}
}

// abortQueued answers every execute request waiting in the queue with
// status "aborted", as stop_on_error asks after a failed cell.
func (k *Kernel) abortQueued() {
	for {
		select {
		case r := <-k.queue:
			k.busy(r, func() {
				k.mu.Lock()
				count := k.count
				k.mu.Unlock()
				k.reply(r, "execute_reply", map[string]any{"status": "aborted", "execution_count": count})
			})
		default:
			return
		}
	}
}

// execute runs one execute request and reports whether it failed with
// stop_on_error set.
func (k *Kernel) execute(ctx context.Context, r *server.Request) (stop bool) {
	k.srv.Publish(r.Message, "status", wire.Status{ExecutionState: "busy"})
	defer k.srv.Publish(r.Message, "status", wire.Status{ExecutionState: "idle"})

	var req wire.ExecuteRequest
	if !k.decode(r, &req) {
		return false
	}
	req.Normalize()

	k.mu.Lock()
	if *req.StoreHistory {
		k.count++
	}
	count := k.count
	cellCtx, cancel := context.WithCancel(ctx)
	k.interrupt = cancel
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.interrupt = nil
		k.mu.Unlock()
		cancel()
	}()

	if !req.Silent {
		k.srv.Publish(r.Message, "execute_input", wire.ExecuteInput{Code: req.Code, ExecutionCount: count})
	}

	name := "cell"
	if *req.StoreHistory {
		name = fmt.Sprintf("cell[%d]", count)
	}
	sreq := session.Request{Code: req.Code, Name: name, UserExpressions: req.UserExpressions, Terminal: k.terminal(r.Header.Session)}
	if *req.AllowStdin {
		sreq.Input = func(prompt string, password bool) (string, error) {
			return k.srv.Input(cellCtx, r.Message, prompt, password)
		}
	}

	var res session.Reply
	var payload []any
	if page, ok := k.help.Page(req.Code); ok {
		res = session.Reply{Status: "ok"}
		payload = []any{map[string]any{"source": "page", "data": page, "start": 0}}
	} else {
		res = k.sess.Execute(cellCtx, sreq, r.Message)
	}

	if payload == nil {
		payload = []any{}
	}
	reply := wire.ExecuteReply{Status: res.Status, ExecutionCount: count, UserExpressions: res.UserExpressions, Payload: payload}
	if reply.UserExpressions == nil {
		reply.UserExpressions = map[string]any{}
	}
	var output string
	if res.Status == "ok" {
		k.help.AddCell(req.Code)
		if res.Result != nil && !req.Silent {
			k.srv.Publish(r.Message, "execute_result", wire.ExecuteResult{ExecutionCount: count, Data: res.Result, Metadata: map[string]any{}})
			output, _ = res.Result["text/plain"].(string)
		}
	} else {
		e := res.Error
		k.srv.Publish(r.Message, "error", wire.ErrorContent{EName: e.Name, EValue: e.Value, Traceback: orEmptyList(e.Traceback)})
		reply.Error = &wire.Error{EName: e.Name, EValue: e.Value, Traceback: orEmptyList(e.Traceback)}
	}
	if *req.StoreHistory {
		k.history.Add(count, req.Code, output)
	}
	k.reply(r, "execute_reply", reply)
	return res.Status != "ok" && *req.StopOnError
}

func orEmptyList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
