package thumbs_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/draw"

	"github.com/golessons/golessons/lessons/thumbs"
)

// The tests share one tree of sample pictures, made once: its root, and
// the paths Sample returned.
var (
	tree    string
	samples []string
)

// numSamples is the number of shared samples: one round of the formats.
const numSamples = 10

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "thumbs-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tree = filepath.Join(dir, "tree")
	samples, err = thumbs.Sample(tree, numSamples, 1)
	code := 1
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// decodeFile decodes the image at path, failing the test if it cannot.
func decodeFile(t testing.TB, path string) (image.Image, string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img, format
}

// formatOf is the format an image's extension promises.
func formatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jpg", ".jpeg":
		return "jpeg"
	case ".png":
		return "png"
	case ".gif":
		return "gif"
	}
	return ""
}

func TestSample(t *testing.T) {
	if len(samples) != numSamples {
		t.Fatalf("Sample made %d pictures, want %d", len(samples), numSamples)
	}
	if !slices.IsSorted(samples) {
		t.Errorf("Sample's paths are not sorted: %q", samples)
	}
	folders := make(map[string]bool)
	names := make(map[string]bool)
	formats := make(map[string]int)
	nested := false
	for _, path := range samples {
		rel, err := filepath.Rel(tree, path)
		if err != nil || strings.HasPrefix(rel, "..") {
			t.Errorf("%s is not under %s", path, tree)
			continue
		}
		folders[filepath.Dir(rel)] = true
		nested = nested || strings.Count(filepath.ToSlash(rel), "/") >= 2
		name := strings.ToLower(filepath.Base(path))
		if names[name] {
			t.Errorf("two samples are named %s", name)
		}
		names[name] = true

		img, format := decodeFile(t, path)
		if want := formatOf(path); format != want {
			t.Errorf("%s is a %s image, want %s", path, format, want)
		}
		formats[format]++
		b := img.Bounds()
		if long := max(b.Dx(), b.Dy()); long < thumbs.MinSide || long > thumbs.MaxSide {
			t.Errorf("%s is %dx%d, want the longer side from %d to %d", path, b.Dx(), b.Dy(), thumbs.MinSide, thumbs.MaxSide)
		}
		if min(b.Dx(), b.Dy()) < max(b.Dx(), b.Dy())/2 {
			t.Errorf("%s is %dx%d, too narrow", path, b.Dx(), b.Dy())
		}
		if n := colours(img); n < 30 {
			t.Errorf("%s has %d colours, want a picture", path, n)
		}
	}
	if len(folders) < 3 || !nested {
		t.Errorf("samples in folders %v, want several, nested", folders)
	}
	if formats["jpeg"] == 0 || formats["png"] == 0 || formats["gif"] == 0 {
		t.Errorf("samples of formats %v, want JPEG, PNG and GIF", formats)
	}
}

// colours returns the number of different colours of img, up to 1000.
func colours(img image.Image) int {
	seen := make(map[color.RGBA]bool)
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y && len(seen) < 1000; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			seen[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = true
		}
	}
	return len(seen)
}

func TestSampleDeterministic(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	seeds := []int64{7, 7, 8}
	var runs [3][]string
	for i := range runs {
		paths, err := thumbs.Sample(dirs[i], 3, seeds[i])
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			rel, _ := filepath.Rel(dirs[i], p)
			runs[i] = append(runs[i], rel)
		}
	}
	if !slices.Equal(runs[0], runs[1]) {
		t.Fatalf("same seed, different paths: %q and %q", runs[0], runs[1])
	}
	for _, rel := range runs[0] {
		a, _ := os.ReadFile(filepath.Join(dirs[0], rel))
		b, _ := os.ReadFile(filepath.Join(dirs[1], rel))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("same seed, different pictures %s", rel)
		}
	}
	if slices.Equal(runs[0], runs[2]) {
		t.Errorf("seeds 7 and 8 give the same paths %q", runs[0])
	}
}

