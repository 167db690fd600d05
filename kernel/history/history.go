// Package history keeps the cells a kernel ran, and answers history
// requests: the last n, a range of one session, or a glob-style search.
package history

import (
	"regexp"
	"strings"
	"sync"
)

// Entry is one executed cell.
type Entry struct {
	Session int
	Line    int // the execution count
	Input   string
	Output  string // text of the cell's value, if any
}

// History is a kernel's history. It is safe for concurrent use.
type History struct {
	session int

	mu      sync.Mutex
	entries []Entry
}

// New returns an empty history for session number session.
func New(session int) *History { return &History{session: session} }

// Add records a cell.
func (h *History) Add(line int, input, output string) {
	h.mu.Lock()
	h.entries = append(h.entries, Entry{Session: h.session, Line: line, Input: input, Output: output})
	h.mu.Unlock()
}

// Tail returns the last n entries (all with n <= 0).
func (h *History) Tail(n int) []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return last(h.entries, n)
}

func last(es []Entry, n int) []Entry {
	if n > 0 && len(es) > n {
		es = es[len(es)-n:]
	}
	return append([]Entry(nil), es...)
}

// Range returns the entries of session (0 or this session's number for the
// current one) with start <= line < stop; stop <= 0 means no upper bound.
func (h *History) Range(session, start, stop int) []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	if session != 0 && session != h.session {
		return nil
	}
	var out []Entry
	for _, e := range h.entries {
		if e.Line >= start && (stop <= 0 || e.Line < stop) {
			out = append(out, e)
		}
	}
	return out
}

// Search returns the last n entries (all with n <= 0) whose input matches
// the glob pattern (* and ? wildcards). With unique, an input appears once,
// at its latest position.
func (h *History) Search(pattern string, n int, unique bool) []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	match := glob(pattern)
	var out []Entry
	seen := map[string]bool{}
	for i := len(h.entries) - 1; i >= 0; i-- {
		e := h.entries[i]
		if !match.MatchString(e.Input) {
			continue
		}
		if unique {
			if seen[e.Input] {
				continue
			}
			seen[e.Input] = true
		}
		out = append(out, e)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return last(out, n)
}

// glob compiles a pattern where * matches any text (newlines and slashes
// included) and ? any one character.
func glob(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?s)^")
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
