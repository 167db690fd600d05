// Package thumbs is the lessons' thumbnails exercise: find every image in
// a tree of folders and make a thumbnail of each, one after the other and
// then with a pool of workers.
//
// Sample writes a tree of pictures to work on, so that the exercise needs
// no downloads; Find lists the images of a tree; Make makes the thumbnail
// of one image; MakeAll makes them one after the other; Sheet lays
// thumbnails out on one image, to show in a notebook:
//
//	paths, _ := thumbs.Sample("tree", 40, 1)
//	paths, _ = thumbs.Find("tree")
//	outs, _ := thumbs.MakeAll(paths, "thumbnails") // one after the other
//	sheet, _ := thumbs.Sheet(outs, 8)
//	display.Image(sheet)
//
// A thumbnail fits within Size by Size pixels and keeps the shape of its
// image, as Pillow's Image.thumbnail makes it: a 2000x1500 picture gives a
// 128x96 thumbnail, and a picture already that small is not enlarged. The
// thumbnail of tree/animals/cat.jpg is thumbnails/cat_thumbnail.jpg, in
// the image's format.
//
// Make takes and returns only strings, and MakeAll slices of strings;
// calls share no state, so that a pool of workers, or of processes, can
// call Make by name for each image, and thumbnails of different images
// never wait for each other.
//
// All the thumbnails go to one folder, so two images with the same name
// in different folders would have thumbnails of the same name. Make never
// replaces a thumbnail silently: when the file it would write exists and
// holds a different image, it fails with an error that wraps
// fs.ErrExist. Making a thumbnail again from the same image is not an
// error, so the exercise may be run again into the same folder. This needs
// no coordination between workers: on file systems with hard links, as
// the usual ones have, each thumbnail appears whole, at once, or not at
// all.
package thumbs

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/image/draw"

	"github.com/golessons/golessons/lessons/progress"
)

// Size is the side, in pixels, of the square that thumbnails fit within.
const Size = 128

// Suffix is added to an image's name, before its extension, to name its
// thumbnail: cat.jpg has the thumbnail cat_thumbnail.jpg.
const Suffix = "_thumbnail"

// Quality is the JPEG quality, from 1 to 100, of the thumbnails of JPEG
// images.
const Quality = 85

// formats maps the extensions of the images this package reads and
// writes, in lower case, to the names image.Decode gives their formats.
var formats = map[string]string{
	".jpg":  "jpeg",
	".jpeg": "jpeg",
	".png":  "png",
	".gif":  "gif",
}

// formatOf returns the format of the image at path, told by its extension
// in any case, or "" for an extension not an image's.
func formatOf(path string) string {
	return formats[strings.ToLower(filepath.Ext(path))]
}

// errNotImage is the error of a file whose extension is not an image's.
var errNotImage = errors.New("not an image: the extension is not .jpg, .jpeg, .png or .gif")

// IsImage reports whether path names an image by its extension, in any
// case: .jpg, .jpeg, .png or .gif.
func IsImage(path string) bool { return formatOf(path) != "" }

// Name returns the name of the thumbnail of the image at path: its base
// name with Suffix before the extension, which is kept as it is. Name
// ("tree/animals/cat.jpg") is "cat_thumbnail.jpg".
func Name(path string) string {
	base := filepath.Base(path)
	ext := filepath.Ext(base)
	return strings.TrimSuffix(base, ext) + Suffix + ext
}

// Find returns the paths of all the images in the tree of folders under
// root (root itself, its folders, their folders, and so on), sorted. An
// image is a file whose extension is .jpg, .jpeg, .png or .gif, in any
// case; other files are left out, as are files and folders whose names
// begin with a dot. Each path begins with root.
//
// A folder of thumbnails inside root is searched as well: keep the
// thumbnails elsewhere, or Find lists them too.
func Find(root string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && IsImage(path) {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == root {
			err = pe.Err // the error names root already
		}
		return nil, fmt.Errorf("find %s: %w", root, err)
	}
	slices.Sort(paths)
	return paths, nil
}