func TestSampleNone(t *testing.T) {
	for _, n := range []int{0, -1} {
		paths, err := thumbs.Sample(t.TempDir(), n, 1)
		if err != nil || len(paths) != 0 {
			t.Errorf("Sample(dir, %d, 1) = %q, %v; want no paths, no error", n, paths, err)
		}
	}
}

func TestSampleError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := thumbs.Sample(file, 2, 1) // a file cannot hold folders
	if err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("Sample into a file: error %v, want one naming %s", err, file)
	}
}

// write writes data to path, making its folder.
func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFind(t *testing.T) {
	got, err := thumbs.Find(tree)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, samples) {
		t.Errorf("Find(%s) = %q,\nwant Sample's %q", tree, got, samples)
	}

	root := t.TempDir()
	pic, _ := os.ReadFile(samples[0])
	for _, name := range []string{
		"a.jpg", "B.JPEG", "c.Png", "d.gif", "sub/e.jpeg", "sub/deeper/f.png",
		"notes.txt", "image", "g.jpg.bak", "h.bmp", "sub/i.webp", "jpg",
		".hidden.jpg", ".cache/j.png", "sub/.ipynb_checkpoints/k.jpg",
	} {
		write(t, filepath.Join(root, filepath.FromSlash(name)), pic)
	}
	if err := os.Mkdir(filepath.Join(root, "folder.jpg"), 0o755); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, name := range []string{"B.JPEG", "a.jpg", "c.Png", "d.gif", "sub/deeper/f.png", "sub/e.jpeg"} {
		want = append(want, filepath.Join(root, filepath.FromSlash(name)))
	}
	got, err = thumbs.Find(root)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Find = %q,\nwant %q", got, want)
	}

	empty := t.TempDir()
	if got, err := thumbs.Find(empty); err != nil || len(got) != 0 {
		t.Errorf("Find(empty folder) = %q, %v; want nothing", got, err)
	}
	missing := filepath.Join(root, "missing")
	if _, err := thumbs.Find(missing); err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("Find(missing folder): error %v, want one naming it that wraps fs.ErrNotExist", err)
	}
}

