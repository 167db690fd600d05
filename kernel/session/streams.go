package session

import (
	"sync"
	"time"
	"unicode/utf8"
)

// streams coalesces the child's standard output and error into few stream
// messages: bytes wait up to interval, or until maxPending of them are
// waiting, or until something that must follow them (an event, a reply, a
// new parent) is delivered.
type streams struct {
	out        Output
	interval   time.Duration
	maxPending int

	mu      sync.Mutex
	parent  any
	name    string // stream of the pending bytes
	pending []byte
	timer   *time.Timer
}

func newStreams(out Output, interval time.Duration) *streams {
	return &streams{out: out, interval: interval, maxPending: 4 << 20}
}

// write adds output of stream name ("stdout" or "stderr").
func (s *streams) write(name string, p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name != s.name && len(s.pending) > 0 {
		s.flushLocked()
	}
	s.name = name
	s.pending = append(s.pending, p...)
	if len(s.pending) >= s.maxPending {
		s.flushLocked()
		return
	}
	if s.timer == nil {
		s.timer = time.AfterFunc(s.interval, s.flush)
	}
}

// flush delivers pending output now.
func (s *streams) flush() {
	s.mu.Lock()
	s.flushLocked()
	s.mu.Unlock()
}

func (s *streams) flushLocked() {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if len(s.pending) == 0 {
		return
	}
	// Keep an incomplete UTF-8 sequence at the end for the next write.
	cut := len(s.pending)
	for i := 1; i <= utf8.UTFMax && i <= len(s.pending); i++ {
		if b := s.pending[len(s.pending)-i]; utf8.RuneStart(b) {
			if !utf8.FullRune(s.pending[len(s.pending)-i:]) {
				cut = len(s.pending) - i
			}
			break
		}
	}
	text := string(s.pending[:cut])
	s.pending = append(s.pending[:0], s.pending[cut:]...)
	if text != "" {
		s.out.Stream(s.parent, s.name, text)
	}
}

// setParent flushes what the previous parent produced and attributes
// later output to parent.
func (s *streams) setParent(parent any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
	s.parent = parent
}

// currentParent returns the parent output is attributed to.
func (s *streams) currentParent() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.parent
}
