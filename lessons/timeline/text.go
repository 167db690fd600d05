package timeline

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golessons/golessons/lessons/logging"
)

// textWidth is the number of columns of a timeline's bars in text.
const textWidth = 60

// maxNameWidth bounds the width of names in text; longer ones are cut.
const maxNameWidth = 28

// maxRows bounds the rows drawn; the rest are counted.
const maxRows = 100

// kinds are the states drawn, in the order of the legends.
var kinds = []logging.Kind{logging.Running, logging.Sleeping, logging.Blocked, logging.Waiting}

// glyphs are the characters of the states in text.
var glyphs = map[logging.Kind]rune{
	logging.Running:  '█',
	logging.Sleeping: '░',
	logging.Blocked:  '▓',
	logging.Waiting:  '▒',
}

// String returns the timeline as a Gantt chart in text: a line per row,
// its states as characters (█ running, ░ sleeping, ▓ blocked, ▒ waiting),
// the length of the timeline below and a legend of the characters used.
// Each of the 60 columns shows the state of the span that covers most of
// its stretch of time; log lines are not shown.
func (t *Timeline) String() string {
	rows := t.Rows()
	if len(rows) == 0 {
		return "(no events)"
	}
	var b strings.Builder
	if t.title != "" {
		b.WriteString(t.title)
		b.WriteByte('\n')
	}
	more := 0
	if len(rows) > maxRows {
		rows, more = rows[:maxRows], len(rows)-maxRows
	}
	width := 0
	for _, r := range rows {
		width = max(width, utf8.RuneCountInString(r.Name))
	}
	width = min(width, maxNameWidth)
	span := t.Duration()
	used := map[rune]bool{}
	for _, r := range rows {
		b.WriteString(pad(cut(r.Name, width), width))
		b.WriteString(" |")
		for _, c := range textBar(r.Spans, span, textWidth) {
			used[c] = true
			b.WriteRune(c)
		}
		b.WriteString("|\n")
	}
	if more > 0 {
		b.WriteString("… and " + strconv.Itoa(more) + " more rows\n")
	}
	unit := t.axisUnit()
	endLabel := formatNum(float64(span)/float64(unit)) + " " + unitName(unit)
	b.WriteString(strings.Repeat(" ", width+2))
	b.WriteString("0")
	b.WriteString(strings.Repeat(" ", max(1, textWidth-1-utf8.RuneCountInString(endLabel))))
	b.WriteString(endLabel)
	var legend []string
	for _, k := range kinds {
		if used[glyphs[k]] {
			legend = append(legend, string(glyphs[k])+" "+k.String())
		}
	}
	if len(legend) > 0 {
		b.WriteString("\n" + strings.Join(legend, "  "))
	}
	return b.String()
}

// textBar returns the characters of spans over a timeline of length span
// in n columns. Each column shows the state of the span that covers most
// of its stretch of time, so that a short run between two sleeps still
// shows when it is longer than either part of them, and a blank when no
// span covers any of it.
func textBar(spans []Span, span time.Duration, n int) []rune {
	bar := make([]rune, n)
	for c := range bar {
		bar[c] = ' '
		lo, hi := cell(span, c, n), cell(span, c+1, n)
		if span <= 0 {
			lo, hi = 0, 1
		}
		var best logging.Kind
		var most time.Duration
		for _, s := range spans {
			if cover := min(s.End, hi) - max(s.Start, lo); cover > most {
				best, most = s.Kind, cover
			}
		}
		if most > 0 {
			bar[c] = glyphs[best]
		}
	}
	return bar
}

// cell returns the start of column c of n over a timeline of length span.
func cell(span time.Duration, c, n int) time.Duration {
	return time.Duration(float64(span) * float64(c) / float64(n))
}

// pad pads s with spaces to width runes.
func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// cut shortens s to width runes, ending it with an ellipsis when cut.
func cut(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}

// axisUnit returns the unit of the axis: the one set, or seconds for a
// timeline of a second or more and milliseconds for a shorter one.
func (t *Timeline) axisUnit() time.Duration {
	if t.unit > 0 {
		return t.unit
	}
	return autoUnit(t.Duration())
}

// autoUnit returns seconds for d of a second or more, milliseconds else.
func autoUnit(d time.Duration) time.Duration {
	if d >= time.Second {
		return time.Second
	}
	return time.Millisecond
}

// unitName returns the symbol of a unit of time.
func unitName(d time.Duration) string {
	switch d {
	case time.Nanosecond:
		return "ns"
	case time.Microsecond:
		return "µs"
	case time.Millisecond:
		return "ms"
	case time.Second:
		return "s"
	case time.Minute:
		return "min"
	case time.Hour:
		return "h"
	}
	return "×" + d.String()
}

// formatNum formats v to three significant digits, without trailing
// zeros: 12.1, 3.2, 0.8, 1234.
func formatNum(v float64) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	p := 2 - int(math.Floor(math.Log10(math.Abs(v))))
	if p < 0 {
		p = 0
	}
	s := strconv.FormatFloat(v, 'f', p, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
