package timeline

import (
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/golessons/golessons/lessons/logging"
)

// Sizes of the pictures, in pixels.
const (
	svgWidth    = 800
	rowHeight   = 22
	barHeight   = 14
	titleHeight = 28
	legendRow   = 22
	axisHeight  = 40
	fontSize    = 12
	marginRight = 24
)

// Colours of the states.
const (
	runningFill  = "#4e79a7"
	blockedFill  = "#e15759"
	sleepingLine = "#f28e2b"
	sleepingBack = "#fde7cf"
	waitingFill  = "#c9c9c9"
	waitingLine  = "#8c8c8c"
	inkColour    = "#222222"
	gridColour   = "#e3e3e3"
	stripeColour = "#f6f6f6"
)

// esc escapes s for XML text and attribute values.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// num formats a coordinate.
func num(x float64) string {
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64)
}

// textPx estimates the width in pixels of s in a sans-serif font of the
// given size, erring on the wide side so that labels are not clipped.
func textPx(s string, size float64) float64 {
	em := 0.0
	for _, r := range s {
		em += runeEm(r)
	}
	return em * size
}

// runeEm estimates the width of r in a sans-serif font, in ems.
func runeEm(r rune) float64 {
	switch {
	case r == ' ' || strings.ContainsRune(".,:;'|!ilIjft()[]", r):
		return 0.36
	case r == 'm' || r == 'w' || r == 'M' || r == 'W' || r == 'Ш' || r == 'Щ' || r == 'Ж' || r == 'ш' || r == 'щ' || r == 'ж' || r == 'ю' || r == 'Ю' || r == 'ы' || r == 'Ы':
		return 0.95
	case unicode.IsUpper(r):
		return 0.74
	case unicode.Is(unicode.Cyrillic, r):
		return 0.64
	case r >= 0x2E80: // wide scripts and symbols
		return 1
	}
	return 0.6
}

// fitPx returns s, cut with an ellipsis if needed so that it fits in
// width pixels at the given font size.
func fitPx(s string, width, size float64) string {
	if textPx(s, size) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && textPx(string(r)+"…", size) > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// svgStart writes the root element, a white background and a title.
func svgStart(b *strings.Builder, height int, title, alt string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="%d">`+"\n",
		svgWidth, height, svgWidth, height, fontSize)
	if alt == "" {
		alt = title
	}
	fmt.Fprintf(b, "<title>%s</title>\n", esc(alt))
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="white"/>`+"\n", svgWidth, height)
	if title != "" {
		fmt.Fprintf(b, `<text class="title" x="10" y="19" font-size="15" font-weight="bold" fill="%s">%s</text>`+"\n", inkColour, esc(title))
	}
}

// ticks returns the positions of the ticks of an axis from 0 to span, in
// the axis' unit, and the number of decimals their labels need.
func ticks(span float64, target int) ([]float64, int) {
	if span <= 0 || math.IsNaN(span) || math.IsInf(span, 0) {
		return []float64{0}, 0
	}
	raw := span / float64(target)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var ts []float64
	for i := 0; ; i++ {
		v := float64(i) * step
		if v > span*(1+1e-9) {
			break
		}
		ts = append(ts, v)
	}
	return ts, decimals
}

// axis draws a time axis at y from x0 to x1 for a length of span in unit,
// with grid lines up to top.
func axis(b *strings.Builder, x0, x1, y, top float64, span time.Duration, unit time.Duration) {
	length := float64(span) / float64(unit)
	ts, decimals := ticks(length, max(2, int((x1-x0)/80)))
	b.WriteString(`<g class="axis">` + "\n")
	for _, v := range ts {
		x := x0
		if length > 0 {
			x += v / length * (x1 - x0)
		}
		if top < y {
			fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", num(x), num(top), num(x), num(y), gridColour)
		}
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", num(x), num(y), num(x), num(y+4), inkColour)
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`+"\n",
			num(x), num(y+17), inkColour, strconv.FormatFloat(v, 'f', decimals, 64))
	}
	fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", num(x0), num(y), num(x1), num(y), inkColour)
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" fill="%s">time (%s)</text>`+"\n", num(x1), num(y+33), inkColour, esc(unitName(unit)))
	b.WriteString("</g>\n")
}

