package thumbs

import (
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/golessons/golessons/lessons/progress"
)

// The sizes of Sample's pictures: their longer side is from MinSide to
// MaxSide pixels.
const (
	MinSide = 600  // MinSide is the shortest longer side of a sample.
	MaxSide = 2000 // MaxSide is the longest side of a sample.
)

// folders are where Sample puts its pictures, under its dir; "" is dir
// itself.
var folders = []string{
	"",
	"animals/cats",
	"animals/dogs",
	"animals/birds/garden",
	"places/beaches",
	"places/mountains",
	"places/cities/night",
	"people",
}

// extensions are the extensions of Sample's pictures, one after the other
// and round again: JPEG the most, as photographs are, then PNG and GIF,
// with extensions in other cases and spellings for Find to recognise.
var extensions = []string{".jpg", ".png", ".jpg", ".gif", ".jpg", ".png", ".jpeg", ".jpg", ".png", ".JPG"}

// shapes are the shapes, width to height, of Sample's pictures, each
// either way round.
var shapes = [][2]int{{4, 3}, {3, 2}, {16, 9}, {1, 1}, {5, 4}}

// sample describes one of Sample's pictures.
type sample struct {
	path string
	w, h int
}

// Sample writes n pictures into a tree of folders under dir, making the
// folders it needs, and returns their paths, sorted. The same n and seed
// give the same paths and the same pictures, drawn without a network.
//
// The pictures are landscapes: a sky, a sun, hills and a few balls, in
// colours and places drawn from seed. They are spread over dir itself and
// folders such as animals/cats and places/cities/night, with random names
// of ten letters, all different, such as qzkfmwnbte.jpg. Most are JPEGs,
// with grain as a photograph has, with extensions .jpg, .jpeg and .JPG;
// the others are PNGs and GIFs. Their longer side is from MinSide to
// MaxSide pixels, so that each takes some milliseconds to make a
// thumbnail of.
//
// Sample draws the pictures on all the processors at once. When it takes
// longer than progress.After, a notebook shows a bar of the pictures
// written, "Sample", finished when Sample returns.
func Sample(dir string, n int, seed int64) ([]string, error) {
	r := rand.New(rand.NewPCG(uint64(seed), 0x7468756d6273)) // "thumbs"
	samples := make([]sample, max(n, 0))
	taken := make(map[string]bool)
	for i := range samples {
		name := ""
		for name == "" || taken[name] {
			b := make([]byte, 10)
			for j := range b {
				b[j] = 'a' + byte(r.IntN(26))
			}
			name = string(b)
		}
		taken[name] = true
		long := MinSide + r.IntN(MaxSide-MinSide+1)
		shape := shapes[r.IntN(len(shapes))]
		w, h := long, long*shape[1]/shape[0]
		if r.IntN(2) == 0 {
			w, h = h, w
		}
		folder := folders[r.IntN(len(folders))]
		samples[i] = sample{
			path: filepath.Join(dir, filepath.FromSlash(folder), name+extensions[i%len(extensions)]),
			w:    w,
			h:    h,
		}
	}

	bar := progress.Auto(len(samples), "Sample")
	errs := make([]error, len(samples))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(samples)) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(samples) {
					return
				}
				rs := rand.New(rand.NewPCG(uint64(seed), uint64(i)+1))
				if errs[i] = samples[i].write(rs); errs[i] != nil {
					failed.Store(true)
				}
				bar.Add(1)
			}
		})
	}
	wg.Wait()
	paths := make([]string, len(samples))
	for i, s := range samples {
		if errs[i] != nil {
			bar.Fail(errs[i])
			return nil, errs[i]
		}
		paths[i] = s.path
	}
	bar.Done()
	slices.Sort(paths)
	return paths, nil
}

// write draws the picture with r and writes it to its path.
func (s sample) write(r *rand.Rand) error {
	format := formatOf(s.path)
	grain := 0
	if format == "jpeg" {
		grain = 6
	}
	img := landscape(s.w, s.h, grain, r)
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return fmt.Errorf("sample %s: %w", s.path, err)
	}
	f, err := os.Create(s.path)
	if err != nil {
		return fmt.Errorf("sample %s: %w", s.path, err)
	}
	switch format {
	case "jpeg":
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 90})
	case "png":
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(f, img)
	case "gif":
		err = gif.Encode(f, dither(img), nil)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sample %s: %w", s.path, err)
	}
	return nil
}

// rgb is a colour with components from 0 to 1.
type rgb struct{ r, g, b float64 }

// hsv returns the colour of hue h (in turns: 0 red, 1/3 green, 2/3 blue),
// saturation s and value v, all from 0 to 1.
func hsv(h, s, v float64) rgb {
	h = 6 * (h - math.Floor(h))
	f := h - math.Floor(h)
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	switch int(h) {
	case 0:
		return rgb{v, t, p}
	case 1:
		return rgb{q, v, p}
	case 2:
		return rgb{p, v, t}
	case 3:
		return rgb{p, q, v}
	case 4:
		return rgb{t, p, v}
	}
	return rgb{v, p, q}
}

// mix returns the colour a fraction t of the way from a to b.
func mix(a, b rgb, t float64) rgb {
	return rgb{a.r + (b.r-a.r)*t, a.g + (b.g-a.g)*t, a.b + (b.b-a.b)*t}
}

// scale returns c with each component multiplied by k.
func (c rgb) scale(k float64) rgb { return rgb{c.r * k, c.g * k, c.b * k} }

// byte8 returns v, from 0 to 1, plus noise, from 0 to 255, as a byte.
func byte8(v float64, noise int) uint8 {
	return uint8(max(0, min(255, int(v*255+0.5)+noise)))
}

