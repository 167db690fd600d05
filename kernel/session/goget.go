package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golessons/golessons/kernel/ctl"
	"github.com/golessons/golessons/kernel/magic"
	"github.com/golessons/golessons/kernel/modules"
)

// readyTimeout bounds how long a new evaluator may take to start.
const readyTimeout = 30 * time.Second

// goGet runs %go get: it builds an evaluator with the packages asked for,
// added to those of earlier %go get cells, swaps the child for one running
// it, and restores the session's declarations there. If anything fails,
// the session is left as it was.
func (s *Session) goGet(ctx context.Context, m magic.Magic, parent any) Reply {
	defer s.streams.flush() // all of it before the reply
	sub, args, _ := strings.Cut(m.Args, " ")
	if sub != "get" {
		return errorReply("magic", "usage: %go get MODULE[@VERSION]...: %go has only the get command")
	}
	if strings.TrimSpace(m.Body) != "" {
		return errorReply("magic", "%go get takes its modules on its own line: put code in another cell")
	}
	reqs, err := modules.ParseGet(args)
	if err != nil {
		return errorReply("go get", err.Error())
	}
	if s.cfg.Modules == nil {
		return errorReply("go get", "%go get is not available in this kernel")
	}
	s.mu.Lock()
	all := modules.Merge(s.gets, reqs...)
	argv := s.cfg.Argv
	s.mu.Unlock()

	start := time.Now()
	progress := streamWriter{s.streams, "stdout"}
	ev, err := s.cfg.Modules.Build(ctx, all, progress)
	if err != nil {
		return goGetError(err)
	}
	if ev.Path == argv[0] {
		fmt.Fprintf(progress, "The session's evaluator has %s already.\n", describe(ev.Packages))
		return Reply{Status: "ok"}
	}
	argv = append([]string{ev.Path}, argv[1:]...)
	c, err := s.swap(ctx, argv)
	if err != nil {
		return goGetError(fmt.Errorf("the new evaluator did not start: %w", err))
	}
	had, notes, err := s.restoreInto(c)
	gets := make([]modules.Request, len(ev.Packages))
	for i, p := range ev.Packages {
		gets[i] = p.Request()
	}
	s.mu.Lock()
	s.gets = gets
	s.mu.Unlock()

	var b strings.Builder
	var paths, exact []string
	pinned := true // the cell names the versions it got
	for _, p := range ev.Packages {
		for _, r := range reqs {
			if r.Path == p.Path {
				paths = append(paths, fmt.Sprintf("%q", p.Path))
				exact = append(exact, p.Request().String())
				pinned = pinned && r.Version == p.Version
				if len(p.Unusable) > 0 {
					fmt.Fprintf(&b, "Not usable in cells, being generic: %s (of %s).\n", strings.Join(p.Unusable, ", "), p.Path)
				}
			}
		}
	}
	fmt.Fprintf(&b, "The session's evaluator now has %s.\n", describe(ev.Packages))
	if len(paths) > 0 {
		if len(paths) == 1 {
			fmt.Fprintf(&b, "Import %s in a cell to use it.\n", paths[0])
		} else {
			fmt.Fprintf(&b, "Import %s in cells to use them.\n", strings.Join(paths, ", "))
		}
		if !pinned {
			fmt.Fprintf(&b, "The same versions on another machine: %%go get %s\n", strings.Join(exact, " "))
		}
	}
	switch {
	case err != nil:
		b.WriteString(err.Error() + "\n")
	case had:
		b.WriteString(strings.Join(append([]string{"The declarations of earlier cells were restored."}, notes...), "\n") + "\n")
	}
	fmt.Fprintf(&b, "Ready in %.1fs.\n", time.Since(start).Seconds())
	s.streams.write("stdout", []byte(b.String()))
	return Reply{Status: "ok"}
}

// describe lists packages and their versions.
func describe(pkgs []modules.Package) string {
	var s []string
	for _, p := range pkgs {
		s = append(s, p.Describe())
	}
	return strings.Join(s, ", ")
}

// goGetError is the reply of a failed %go get: its message (often the go
// command's), one traceback line per line.
func goGetError(err error) Reply {
	msg := err.Error()
	lines := strings.Split(msg, "\n")
	lines[0] = "\x1b[31m" + lines[0] + "\x1b[0m"
	return Reply{Status: "error", Error: &ctl.Error{Name: "go get", Value: msg, Traceback: append(lines, "", "The session is unchanged.")}}
}

// swap starts a child running argv in place of the current one, which it
// ends, and returns it. If the new child does not start, the current one
// stays; once it has, argv is the session's command line from then on,
// also when a crash replaces the child.
func (s *Session) swap(ctx context.Context, argv []string) (*child, error) {
	s.mu.Lock()
	env := s.cfg.Env
	s.mu.Unlock()
	c, err := startChild(argv, env)
	if err != nil {
		return nil, err
	}
	go c.loop(s.streams, func(ev ctl.Event) { s.handle(c, ev) })
	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	select {
	case <-c.ready:
	case <-c.exited:
		return nil, errors.New(c.cause)
	case <-ctx.Done():
		c.kill()
		<-c.exited
		return nil, ctx.Err()
	case <-timer.C:
		c.kill()
		<-c.exited
		return nil, fmt.Errorf("it was not ready after %v", readyTimeout)
	}
	s.mu.Lock()
	old := s.child
	s.child = c
	s.cfg.Argv = argv
	s.mu.Unlock()
	old.kill()
	<-old.exited
	return c, nil
}

// streamWriter writes to a stream of the current cell.
type streamWriter struct {
	st   *streams
	name string
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.st.write(w.name, p)
	return len(p), nil
}