// SVG returns the timeline as a self-contained SVG document: a row per
// goroutine, worker or task with its name on the left, its states as bars
// (running solid blue, sleeping hatched orange, blocked solid red, waiting
// a thin grey bar), its log lines as dots and its end as a short line,
// over a time axis. Hovering over a bar or a dot shows what it is, where
// the SVG is part of the page (the classic notebook, nbconvert's HTML);
// JupyterLab shows SVG as an image, without these tooltips.
func (t *Timeline) SVG() string {
	rows := t.Rows()
	more := 0
	if len(rows) > maxRows {
		rows, more = rows[:maxRows], len(rows)-maxRows
	}
	span := t.Duration()
	unit := t.axisUnit()

	// An id for the hatch pattern, the same for the same picture, so that
	// pictures inlined in one page do not clash.
	h := fnv.New32a()
	fmt.Fprint(h, t.title, span, rows)
	hatch := fmt.Sprintf("tl%08x-sleeping", h.Sum32())

	labelW := 80.0
	for _, r := range rows {
		labelW = max(labelW, textPx(r.Name, fontSize)+20)
	}
	labelW = min(labelW, 240)
	x0, x1 := labelW, float64(svgWidth-marginRight)
	xOf := func(d time.Duration) float64 {
		if span <= 0 {
			return x0
		}
		return x0 + float64(d)/float64(span)*(x1-x0)
	}

	top := 6
	if t.title != "" {
		top = titleHeight
	}
	present := map[logging.Kind]bool{}
	logs, ends := false, false
	for _, r := range rows {
		for _, s := range r.Spans {
			present[s.Kind] = true
		}
		for _, m := range r.Marks {
			logs = logs || m.Kind == logging.Log
			ends = ends || m.Kind == logging.Finished
		}
	}
	legendY := top
	rowsY := legendY + legendRow
	n := len(rows)
	if more > 0 {
		n++
	}
	axisY := rowsY + n*rowHeight + 4
	height := axisY + axisHeight
	if len(rows) == 0 {
		height = rowsY + 30
	}

	var b strings.Builder
	alt := t.title
	if alt == "" {
		alt = "Timeline of " + strconv.Itoa(len(rows)) + " goroutines"
	}
	svgStart(&b, height, t.title, alt)
	fmt.Fprintf(&b, `<defs><pattern id="%s" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`+
		`<rect width="6" height="6" fill="%s"/><rect width="2.5" height="6" fill="%s"/></pattern></defs>`+"\n",
		hatch, sleepingBack, sleepingLine)
	fill := func(k logging.Kind) string {
		switch k {
		case logging.Running:
			return runningFill
		case logging.Sleeping:
			return "url(#" + hatch + ")"
		case logging.Blocked:
			return blockedFill
		}
		return waitingFill
	}
	// bar returns the y and height of a span's bar in a row at y.
	bar := func(k logging.Kind, y float64) (float64, float64) {
		if k == logging.Waiting {
			return y + rowHeight/2 - 3, 6
		}
		return y + (rowHeight-barHeight)/2, barHeight
	}

	if len(rows) == 0 {
		fmt.Fprintf(&b, `<text x="10" y="%d" fill="%s">no events</text>`+"\n", rowsY+14, inkColour)
		b.WriteString("</svg>\n")
		return b.String()
	}

	// Legend.
	b.WriteString(`<g class="legend">` + "\n")
	lx := 10.0
	ly := float64(legendY)
	for _, k := range kinds {
		if !present[k] {
			continue
		}
		y, hgt := bar(k, ly-4)
		extra := ""
		if k == logging.Waiting {
			extra = ` stroke="` + waitingLine + `" stroke-width="0.5"`
		}
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="18" height="%s" fill="%s"%s/>`, num(lx), num(y), num(hgt), fill(k), extra)
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="%s">%s</text>`+"\n", num(lx+23), num(ly+11), inkColour, k)
		lx += 23 + textPx(k.String(), fontSize) + 16
	}
	if logs {
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s" stroke="white"/>`, num(lx+5), num(ly+7), inkColour)
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="%s">log line</text>`+"\n", num(lx+13), num(ly+11), inkColour)
		lx += 13 + textPx("log line", fontSize) + 16
	}
	if ends {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>`, num(lx+3), num(ly-1), num(lx+3), num(ly+14), inkColour)
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="%s">finished</text>`+"\n", num(lx+10), num(ly+11), inkColour)
	}
	b.WriteString("</g>\n")

	// Stripes behind every other row, then the axis and its grid, then
	// the rows over them.
	for i := range rows {
		if i%2 == 0 {
			fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="%d" fill="%s"/>`+"\n", rowsY+i*rowHeight, svgWidth, rowHeight, stripeColour)
		}
	}
	axis(&b, x0, x1, float64(axisY), float64(rowsY), span, unit)

	at := func(d time.Duration) string {
		return formatAt(d, unit)
	}
	for i, r := range rows {
		y := float64(rowsY + i*rowHeight)
		name := r.Name
		if name == "" {
			name = "(no name)"
		}
		fmt.Fprintf(&b, `<g class="row">`+"\n")
		shown := name
		if textPx(shown, fontSize) > labelW-16 {
			shown = fitPx(shown, labelW-16, fontSize)
		}
		full := ""
		if shown != name {
			full = "<title>" + esc(name) + "</title>"
		}
		fmt.Fprintf(&b, `<text class="name" x="%s" y="%s" text-anchor="end" fill="%s">%s%s</text>`+"\n",
			num(labelW-8), num(y+rowHeight/2+4), inkColour, esc(shown), full)
		for _, s := range r.Spans {
			sx, ex := xOf(s.Start), xOf(s.End)
			w := max(ex-sx, 1)
			by, bh := bar(s.Kind, y)
			tip := name + ": " + s.Kind.String()
			if s.Message != "" {
				tip += " " + s.Message
			}
			tip += ", " + at(s.Start) + " to " + at(s.End)
			extra := ""
			if s.Kind == logging.Waiting {
				extra = ` stroke="` + waitingLine + `" stroke-width="0.5"`
			}
			fmt.Fprintf(&b, `<rect class="%s" x="%s" y="%s" width="%s" height="%s" fill="%s"%s><title>%s</title></rect>`+"\n",
				s.Kind, num(sx), num(by), num(w), num(bh), fill(s.Kind), extra, esc(tip))
			if (s.Kind == logging.Running || s.Kind == logging.Blocked) && s.Message != "" && textPx(s.Message, 10)+6 <= w {
				fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="10" fill="white" pointer-events="none">%s</text>`+"\n",
					num(sx+3), num(y+rowHeight/2+3.5), esc(s.Message))
			}
		}
		// Ends of the row.
		for _, m := range r.Marks {
			if m.Kind != logging.Finished {
				continue
			}
			x := xOf(m.At)
			tip := name + " finished at " + at(m.At)
			if m.Message != "" {
				tip += ": " + m.Message
				fmt.Fprintf(&b, `<path class="finished" d="M%s %sl8 8m0 -8l-8 8" stroke="%s" stroke-width="2.5" fill="none"><title>%s</title></path>`+"\n",
					num(x-4), num(y+rowHeight/2-4), blockedFill, esc(tip))
				continue
			}
			fmt.Fprintf(&b, `<line class="finished" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"><title>%s</title></line>`+"\n",
				num(x), num(y+2), num(x), num(y+rowHeight-2), inkColour, esc(tip))
		}
		// Log lines, those within a few pixels of each other as one dot.
		var group []Mark
		flush := func() {
			if len(group) == 0 {
				return
			}
			var lines []string
			for _, m := range group {
				lines = append(lines, at(m.At)+"  "+m.Message)
			}
			x := (xOf(group[0].At) + xOf(group[len(group)-1].At)) / 2
			fmt.Fprintf(&b, `<circle class="log" cx="%s" cy="%s" r="3" fill="%s" stroke="white"><title>%s</title></circle>`+"\n",
				num(x), num(y+rowHeight/2), inkColour, esc(name+"\n"+strings.Join(lines, "\n")))
			group = group[:0]
		}
		for _, m := range r.Marks {
			if m.Kind != logging.Log {
				continue
			}
			if len(group) > 0 && xOf(m.At)-xOf(group[0].At) > 4 {
				flush()
			}
			group = append(group, m)
		}
		flush()
		b.WriteString("</g>\n")
	}
	if more > 0 {
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="end" fill="%s">… and %d more</text>`+"\n",
			num(labelW-8), rowsY+len(rows)*rowHeight+rowHeight/2+4, inkColour, more)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// formatAt formats an offset in unit with a precision fit for tooltips.
func formatAt(d, unit time.Duration) string {
	v := float64(d) / float64(unit)
	decimals := 3
	if unit < time.Second {
		decimals = 1
	}
	return strconv.FormatFloat(v, 'f', decimals, 64) + " " + unitName(unit)
}