func TestIsImage(t *testing.T) {
	for _, tt := range []struct {
		path string
		want bool
	}{
		{"a.jpg", true},
		{"dir/a.JPG", true},
		{"a.jpeg", true},
		{"a.png", true},
		{"a.gif", true},
		{"a.GiF", true},
		{"a.txt", false},
		{"a.jpg.txt", false},
		{"jpg", false},
		{"a.webp", false},
		{"", false},
	} {
		if got := thumbs.IsImage(tt.path); got != tt.want {
			t.Errorf("IsImage(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestName(t *testing.T) {
	for _, tt := range []struct{ path, want string }{
		{"imagen.jpg", "imagen_thumbnail.jpg"},
		{"tree/animals/cat.png", "cat_thumbnail.png"},
		{"/abs/Photo.JPEG", "Photo_thumbnail.JPEG"},
		{"a.b.gif", "a.b_thumbnail.gif"},
		{"noext", "noext_thumbnail"},
		{filepath.Join("x", "y", "z.jpg"), "z_thumbnail.jpg"},
	} {
		if got := thumbs.Name(tt.path); got != tt.want {
			t.Errorf("Name(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestFit(t *testing.T) {
	for _, tt := range []struct{ w, h, size, wantW, wantH int }{
		{2000, 1500, 128, 128, 96},
		{1500, 2000, 128, 96, 128},
		{1920, 1080, 128, 128, 72},
		{1000, 1000, 128, 128, 128},
		{1000, 999, 128, 128, 128}, // 127.87 rounds to 128
		{1000, 995, 128, 128, 127},
		{129, 128, 128, 128, 127},
		{128, 128, 128, 128, 128},
		{100, 50, 128, 100, 50}, // not enlarged
		{1, 1, 128, 1, 1},
		{5000, 10, 128, 128, 1}, // never less than a pixel
		{10, 5000, 128, 1, 128},
		{601, 1999, 128, 38, 128},
	} {
		w, h := thumbs.Fit(tt.w, tt.h, tt.size)
		if w != tt.wantW || h != tt.wantH {
			t.Errorf("Fit(%d, %d, %d) = %d, %d; want %d, %d", tt.w, tt.h, tt.size, w, h, tt.wantW, tt.wantH)
		}
	}
}

// checkThumbnail checks that the thumbnail at out is that of the image at
// path: named for it, of its format, and of its shape within Size.
func checkThumbnail(t *testing.T, path, outDir, out string) {
	t.Helper()
	if want := filepath.Join(outDir, thumbs.Name(path)); out != want {
		t.Errorf("thumbnail of %s is %s, want %s", path, out, want)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	src, _, err := image.DecodeConfig(f)
	f.Close()
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	img, format := decodeFile(t, out)
	if want := formatOf(path); format != want {
		t.Errorf("thumbnail %s is a %s image, want %s", out, format, want)
	}
	sw, sh := src.Width, src.Height
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w > thumbs.Size || h > thumbs.Size {
		t.Errorf("thumbnail of %dx%d %s is %dx%d, larger than %d", sw, sh, path, w, h, thumbs.Size)
	}
	k := min(1, float64(thumbs.Size)/float64(max(sw, sh))) // Pillow's scale
	if math.Abs(float64(w)-k*float64(sw)) > 1 || math.Abs(float64(h)-k*float64(sh)) > 1 {
		t.Errorf("thumbnail of %dx%d %s is %dx%d, want %.1fx%.1f within a pixel", sw, sh, path, w, h, k*float64(sw), k*float64(sh))
	}
}

func TestMake(t *testing.T) {
	outDir := filepath.Join(t.TempDir(), "thumbnails", "made") // Make makes it
	t.Run("each", func(t *testing.T) {
		for _, path := range samples {
			t.Run(filepath.Base(path), func(t *testing.T) {
				t.Parallel()
				out, err := thumbs.Make(path, outDir)
				if err != nil {
					t.Fatal(err)
				}
				checkThumbnail(t, path, outDir, out)
			})
		}
	})
	entries, err := os.ReadDir(outDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(samples) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s holds %q, want only the %d thumbnails", outDir, names, len(samples))
	}
}

// writePNG writes img to path as a PNG.
func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	write(t, path, buf.Bytes())
}

// uniform returns a w by h image of colour c.
func uniform(w, h int, c color.Color) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.NewUniform(c), image.Point{}, draw.Src)
	return img
}

func TestMakeShapes(t *testing.T) {
	dir := t.TempDir()
	outDir := filepath.Join(dir, "out")
	for _, tt := range []struct{ w, h int }{
		{100, 50}, {128, 128}, {129, 10}, {3000, 2}, {2, 3000}, {1, 1}, {640, 480},
	} {
		path := filepath.Join(dir, fmt.Sprintf("%dx%d.png", tt.w, tt.h))
		writePNG(t, path, uniform(tt.w, tt.h, color.NRGBA{200, 30, 40, 255}))
		out, err := thumbs.Make(path, outDir)
		if err != nil {
			t.Fatal(err)
		}
		checkThumbnail(t, path, outDir, out)
	}
}

func TestMakeTransparent(t *testing.T) {
	dir := t.TempDir()
	half := image.NewNRGBA(image.Rect(0, 0, 400, 200)) // left half transparent
	draw.Draw(half, image.Rect(200, 0, 400, 200), image.NewUniform(color.NRGBA{0, 0, 255, 255}), image.Point{}, draw.Src)
	path := filepath.Join(dir, "half.png")
	writePNG(t, path, half)
	out, err := thumbs.Make(path, dir)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := decodeFile(t, out)
	if _, _, _, a := img.At(10, 30).RGBA(); a != 0 {
		t.Errorf("PNG thumbnail: alpha %d at the left, want transparent", a)
	}
	if r, g, b, a := img.At(118, 30).RGBA(); r != 0 || g != 0 || b != 0xffff || a != 0xffff {
		t.Errorf("PNG thumbnail: colour %d %d %d %d at the right, want opaque blue", r, g, b, a)
	}

	// A GIF's thumbnail keeps its palette, transparent colour included.
	pal := color.Palette{color.RGBA{}, color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}}
	src := image.NewPaletted(image.Rect(0, 0, 300, 300), pal)
	for i := range src.Pix {
		src.Pix[i] = uint8(i % 300 / 100) // stripes: transparent, red, green
	}
	var buf bytes.Buffer
	if err := gif.Encode(&buf, src, nil); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "stripes.gif")
	write(t, path, buf.Bytes())
	out, err = thumbs.Make(path, dir)
	if err != nil {
		t.Fatal(err)
	}
	thumb, _ := decodeFile(t, out)
	p, ok := thumb.(*image.Paletted)
	if !ok {
		t.Fatalf("GIF thumbnail is a %T", thumb)
	}
	for i, c := range pal {
		if i >= len(p.Palette) || !sameColour(p.Palette[i], c) {
			t.Fatalf("GIF thumbnail has palette %v, want %v", p.Palette, pal)
		}
	}
	for x, want := range map[int]uint8{10: 0, 64: 1, 118: 2} {
		if got := p.ColorIndexAt(x, 64); got != want {
			t.Errorf("GIF thumbnail: colour %d at x = %d, want %d", got, x, want)
		}
	}
}

// near reports whether a and b differ by at most 2 in each 8-bit component.
func near(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	for _, d := range []int{int(r1) - int(r2), int(g1) - int(g2), int(b1) - int(b2), int(a1) - int(a2)} {
		if d < -2*257 || d > 2*257 {
			return false
		}
	}
	return true
}

// sameColour reports whether a and b are the same colour.
func sameColour(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

func TestMakeErrors(t *testing.T) {
	dir := t.TempDir()
	outDir := filepath.Join(dir, "out")
	text := filepath.Join(dir, "notes.txt")
	fake := filepath.Join(dir, "fake.jpg")
	truncated := filepath.Join(dir, "truncated.png")
	write(t, text, []byte("not a picture\n"))
	write(t, fake, []byte("not a picture either\n"))
	pic, _ := os.ReadFile(samples[slices.IndexFunc(samples, func(p string) bool { return formatOf(p) == "png" })])
	write(t, truncated, pic[:len(pic)/2])
	file := filepath.Join(dir, "file")
	write(t, file, nil)

	for _, tt := range []struct {
		name, path, outDir string
		is                 error  // what the error wraps, if not nil
		says               string // what else the error says
	}{
		{"missing file", filepath.Join(dir, "missing.jpg"), outDir, fs.ErrNotExist, "no such file"},
		{"missing folder", filepath.Join(dir, "nowhere", "x.png"), outDir, fs.ErrNotExist, ""},
		{"not an image's extension", text, outDir, nil, "not an image"},
		{"not an image", fake, outDir, nil, "not a JPEG, PNG or GIF image"},
		{"truncated image", truncated, outDir, nil, "not a JPEG, PNG or GIF image"},
		{"a folder", tree, outDir, nil, "not an image"},
		{"output folder a file", samples[0], filepath.Join(file, "out"), nil, file},
	} {
		out, err := thumbs.Make(tt.path, tt.outDir)
		if err == nil {
			t.Errorf("%s: Make(%s) = %s, want an error", tt.name, tt.path, out)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "thumbnail "+tt.path+": ") || !strings.Contains(msg, tt.says) {
			t.Errorf("%s: error %q, want one naming %s that says %q", tt.name, msg, tt.path, tt.says)
		}
		if strings.Count(msg, tt.path) != 1 {
			t.Errorf("%s: error %q names %s more than once", tt.name, msg, tt.path)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: error %q does not wrap %v", tt.name, msg, tt.is)
		}
		if out != "" {
			t.Errorf("%s: Make returned %q with its error", tt.name, out)
		}
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("failed Makes left %d files in %s", len(entries), outDir)
	}
}

// twins writes two different pictures with the same name, cat.png, in two
// folders under dir, and returns their paths.
func twins(t *testing.T, dir string) (string, string) {
	t.Helper()
	a := filepath.Join(dir, "animals", "cat.png")
	b := filepath.Join(dir, "toys", "cat.png")
	writePNG(t, a, uniform(300, 200, color.NRGBA{255, 128, 0, 255}))
	writePNG(t, b, uniform(300, 200, color.NRGBA{0, 0, 0, 255}))
	return a, b
}

func TestMakeSameName(t *testing.T) {
	dir := t.TempDir()
	a, b := twins(t, dir)
	outDir := filepath.Join(dir, "out")
	out, err := thumbs.Make(a, outDir)
	if err != nil {
		t.Fatal(err)
	}
	made, _ := os.ReadFile(out)

	// Again, from the same picture: the same thumbnail, no error.
	if again, err := thumbs.Make(a, outDir); err != nil || again != out {
		t.Errorf("Make(%s) again = %s, %v; want %s, no error", a, again, err, out)
	}

	// From the other picture of the same name: an error, and the first
	// thumbnail kept.
	_, err = thumbs.Make(b, outDir)
	if err == nil || !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Make(%s) over %s's thumbnail: error %v, want one wrapping fs.ErrExist", b, a, err)
	}
	for _, s := range []string{b, out, "cat.png"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %s", err, s)
		}
	}
	if kept, _ := os.ReadFile(out); !bytes.Equal(kept, made) {
		t.Errorf("Make(%s) changed %s", b, out)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 1 {
		t.Errorf("%s holds %d files, want the one thumbnail", outDir, len(entries))
	}
}

// TestMakeAtOnce makes thumbnails from many goroutines at once, as a pool
// of workers does: of the same picture, all succeed; of two pictures of
// the same name, the first to finish wins and the others fail.
func TestMakeAtOnce(t *testing.T) {
	dir := t.TempDir()
	a, b := twins(t, dir)
	for _, tt := range []struct {
		name    string
		paths   []string
		wantOK  int
		wantErr int
	}{
		{"same picture", slices.Repeat([]string{a}, 16), 16, 0},
		{"same name", slices.Repeat([]string{a, b}, 8), -1, -1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			outDir := filepath.Join(t.TempDir(), "out")
			errs := make([]error, len(tt.paths))
			outs := make([]string, len(tt.paths))
			var wg sync.WaitGroup
			for i, path := range tt.paths {
				wg.Go(func() { outs[i], errs[i] = thumbs.Make(path, outDir) })
			}
			wg.Wait()
			ok := map[string]int{}
			for i, err := range errs {
				switch {
				case err == nil:
					ok[tt.paths[i]]++
				case !errors.Is(err, fs.ErrExist):
					t.Errorf("Make(%s): %v", tt.paths[i], err)
				}
			}
			if len(ok) != 1 {
				t.Errorf("Make succeeded for %v, want for one picture only", ok)
			}
			if tt.wantOK >= 0 && ok[a] != tt.wantOK {
				t.Errorf("%d of %d Makes succeeded, want %d", ok[a], len(tt.paths), tt.wantOK)
			}
			entries, err := os.ReadDir(outDir)
			if err != nil || len(entries) != 1 || entries[0].Name() != "cat_thumbnail.png" {
				t.Fatalf("%s holds %v (%v), want cat_thumbnail.png only", outDir, entries, err)
			}
			// The thumbnail is whole: that of a winner.
			var winner string
			for p := range ok {
				winner = p
			}
			img, _ := decodeFile(t, filepath.Join(outDir, "cat_thumbnail.png"))
			src, _ := decodeFile(t, winner)
			if !sameColour(img.At(5, 5), src.At(5, 5)) {
				t.Errorf("the thumbnail is not that of %s", winner)
			}
		})
	}
}

// made returns the thumbnails of the samples, made by MakeAll once for
// all the tests, and the folder they are in.
var made = sync.OnceValues(func() ([]string, error) {
	return thumbs.MakeAll(samples, filepath.Join(filepath.Dir(tree), "thumbnails"))
})

func TestMakeAll(t *testing.T) {
	outs, err := made()
	if err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(filepath.Dir(tree), "thumbnails")
	if len(outs) != len(samples) {
		t.Fatalf("MakeAll made %d thumbnails of %d pictures", len(outs), len(samples))
	}
	for i, path := range samples {
		checkThumbnail(t, path, outDir, outs[i])
	}

	// It stops at the first error, with the thumbnails made before it.
	small := filepath.Join(t.TempDir(), "small.png")
	writePNG(t, small, uniform(200, 100, color.NRGBA{0, 90, 0, 255}))
	missing := filepath.Join(t.TempDir(), "missing.jpg")
	paths := []string{small, samples[0], missing, samples[1]}
	outDir = filepath.Join(t.TempDir(), "out")
	outs, err = thumbs.MakeAll(paths, outDir)
	if err == nil || !strings.Contains(err.Error(), missing) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("MakeAll with a missing picture: error %v, want one naming %s", err, missing)
	}
	if len(outs) != 2 || outs[0] != filepath.Join(outDir, "small_thumbnail.png") || outs[1] != filepath.Join(outDir, thumbs.Name(samples[0])) {
		t.Errorf("MakeAll with the third picture missing returned %q, want the first two thumbnails", outs)
	}
	if _, err := os.Stat(filepath.Join(outDir, thumbs.Name(samples[1]))); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("MakeAll went on after an error: %v", err)
	}

	if outs, err := thumbs.MakeAll(nil, outDir); err != nil || len(outs) != 0 {
		t.Errorf("MakeAll(nil) = %q, %v; want nothing", outs, err)
	}
}

