// Package display shows rich output in a notebook: HTML, Markdown, images,
// JSON, LaTeX and text, each as a Jupyter display_data message, with display
// ids that later output can update in place.
//
// A value of type Bundle, or of any type with a MIMEBundle method, is shown
// richly when it is the last expression of a cell:
//
//	display.HTML("<b>bold</b>")
//
// Show displays values in the middle of a cell, and New returns a Handle
// whose output can be replaced later, for progress that updates in place.
//
// Outside a notebook (in a compiled program or a test) output falls back to
// the plain-text form of each value on standard output.
package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"sync"
	"sync/atomic"
)

// Bundle maps MIME types to data, for example "text/html" to a string or
// "image/png" to base64-encoded bytes. A Bundle shows itself richly.
type Bundle map[string]any

// MIMEBundle returns b itself, so that a Bundle is a MIMEBundler.
func (b Bundle) MIMEBundle() map[string]any { return b }

// MIMEBundler is implemented by values that know how to show themselves in
// a notebook. A cell's last expression whose type has this method is shown
// with the bundle it returns; it should include "text/plain" for front ends
// that show only text.
type MIMEBundler interface {
	MIMEBundle() map[string]any
}

// HTML returns a bundle showing html.
func HTML(html string) Bundle {
	return Bundle{"text/html": html, "text/plain": "HTML"}
}

// Markdown returns a bundle showing Markdown text.
func Markdown(md string) Bundle {
	return Bundle{"text/markdown": md, "text/plain": md}
}

// Text returns a bundle showing plain text.
func Text(s string) Bundle { return Bundle{"text/plain": s} }

// Latex returns a bundle showing a LaTeX formula, such as `$x^2$`.
func Latex(tex string) Bundle {
	return Bundle{"text/latex": tex, "text/plain": tex}
}

// SVG returns a bundle showing an SVG document.
func SVG(svg string) Bundle {
	return Bundle{"image/svg+xml": svg, "text/plain": "SVG image"}
}

// PNG returns a bundle showing PNG-encoded bytes.
func PNG(data []byte) Bundle {
	return Bundle{"image/png": base64.StdEncoding.EncodeToString(data), "text/plain": "PNG image"}
}

// JPEG returns a bundle showing JPEG-encoded bytes.
func JPEG(data []byte) Bundle {
	return Bundle{"image/jpeg": base64.StdEncoding.EncodeToString(data), "text/plain": "JPEG image"}
}

// Image returns a bundle showing img, encoded as PNG.
func Image(img image.Image) Bundle {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Text(fmt.Sprintf("image: %v", err))
	}
	b := PNG(buf.Bytes())
	r := img.Bounds()
	b["text/plain"] = fmt.Sprintf("%dx%d image", r.Dx(), r.Dy())
	return b
}

// ImageJPEG returns a bundle showing img, encoded as JPEG at the given
// quality (1 to 100).
func ImageJPEG(img image.Image, quality int) Bundle {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return Text(fmt.Sprintf("image: %v", err))
	}
	return JPEG(buf.Bytes())
}

// JSON returns a bundle showing v as a JSON tree. v must be marshallable
// with encoding/json.
func JSON(v any) Bundle {
	data, err := json.Marshal(v)
	if err != nil {
		return Text(fmt.Sprintf("json: %v", err))
	}
	var tree any
	_ = json.Unmarshal(data, &tree)
	indented, _ := json.MarshalIndent(v, "", "  ")
	return Bundle{"application/json": tree, "text/plain": string(indented)}
}

// Publisher delivers display messages to a notebook. The kernel installs
// one with SetPublisher; programs outside a notebook have none.
type Publisher interface {
	// Display shows data with the given metadata. A non-empty id names
	// the output so that a later call with update set replaces it.
	Display(data, metadata map[string]any, id string, update bool) error
	// Clear clears the cell's output; with wait, only when new output
	// arrives.
	Clear(wait bool) error
}

var (
	pubMu sync.RWMutex
	pub   Publisher
)

// SetPublisher makes p receive all display output of this process.
func SetPublisher(p Publisher) {
	pubMu.Lock()
	pub = p
	pubMu.Unlock()
}

// InNotebook reports whether a notebook receives this process's display
// output: whether a publisher is installed. Without one, displays print
// their plain text on standard output.
func InNotebook() bool { return publisher() != nil }

// UpdatesInPlace reports whether the front end of the running cell replaces
// an output in place when its Handle is updated. JupyterLab and the
// classic notebook do; jupyter console prints each display once, as text,
// and ignores updates. A Publisher tells by having a method
// UpdatesInPlace() bool; one without it is taken to update in place.
// Outside a notebook UpdatesInPlace reports false.
func UpdatesInPlace() bool {
	switch p := publisher().(type) {
	case nil:
		return false
	case interface{ UpdatesInPlace() bool }:
		return p.UpdatesInPlace()
	}
	return true
}

func publisher() Publisher {
	pubMu.RLock()
	defer pubMu.RUnlock()
	return pub
}

// BundleOf returns the bundle that shows v: v's own bundle if it is a
// MIMEBundler, its text otherwise.
func BundleOf(v any) map[string]any {
	if b, ok := v.(MIMEBundler); ok {
		data := b.MIMEBundle()
		if _, ok := data["text/plain"]; !ok {
			data["text/plain"] = fmt.Sprint(v)
		}
		return data
	}
	return Bundle{"text/plain": fmt.Sprint(v)}
}

func send(v any, id string, update bool) {
	data := BundleOf(v)
	if p := publisher(); p != nil {
		if err := p.Display(data, map[string]any{}, id, update); err == nil {
			return
		}
	}
	fmt.Fprintln(os.Stdout, data["text/plain"])
}

// Show displays each value: bundles and MIMEBundlers richly, anything else
// as text.
func Show(values ...any) {
	for _, v := range values {
		send(v, "", false)
	}
}

// Clear clears the output of the running cell. With wait, the output is
// cleared only when new output arrives, which avoids flicker in loops that
// redraw.
func Clear(wait bool) {
	if p := publisher(); p != nil {
		_ = p.Clear(wait)
	}
}

var handles atomic.Int64

// Handle is a displayed output that can be replaced in place.
type Handle struct{ id string }

// New displays v and returns a Handle to update it.
func New(v any) *Handle {
	h := &Handle{id: fmt.Sprintf("golessons-%d-%d", os.Getpid(), handles.Add(1))}
	send(v, h.id, false)
	return h
}

// ID returns the display id of the output.
func (h *Handle) ID() string { return h.id }

// Update replaces the output with v, wherever it is shown.
func (h *Handle) Update(v any) { send(v, h.id, true) }