// Make makes the thumbnail of the image at path and writes it into the
// folder outDir, which it makes if it does not exist. It returns the path
// of the thumbnail, outDir joined with Name(path).
//
// The thumbnail fits within Size by Size pixels and keeps the shape of the
// image, as package thumbs describes. It has the image's format, which
// path's extension tells: a JPEG of quality Quality, a PNG, or a GIF with
// the image's colours; of an animated GIF, the first frame.
//
// If the thumbnail's file exists already, Make leaves it as it is: when it
// holds the same thumbnail, made before from the same image, Make returns
// its path; otherwise Make fails with an error that wraps fs.ErrExist.
//
// Make may be called from several goroutines or processes at once.
func Make(path, outDir string) (string, error) {
	out := filepath.Join(outDir, Name(path))
	data, err := encode(path)
	if err != nil {
		return "", fmt.Errorf("thumbnail %s: %w", path, err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", fmt.Errorf("thumbnail %s: %w", path, err)
	}
	if err := publish(out, data); err != nil {
		if errors.Is(err, errTaken) {
			return "", fmt.Errorf("thumbnail %s: %s holds the thumbnail of another image named %s: %w",
				path, out, filepath.Base(path), fs.ErrExist)
		}
		return "", fmt.Errorf("thumbnail %s: %w", path, err)
	}
	return out, nil
}

// MakeAll makes the thumbnails of the images at paths, one after the
// other and in order, into the folder outDir, as Make makes each one. It
// returns the paths of the thumbnails, the i-th for paths[i]. It stops at
// the first image whose thumbnail cannot be made and returns the paths of
// those made before it with the error.
//
// When the work takes longer than progress.After, a notebook shows a bar
// of the thumbnails made, "MakeAll", finished when MakeAll returns.
func MakeAll(paths []string, outDir string) ([]string, error) {
	bar := progress.Auto(len(paths), "MakeAll")
	outs := make([]string, 0, len(paths))
	for _, path := range paths {
		out, err := Make(path, outDir)
		if err != nil {
			bar.Fail(err)
			return outs, err
		}
		outs = append(outs, out)
		bar.Add(1)
	}
	bar.Done()
	return outs, nil
}

// Sheet returns a contact sheet of the images at paths: their thumbnails
// on a light grey ground, in rows of columns thumbnails, in order, each
// centred in a square of Size pixels. With columns less than 1, the sheet
// has as many columns as it has rows, or one more. Sheet reads the images
// one after the other and writes nothing; the paths are best those of
// thumbnails, which it reads fastest, but may be any images'.
//
// In a notebook, display.Image(sheet) shows the sheet.
func Sheet(paths []string, columns int) (*image.RGBA, error) {
	if len(paths) == 0 {
		return nil, errors.New("sheet: no images")
	}
	if columns < 1 {
		columns = int(math.Ceil(math.Sqrt(float64(len(paths)))))
	}
	columns = min(columns, len(paths))
	rows := (len(paths) + columns - 1) / columns
	const gap = 8 // between the squares and around them
	sheet := image.NewRGBA(image.Rect(0, 0, gap+columns*(Size+gap), gap+rows*(Size+gap)))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(color.RGBA{0xee, 0xee, 0xee, 0xff}), image.Point{}, draw.Src)
	for i, path := range paths {
		img, _, err := decode(path)
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", path, err)
		}
		t := shrink(img, Size)
		x := gap + i%columns*(Size+gap) + (Size-t.Rect.Dx())/2
		y := gap + i/columns*(Size+gap) + (Size-t.Rect.Dy())/2
		draw.Draw(sheet, t.Rect.Add(image.Pt(x, y)), t, image.Point{}, draw.Over)
	}
	return sheet, nil
}

// decode reads the image at path. Its errors do not repeat the path.
func decode(path string) (image.Image, string, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the caller names the file
		}
		return nil, "", err
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil {
		return nil, "", fmt.Errorf("not a JPEG, PNG or GIF image: %w", err)
	}
	return img, format, nil
}

