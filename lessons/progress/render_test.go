package progress

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestText(t *testing.T) {
	for _, c := range []struct {
		name string
		s    state
		want string
	}{
		{"zero", state{desc: "sum", total: 100}, "sum |                    | 0/100 [0.0s]"},
		{"partial", state{desc: "sum", done: 37, total: 100, elapsed: 1234 * time.Millisecond}, "sum |███████▍            | 37/100 [1.2s]"},
		{"half", state{desc: "sum", done: 1, total: 2, elapsed: 500 * time.Millisecond}, "sum |██████████          | 1/2 [0.5s]"},
		{"almost", state{desc: "sum", done: 999, total: 1000, elapsed: 9 * time.Second}, "sum |███████████████████▉| 999/1000 [9.0s]"},
		{"full", state{desc: "sum", done: 100, total: 100, elapsed: 2 * time.Second, finished: true}, "sum |████████████████████| 100/100 [2.0s]"},
		{"over", state{desc: "sum", done: 120, total: 100}, "sum |████████████████████| 120/100 [0.0s]"},
		{"no description", state{done: 3, total: 4}, "|███████████████     | 3/4 [0.0s]"},
		{"no steps", state{desc: "none"}, "none |                    | 0/0 [0.0s]"},
		{"no steps done", state{desc: "none", finished: true}, "none |████████████████████| 0/0 [0.0s]"},
		{"minutes", state{desc: "long", done: 1, total: 1, elapsed: 125*time.Second + 400*time.Millisecond, finished: true}, "long |████████████████████| 1/1 [2m5s]"},
		{"failed", state{desc: "sum", done: 2, total: 8, elapsed: time.Second, finished: true, err: errors.New("disk full")}, "sum |█████               | 2/8 [1.0s] failed: disk full"},
	} {
		if got := c.s.text(); got != c.want {
			t.Errorf("%s: text() = %q, want %q", c.name, got, c.want)
		}
		if n := len([]rune(barOf(c.s.text()))); n != width {
			t.Errorf("%s: the bar of %q is %d characters long, want %d", c.name, c.s.text(), n, width)
		}
	}
}

// barOf returns the part of a text bar between the bars.
func barOf(text string) string {
	i := strings.IndexByte(text, '|')
	j := strings.LastIndexByte(text, '|')
	return text[i+1 : j]
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// visible returns the text of an HTML bar, without its tags.
func visible(html string) string {
	return strings.Join(strings.Fields(tagRE.ReplaceAllString(html, " ")), " ")
}

func TestHTML(t *testing.T) {
	for _, c := range []struct {
		name       string
		s          state
		text       string
		width      string
		color      string
		notContain string
	}{
		{"zero", state{desc: "sum", total: 100}, "sum 0/100 (0%) 0.0s", "width:0.0%", colorRunning, "failed"},
		{"partial", state{desc: "sum", done: 37, total: 100, elapsed: 1234 * time.Millisecond}, "sum 37/100 (37%) 1.2s", "width:37.0%", colorRunning, "failed"},
		{"full", state{desc: "sum", done: 100, total: 100, elapsed: 2 * time.Second, finished: true}, "sum 100/100 (100%) 2.0s", "width:100.0%", colorDone, "failed"},
		{"failed", state{desc: "sum", done: 1, total: 4, finished: true, err: errors.New("x < y")}, "sum 1/4 (25%) 0.0s failed: x &lt; y", "width:25.0%", colorFailed, "x < y"},
		{"escaped", state{desc: "<b>&", done: 1, total: 3}, "&lt;b&gt;&amp; 1/3 (33%) 0.0s", "width:33.3%", colorRunning, "<b>"},
	} {
		h := c.s.html()
		if got := visible(h); got != c.text {
			t.Errorf("%s: text of the HTML = %q, want %q\n%s", c.name, got, c.text, h)
		}
		for _, want := range []string{c.width, c.color, `role="progressbar"`} {
			if !strings.Contains(h, want) {
				t.Errorf("%s: HTML lacks %q:\n%s", c.name, want, h)
			}
		}
		if strings.Contains(h, c.notContain) {
			t.Errorf("%s: HTML contains %q:\n%s", c.name, c.notContain, h)
		}
		if strings.Contains(strings.ToLower(h), "<script") {
			t.Errorf("%s: HTML has a script:\n%s", c.name, h)
		}
	}
}

func TestBundle(t *testing.T) {
	s := state{desc: "sum", done: 1, total: 2}
	b := s.bundle()
	if b["text/plain"] != s.text() || b["text/html"] != s.html() || len(b) != 2 {
		t.Errorf("bundle() = %v, want text/plain and text/html", b)
	}
}