func TestSheet(t *testing.T) {
	outs, err := made()
	if err != nil {
		t.Fatal(err)
	}
	const cell = thumbs.Size + 8
	for _, tt := range []struct {
		n, columns, wantCols, wantRows int
	}{
		{10, 4, 4, 3},
		{10, 5, 5, 2},
		{10, 10, 10, 1},
		{10, 20, 10, 1}, // no empty columns
		{10, 1, 1, 10},
		{10, 0, 4, 3}, // about square
		{9, -1, 3, 3},
		{2, 0, 2, 1},
		{1, 3, 1, 1},
	} {
		sheet, err := thumbs.Sheet(outs[:tt.n], tt.columns)
		if err != nil {
			t.Fatal(err)
		}
		want := image.Rect(0, 0, 8+tt.wantCols*cell, 8+tt.wantRows*cell)
		if sheet.Bounds() != want {
			t.Errorf("Sheet of %d in %d columns is %v, want %v", tt.n, tt.columns, sheet.Bounds(), want)
		}
	}

	// Each thumbnail is centred in its square.
	sheet, err := thumbs.Sheet(outs[:3], 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, out := range outs[:3] {
		img, _ := decodeFile(t, out)
		b := img.Bounds()
		x0, y0 := 8+i*cell+(thumbs.Size-b.Dx())/2, 8+(thumbs.Size-b.Dy())/2
		for _, p := range []image.Point{{0, 0}, {b.Dx() / 2, b.Dy() / 2}, {b.Dx() - 1, b.Dy() - 1}} {
			got, want := sheet.At(x0+p.X, y0+p.Y), img.At(b.Min.X+p.X, b.Min.Y+p.Y)
			if !near(got, want) {
				t.Errorf("sheet square %d at %v: %v, want the thumbnail's %v", i, p, got, want)
			}
		}
		if got := sheet.At(x0-1, y0-1); !sameColour(got, color.RGBA{0xee, 0xee, 0xee, 0xff}) {
			t.Errorf("sheet square %d: %v outside the thumbnail, want the ground", i, got)
		}
	}

	// Pictures of any size: a sheet of thumbnails made on the way.
	if sheet, err := thumbs.Sheet(samples[:2], 2); err != nil || sheet.Bounds().Dx() != 8+2*cell {
		t.Errorf("Sheet of pictures: %v, %v", sheet.Bounds(), err)
	}

	if _, err := thumbs.Sheet(nil, 3); err == nil {
		t.Errorf("Sheet of nothing: no error")
	}
	missing := filepath.Join(t.TempDir(), "missing.png")
	if _, err := thumbs.Sheet([]string{outs[0], missing}, 2); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Sheet with a missing picture: error %v, want one naming %s", err, missing)
	}
}