// encode reads the image at path and returns its thumbnail, encoded in
// the format path's extension tells.
func encode(path string) ([]byte, error) {
	format := formatOf(path)
	if format == "" {
		return nil, errNotImage
	}
	img, _, err := decode(path)
	if err != nil {
		return nil, err
	}
	t := shrink(img, Size)
	var buf bytes.Buffer
	switch format {
	case "jpeg":
		err = jpeg.Encode(&buf, t, &jpeg.Options{Quality: Quality})
	case "png":
		err = png.Encode(&buf, t)
	case "gif":
		opts := &gif.Options{NumColors: 256}
		if p, ok := img.(*image.Paletted); ok && len(p.Palette) > 0 {
			opts.NumColors = len(p.Palette)
			opts.Quantizer = fixed(p.Palette)
		}
		err = gif.Encode(&buf, t, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// fixed is a draw.Quantizer that gives its own colours whatever the
// image: a GIF's thumbnail keeps the GIF's palette, and with it its
// transparent colour.
type fixed color.Palette

// Quantize appends the colours of q to p, as many as p has room for.
func (q fixed) Quantize(p color.Palette, _ image.Image) color.Palette {
	return append(p, q[:min(len(q), cap(p)-len(p))]...)
}

// Fit returns the width and height of the thumbnail of a w by h image: the
// largest that fit within size by size and keep the image's shape, to the
// nearest pixel and at least one pixel each. An image that fits already
// keeps its size: Fit(2000, 1500, 128) is 128, 96 and Fit(100, 50, 128)
// is 100, 50.
func Fit(w, h, size int) (int, int) {
	if w <= size && h <= size {
		return w, h
	}
	if w >= h {
		return size, max(1, (h*size+w/2)/w)
	}
	return max(1, (w*size+h/2)/h), size
}

// shrink returns img scaled down to fit within size by size pixels, or a
// copy of it if it fits already.
//
// It filters with Catmull-Rom, a cubic of the kind Pillow uses for its
// thumbnails: each pixel of the thumbnail weighs all the image's pixels
// under it, so fine detail is averaged rather than aliased. The cheaper
// draw.ApproxBiLinear samples only four pixels, however far apart the
// thumbnail's pixels fall on the image; BenchmarkScale compares them.
func shrink(img image.Image, size int) *image.RGBA {
	b := img.Bounds()
	w, h := Fit(b.Dx(), b.Dy(), size)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if p, ok := img.(*image.Paletted); ok {
		img = rgba(p) // draw's scalers have no fast path for palettes
	}
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
	} else {
		draw.CatmullRom.Scale(dst, dst.Rect, img, b, draw.Src, nil)
	}
	return dst
}

// rgba returns a copy of p as an RGBA image, looking each colour up once.
func rgba(p *image.Paletted) *image.RGBA {
	var table [256]color.RGBA
	for i, c := range p.Palette {
		table[i] = color.RGBAModel.Convert(c).(color.RGBA)
	}
	b := p.Rect
	dst := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := p.Pix[p.PixOffset(b.Min.X, y):][:b.Dx()]
		row := dst.Pix[dst.PixOffset(b.Min.X, y):][:4*b.Dx()]
		for x, i := range src {
			c := table[i] // an index past the palette reads as transparent black
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = c.R, c.G, c.B, c.A
		}
	}
	return dst
}

// errTaken is the error of publish when the file exists and holds other
// data.
var errTaken = errors.New("taken")

// publish writes data to the file out unless out exists. If it exists and
// holds data, publish does nothing; if it holds anything else, publish
// fails with errTaken.
//
// The data is written to a hidden file in out's folder, then linked to
// out: the link is made whole or not at all, and fails if out exists, so
// that workers making the same thumbnail at once neither replace each
// other's nor read one half written. Where the file system has no links,
// out is created only if it does not exist, and written in place.
func publish(out string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	err = os.Link(tmp.Name(), out)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		err = create(out, data)
	}
	if errors.Is(err, fs.ErrExist) {
		old, rerr := os.ReadFile(out)
		if rerr == nil && bytes.Equal(old, data) {
			return nil
		}
		return errTaken
	}
	return err
}

// create writes data to the new file out, failing if out exists.
func create(out string, data []byte) error {
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
