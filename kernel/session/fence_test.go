package session

import (
	"testing"

	"github.com/golessons/golessons/kernel/ctl"
)

func TestFenced(t *testing.T) {
	m1, m2 := ctl.Fence(1), ctl.Fence(2)
	var f fenced
	steps := []struct {
		feed    string // data read from the pipe, or "" to release
		release uint64
		want    string // text deliverable after the step
	}{
		{feed: "before ", want: "before "},
		{feed: "x" + m1[:5], want: "x"}, // a partial marker waits
		{feed: m1[5:] + "after", want: ""},
		{release: 1, want: "after"},
		{feed: m2 + "y" + ctl.FencePrefix[:3], want: ""},
		{release: 2, want: "y"},
		{feed: "\x00not a fence", want: ctl.FencePrefix[:3] + "\x00not a fence"},
	}
	for i, s := range steps {
		var got []byte
		if s.release > 0 {
			got = f.release(s.release)
		} else {
			got = f.feed([]byte(s.feed))
		}
		if string(got) != s.want {
			t.Errorf("step %d: got %q, want %q (held %q)", i, got, s.want, f.held)
		}
	}
	if rest := f.rest(); len(rest) != 0 {
		t.Errorf("left held: %q", rest)
	}
}