// BenchmarkMake makes the thumbnail of one of the samples at each
// iteration, going round all of them: a mix of sizes and formats like
// that of the lessons' tree.
func BenchmarkMake(b *testing.B) {
	outDir := b.TempDir()
	i := 0
	for b.Loop() {
		path := samples[i%len(samples)]
		out, err := thumbs.Make(path, outDir)
		if err != nil {
			b.Fatal(err)
		}
		os.Remove(out) // so that the next round writes it again
		i++
	}
}

// BenchmarkScale compares the interpolators of golang.org/x/image/draw at
// shrinking the largest JPEG sample, decoded, to its thumbnail's size. Each
// reports, as dB, how close its thumbnail is to one whose every pixel is
// the exact mean of the pixels under it (the higher, the closer): the
// interpolators that sample a few pixels only, however many are under a
// pixel of the thumbnail, keep some of the picture's grain, which
// averaging removes.
func BenchmarkScale(b *testing.B) {
	var src image.Image
	for _, path := range samples {
		img, format := decodeFile(b, path)
		if format == "jpeg" && (src == nil || img.Bounds().Dx()*img.Bounds().Dy() > src.Bounds().Dx()*src.Bounds().Dy()) {
			src = img
		}
	}
	sb := src.Bounds()
	w, h := thumbs.Fit(sb.Dx(), sb.Dy(), thumbs.Size)
	ref := boxMean(src, w, h)
	for _, tt := range []struct {
		name string
		in   draw.Interpolator
	}{
		{"NearestNeighbor", draw.NearestNeighbor},
		{"ApproxBiLinear", draw.ApproxBiLinear},
		{"BiLinear", draw.BiLinear},
		{"CatmullRom", draw.CatmullRom},
	} {
		b.Run(fmt.Sprintf("%s/%dx%d", tt.name, sb.Dx(), sb.Dy()), func(b *testing.B) {
			dst := image.NewRGBA(image.Rect(0, 0, w, h))
			for b.Loop() {
				tt.in.Scale(dst, dst.Rect, src, sb, draw.Src, nil)
			}
			b.ReportMetric(psnr(dst, ref), "dB")
		})
	}
}

