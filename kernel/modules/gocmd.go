package modules

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// goRunner runs go commands in a main module's directory.
type goRunner struct {
	path     string // the go command
	dir      string
	env      []string
	progress io.Writer
}

// run runs `go args...` and returns its standard output. With relay, the
// lines of its standard error that tell what it fetches (go: downloading
// ..., go: added ...) go to progress as they come. A failure is an error
// with the command's message, trimmed.
func (g *goRunner) run(ctx context.Context, relay bool, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, g.path, args...)
	cmd.Dir = g.dir
	cmd.Env = g.env
	// Interrupted, the command ends with the compilers and linkers it
	// started: they are its process group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout bytes.Buffer
	stderr := &lines{}
	if relay {
		stderr.relay = g.progress
	}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	err := cmd.Run()
	stderr.Close()
	if ctx.Err() != nil {
		return "", fmt.Errorf("%%go get was interrupted: %w", ctx.Err())
	}
	if err != nil {
		msg := trim(relPath.ReplaceAllStringFunc(stderr.all.String(), func(m string) string {
			// The go command shows files relative to the main module,
			// which is gone by the time the message is read.
			i := strings.IndexAny(m, "./")
			return m[:i] + filepath.Join(g.dir, m[i:])
		}))
		if msg == "" {
			msg = fmt.Sprintf("go %s: %v", strings.Join(args, " "), err)
		}
		return "", errors.New(msg)
	}
	return stdout.String(), nil
}

// relPath is a relative file path in a go command's message.
var relPath = regexp.MustCompile(`(?m)(^|\s)\.\.?/[^\s:]+`)

// lines collects a command's output and hands complete lines to relay.
type lines struct {
	mu      sync.Mutex
	all     bytes.Buffer
	partial []byte
	relay   io.Writer
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all.Write(p)
	if l.relay == nil {
		return len(p), nil
	}
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.line(l.partial[:i+1])
		l.partial = l.partial[i+1:]
	}
	return len(p), nil
}

// line relays a line that tells progress.
func (l *lines) line(text []byte) {
	for _, prefix := range progressLines {
		if bytes.HasPrefix(text, []byte(prefix)) {
			l.relay.Write(text)
			return
		}
	}
}

// progressLines start the go command's lines that tell what it fetches
// and changes; its other lines are errors, which the failure carries.
var progressLines = []string{"go: downloading ", "go: finding ", "go: added ", "go: upgraded ", "go: downgraded "}

// Close relays an unfinished last line.
func (l *lines) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.relay != nil && len(l.partial) > 0 {
		l.line(append(l.partial, '\n'))
		l.partial = nil
	}
}

// maxLines bounds the lines of a go command's message that an error keeps.
const maxLines = 20

// trim returns msg without blank lines, at most maxLines of them.
func trim(msg string) string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(msg))
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			out = append(out, strings.TrimRight(sc.Text(), " \t\r"))
		}
	}
	if len(out) > maxLines {
		out = append(out[:maxLines], fmt.Sprintf("… (%d more lines)", len(out)-maxLines))
	}
	return strings.Join(out, "\n")
}
