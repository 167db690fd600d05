package session

import (
	"bytes"

	"github.com/golessons/golessons/kernel/ctl"
)

// Output and events travel on different pipes, so the order in which the
// kernel reads them is not the order in which the cell produced them. For
// events whose place in the output matters (a display between two prints),
// the child writes a fence marker to its standard output and error before
// the event, and the event names the fence: text after the marker waits
// until the event has been delivered.

// fenced holds one output pipe's text that may not be delivered yet.
type fenced struct {
	held []byte // text read but not delivered: it follows an unmatched marker, or may be the start of one
}

// feed adds data read from the pipe and returns what may be delivered
// now: everything before the first marker, or before a trailing partial
// marker.
func (f *fenced) feed(data []byte) []byte {
	f.held = append(f.held, data...)
	return f.take()
}

// take removes and returns the deliverable prefix of held.
func (f *fenced) take() []byte {
	i := bytes.Index(f.held, []byte(ctl.FencePrefix))
	if i < 0 {
		// Keep a suffix that could be the start of a marker.
		i = len(f.held) - partialPrefix(f.held)
	}
	out := bytes.Clone(f.held[:i])
	f.held = f.held[i:]
	return out
}

// release removes marker n, which must be the first thing held once its
// event has arrived, and returns the text after it that may be delivered.
// A marker not at the front (the child died mid-write, or the text merely
// looks like one) is left as text.
func (f *fenced) release(n uint64) []byte {
	marker := ctl.Fence(n)
	if bytes.HasPrefix(f.held, []byte(marker)) {
		f.held = f.held[len(marker):]
	}
	return f.take()
}

// rest returns everything held, for when the child has exited.
func (f *fenced) rest() []byte {
	out := f.held
	f.held = nil
	return out
}

// partialPrefix returns the length of the longest suffix of b that is a
// proper prefix of a marker.
func partialPrefix(b []byte) int {
	p := []byte(ctl.FencePrefix)
	for n := min(len(p)-1, len(b)); n > 0; n-- {
		if bytes.HasSuffix(b, p[:n]) {
			return n
		}
	}
	return 0
}