// landscape draws a w by h landscape with r: a sky from a dark colour at
// the top to a light one at the horizon, a sun with a glow, three ranges
// of hills, paler the farther, and a few shaded balls in front. With grain
// above zero, each component of each pixel is moved by up to grain, as a
// photograph's grain moves it.
func landscape(w, h, grain int, r *rand.Rand) *image.RGBA {
	fw, fh := float64(w), float64(h)
	hue := r.Float64()
	top := hsv(hue, 0.5+0.3*r.Float64(), 0.35+0.3*r.Float64())
	horizon := hsv(hue+0.05+0.1*r.Float64(), 0.2+0.3*r.Float64(), 0.85+0.15*r.Float64())
	sun := hsv(0.08+0.08*r.Float64(), 0.2+0.3*r.Float64(), 1)
	sx, sy := fw*(0.15+0.7*r.Float64()), fh*(0.1+0.3*r.Float64())
	sr := math.Min(fw, fh) * (0.04 + 0.06*r.Float64())
	land := hsv(0.2+0.25*r.Float64(), 0.4+0.4*r.Float64(), 0.3+0.3*r.Float64())

	const ranges = 3
	var ridge [ranges][]int // the top of each range of hills, at each x
	var hills [ranges]rgb
	for j := range ranges {
		ridge[j] = make([]int, w)
		base := fh * (0.45 + 0.15*float64(j) + 0.05*r.Float64())
		var amp, freq, phase [3]float64
		for k := range 3 {
			amp[k] = fh * (0.02 + 0.06*r.Float64()) / float64(k+1)
			freq[k] = 2 * math.Pi * (1 + float64(k)*2 + 2*r.Float64()) / fw
			phase[k] = 2 * math.Pi * r.Float64()
		}
		for x := range w {
			y := base
			for k := range 3 {
				y += amp[k] * math.Sin(freq[k]*float64(x)+phase[k])
			}
			ridge[j][x] = int(y)
		}
		hills[j] = mix(horizon, land, float64(j+1)/ranges) // paler the farther
	}

	img := image.NewRGBA(image.Rect(0, 0, w, h))
	noise := uint64(r.Int64()) | 1
	for y := range h {
		sky := mix(top, horizon, math.Min(1, float64(y)/(0.6*fh)))
		row := img.Pix[y*img.Stride:][:4*w]
		dy := float64(y) - sy
		for x := range w {
			c := sky
			dx := float64(x) - sx
			if d2 := dx*dx + dy*dy; d2 < sr*sr {
				c = sun
			} else {
				c = mix(c, sun, 0.7*sr*sr/d2)
			}
			for j := range ranges {
				if depth := y - ridge[j][x]; depth >= 0 {
					c = hills[j].scale(1 - 0.4*math.Min(1, float64(depth)/(0.4*fh)))
				}
			}
			var n [3]int
			if grain > 0 {
				for k := range n {
					noise ^= noise << 13 // xorshift: cheap and good enough for grain
					noise ^= noise >> 7
					noise ^= noise << 17
					n[k] = int(noise%uint64(2*grain+1)) - grain
				}
			}
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = byte8(c.r, n[0]), byte8(c.g, n[1]), byte8(c.b, n[2]), 0xff
		}
	}

	for range 3 + r.IntN(6) {
		ball(img, fw*r.Float64(), fh*(0.5+0.5*r.Float64()), math.Min(fw, fh)*(0.02+0.07*r.Float64()),
			hsv(r.Float64(), 0.6+0.4*r.Float64(), 0.7+0.3*r.Float64()))
	}
	return img
}

// ball draws on img a ball of colour c, centre (cx, cy) and radius rad,
// lit from the top left.
func ball(img *image.RGBA, cx, cy, rad float64, c rgb) {
	lx, ly := cx-rad/3, cy-rad/3 // the brightest point
	b := image.Rect(int(cx-rad), int(cy-rad), int(cx+rad)+1, int(cy+rad)+1).Intersect(img.Rect)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			if dx*dx+dy*dy > rad*rad {
				continue
			}
			d := math.Hypot(float64(x)-lx, float64(y)-ly) / (2 * rad)
			s := c.scale(1.1 - 0.7*d)
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2] = byte8(s.r, 0), byte8(s.g, 0), byte8(s.b, 0)
		}
	}
}

// cube is a palette of 216 colours: six levels of red, green and blue,
// each level of red followed by its levels of green, each of those by its
// levels of blue.
var cube = func() color.Palette {
	p := make(color.Palette, 0, 216)
	for r := range 6 {
		for g := range 6 {
			for b := range 6 {
				p = append(p, color.RGBA{uint8(51 * r), uint8(51 * g), uint8(51 * b), 0xff})
			}
		}
	}
	return p
}()

// bayer is a 4x4 ordered-dither matrix: thresholds 0 to 15, spread out.
var bayer = [4][4]int{{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}}

// level returns the level, from 0 to 5, of cube that dithering rounds the
// component v to where the threshold is t, from 0 to 254.
func level(v uint8, t int) int { return min(5, (int(v)*5+t)/255) }

// dither returns img with the colours of cube, ordered-dithered so that
// gradients keep their look: each component is rounded up or down to a
// level of the cube by a threshold that varies from pixel to pixel.
func dither(img *image.RGBA) *image.Paletted {
	b := img.Rect
	p := image.NewPaletted(b, cube)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := img.Pix[img.PixOffset(b.Min.X, y):][:4*b.Dx()]
		dst := p.Pix[p.PixOffset(b.Min.X, y):][:b.Dx()]
		for x := range dst {
			t := (2*bayer[y&3][x&3] + 1) * 255 / 32 // from 7 to 247
			dst[x] = uint8(36*level(src[4*x], t) + 6*level(src[4*x+1], t) + level(src[4*x+2], t))
		}
	}
	return p
}