// boxMean returns src shrunk to w by h, each pixel the mean of the part of
// src under it, pixels cut by its edges weighed by the part of them under
// it.
func boxMean(src image.Image, w, h int) *image.RGBA {
	sb := src.Bounds()
	// weights returns, for each of n pixels over m, the source pixels under
	// it and how much of each.
	type share struct {
		i int
		w float64
	}
	weights := func(n, m int) [][]share {
		out := make([][]share, n)
		k := float64(m) / float64(n)
		for d := range out {
			lo, hi := float64(d)*k, float64(d+1)*k
			for s := int(lo); s < m && float64(s) < hi; s++ {
				out[d] = append(out[d], share{s, (math.Min(hi, float64(s+1)) - math.Max(lo, float64(s))) / k})
			}
		}
		return out
	}
	xs, ys := weights(w, sb.Dx()), weights(h, sb.Dy())
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y, wy := range ys {
		for x, wx := range xs {
			var sum [4]float64
			for _, sy := range wy {
				for _, sx := range wx {
					r, g, b, a := src.At(sb.Min.X+sx.i, sb.Min.Y+sy.i).RGBA()
					k := sx.w * sy.w
					sum[0] += k * float64(r)
					sum[1] += k * float64(g)
					sum[2] += k * float64(b)
					sum[3] += k * float64(a)
				}
			}
			dst.SetRGBA(x, y, color.RGBA{uint8(sum[0]/257 + 0.5), uint8(sum[1]/257 + 0.5), uint8(sum[2]/257 + 0.5), uint8(sum[3]/257 + 0.5)})
		}
	}
	return dst
}

// psnr returns the peak signal-to-noise ratio, in dB, of a against b, two
// RGBA images of the same size.
func psnr(a, b *image.RGBA) float64 {
	var sum float64
	n := 0
	for i := range a.Pix {
		if i%4 == 3 {
			continue // opaque
		}
		d := float64(a.Pix[i]) - float64(b.Pix[i])
		sum += d * d
		n++
	}
	if sum == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(sum/float64(n)))
}
