package timeline

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// chartBarWidth is the number of columns of the longest bar in text.
const chartBarWidth = 40

// Sizes of a chart's picture, in pixels.
const (
	chartRow = 26
	chartBar = 18
)

// eighths are the characters of a bar's last, partly filled column.
var eighths = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// A Chart is a horizontal bar chart of durations, one bar per label in the
// order they were added, each with its value printed after it. Its methods
// that set something change the chart and return it, so that they chain.
type Chart struct {
	title  string
	labels []string
	values []time.Duration
	unit   time.Duration
}

// NewChart returns an empty chart with a title; Add adds its bars.
func NewChart(title string) *Chart { return &Chart{title: title} }

// Bars returns a chart with a bar for each label, as long as the value of
// the same index. It panics if there are not as many values as labels.
func Bars(title string, labels []string, values []time.Duration) *Chart {
	if len(labels) != len(values) {
		panic(fmt.Sprintf("timeline: Bars given %d labels and %d values", len(labels), len(values)))
	}
	c := NewChart(title)
	for i, l := range labels {
		c.Add(l, values[i])
	}
	return c
}

// Add adds a bar for d, labelled label, below the bars added before. A
// negative duration counts as zero.
func (c *Chart) Add(label string, d time.Duration) *Chart {
	c.labels = append(c.labels, label)
	c.values = append(c.values, max(d, 0))
	return c
}

// Title sets the title drawn above the chart.
func (c *Chart) Title(s string) *Chart {
	c.title = s
	return c
}

// Unit sets the unit the values are printed in, such as time.Second. By
// default it is chosen from the longest value: seconds, milliseconds,
// microseconds or nanoseconds, whichever gives it a number of at least 1;
// Unit(0) restores it.
func (c *Chart) Unit(d time.Duration) *Chart {
	c.unit = d
	return c
}

// Len returns the number of bars.
func (c *Chart) Len() int { return len(c.labels) }

// longest returns the longest value.
func (c *Chart) longest() time.Duration {
	var m time.Duration
	for _, v := range c.values {
		m = max(m, v)
	}
	return m
}

// valueUnit returns the unit of the values.
func (c *Chart) valueUnit() time.Duration {
	if c.unit > 0 {
		return c.unit
	}
	m := c.longest()
	for _, u := range []time.Duration{time.Second, time.Millisecond, time.Microsecond} {
		if m >= u {
			return u
		}
	}
	return time.Nanosecond
}

// Value returns the printed value of bar i, such as "12.1 s".
func (c *Chart) Value(i int) string {
	u := c.valueUnit()
	return formatNum(float64(c.values[i])/float64(u)) + " " + unitName(u)
}

// String returns the chart in text, a line per bar:
//
//	sequential ████████████████████████████████████████ 12.1 s
//	pool       ██████████▋ 3.2 s
func (c *Chart) String() string {
	var b strings.Builder
	if c.title != "" {
		b.WriteString(c.title)
		if len(c.labels) > 0 {
			b.WriteByte('\n')
		}
	}
	if len(c.labels) == 0 {
		if c.title == "" {
			return "(no bars)"
		}
		return b.String()
	}
	width := 0
	for _, l := range c.labels {
		width = max(width, utf8.RuneCountInString(l))
	}
	width = min(width, maxNameWidth)
	m := c.longest()
	for i, l := range c.labels {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(pad(cut(l, width), width))
		b.WriteByte(' ')
		if bar := textBarOf(c.values[i], m, chartBarWidth); bar != "" {
			b.WriteString(bar)
			b.WriteByte(' ')
		}
		b.WriteString(c.Value(i))
	}
	return b.String()
}

// textBarOf returns a bar of v with the longest value, m, n columns long,
// to an eighth of a column.
func textBarOf(v, m time.Duration, n int) string {
	if m <= 0 || v <= 0 {
		return ""
	}
	e := int(math.Round(float64(v) / float64(m) * float64(n) * 8))
	return strings.Repeat("█", e/8) + eighths[e%8]
}

// MIMEBundle shows the chart as an SVG image, with its text form for
// front ends that show only text.
func (c *Chart) MIMEBundle() map[string]any {
	return pictureBundle(c.SVG(), c.String())
}

// SVG returns the chart as a self-contained SVG document: labels on the
// left, a bar for each and its value after it, over an axis.
func (c *Chart) SVG() string {
	top := 8
	if c.title != "" {
		top = titleHeight + 4
	}
	axisY := top + len(c.labels)*chartRow + 4
	height := axisY + axisHeight
	if len(c.labels) == 0 {
		height = top + 30
	}
	var b strings.Builder
	alt := c.title
	if alt == "" {
		alt = "Bar chart of " + strconv.Itoa(len(c.labels)) + " durations"
	}
	svgStart(&b, height, c.title, alt)
	if len(c.labels) == 0 {
		fmt.Fprintf(&b, `<text x="10" y="%d" fill="%s">no bars</text>`+"\n", top+14, inkColour)
		b.WriteString("</svg>\n")
		return b.String()
	}
	labelW := 80.0
	for _, l := range c.labels {
		labelW = max(labelW, textPx(l, fontSize)+20)
	}
	labelW = min(labelW, 240)
	u := c.valueUnit()
	valueW := 16.0
	for i := range c.labels {
		valueW = max(valueW, textPx(c.Value(i), fontSize)+16)
	}
	x0, x1 := labelW, float64(svgWidth)-valueW
	m := c.longest()
	axis(&b, x0, x1, float64(axisY), float64(top), max(m, 1), u)
	for i, l := range c.labels {
		y := float64(top + i*chartRow)
		w := 0.0
		if m > 0 {
			w = float64(c.values[i]) / float64(m) * (x1 - x0)
		}
		shown := l
		full := ""
		if textPx(l, fontSize) > labelW-16 {
			shown = fitPx(l, labelW-16, fontSize)
			full = "<title>" + esc(l) + "</title>"
		}
		b.WriteString(`<g class="bar">` + "\n")
		fmt.Fprintf(&b, `<text class="label" x="%s" y="%s" text-anchor="end" fill="%s">%s%s</text>`+"\n",
			num(labelW-8), num(y+chartRow/2+4), inkColour, esc(shown), full)
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%d" fill="%s"><title>%s</title></rect>`+"\n",
			num(x0), num(y+(chartRow-chartBar)/2), num(w), chartBar, runningFill, esc(l+": "+c.Value(i)))
		fmt.Fprintf(&b, `<text class="value" x="%s" y="%s" fill="%s">%s</text>`+"\n",
			num(x0+w+6), num(y+chartRow/2+4), inkColour, esc(c.Value(i)))
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	return b.String()
}
