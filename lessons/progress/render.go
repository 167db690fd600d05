package progress

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/golessons/golessons/lessons/display"
)

// width is the length of a text bar, in characters.
const width = 20

// eighths are the characters that fill the last, partly done character of
// a text bar, from none to seven eighths of it.
var eighths = []string{" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// Colours of the HTML bar.
const (
	colorRunning = "#2a7ae2"
	colorDone    = "#3a9d3a"
	colorFailed  = "#c9302c"
)

// state is what a bar shows at one moment.
type state struct {
	desc        string
	done, total int64
	elapsed     time.Duration
	finished    bool
	err         error
}

// fraction returns the part of the work done, between 0 and 1. Work of no
// steps is all done once it is finished.
func (s state) fraction() float64 {
	if s.total <= 0 {
		if s.finished && s.err == nil {
			return 1
		}
		return 0
	}
	return min(max(float64(s.done)/float64(s.total), 0), 1)
}

// percent returns the whole percent of the work done, rounded down, so
// that 100% means all of it.
func (s state) percent() int64 {
	if s.total <= 0 {
		return int64(s.fraction() * 100)
	}
	return min(max(s.done*100/s.total, 0), 100)
}

// counts returns "done/total".
func (s state) counts() string {
	return strconv.FormatInt(s.done, 10) + "/" + strconv.FormatInt(s.total, 10)
}

// text returns the bar as text: "sum |███████▍            | 37/100
// [1.2s]", followed by " failed: " and the error of a failed bar.
func (s state) text() string {
	var b strings.Builder
	if s.desc != "" {
		b.WriteString(s.desc)
		b.WriteByte(' ')
	}
	n := int(s.fraction() * width * 8) // eighths of a character filled
	b.WriteByte('|')
	b.WriteString(strings.Repeat("█", n/8))
	if n < width*8 {
		b.WriteString(eighths[n%8])
		b.WriteString(strings.Repeat(" ", width-n/8-1))
	}
	b.WriteString("| ")
	b.WriteString(s.counts())
	b.WriteString(" [")
	b.WriteString(formatElapsed(s.elapsed))
	b.WriteByte(']')
	if s.err != nil {
		b.WriteString(" failed: ")
		b.WriteString(s.err.Error())
	}
	return b.String()
}

// html returns the bar as HTML, without script: the description, a bar
// filled in proportion to the work done, and "37/100 (37%) 1.2s".
func (s state) html() string {
	color := colorRunning
	switch {
	case s.err != nil:
		color = colorFailed
	case s.finished:
		color = colorDone
	}
	var b strings.Builder
	b.WriteString(`<div class="golessons-progress" style="font-family:monospace;line-height:1.6">`)
	if s.desc != "" {
		fmt.Fprintf(&b, `<span>%s</span> `, html.EscapeString(s.desc))
	}
	fmt.Fprintf(&b, `<span role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="%d" `+
		`style="display:inline-block;width:20em;height:1em;vertical-align:middle;`+
		`border:1px solid #999;border-radius:3px;background-color:#eee;overflow:hidden">`+
		`<span style="display:block;width:%.1f%%;height:100%%;background-color:%s"></span></span> `,
		s.percent(), s.fraction()*100, color)
	fmt.Fprintf(&b, `<span>%s (%d%%) %s</span>`, s.counts(), s.percent(), formatElapsed(s.elapsed))
	if s.err != nil {
		fmt.Fprintf(&b, ` <span style="color:%s">failed: %s</span>`, colorFailed, html.EscapeString(s.err.Error()))
	}
	b.WriteString(`</div>`)
	return b.String()
}

// bundle returns the bar as a display bundle of HTML and text.
func (s state) bundle() display.Bundle {
	return display.Bundle{"text/html": s.html(), "text/plain": s.text()}
}

// formatElapsed returns d in seconds to a tenth, e.g. "1.2s", or from a
// minute on to the second, e.g. "2m5s".
func formatElapsed(d time.Duration) string {
	if d < time.Minute {
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	}
	return d.Round(time.Second).String()
}
