package thumbs_test

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/golessons/golessons/lessons/thumbs"
)

// The exercise: find the pictures of a tree and make their thumbnails
// into one folder, one after the other, then with a pool of workers that
// call Make for one picture at a time.
func Example() {
	dir, err := os.MkdirTemp("", "thumbs-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	tree := filepath.Join(dir, "tree")
	if _, err := thumbs.Sample(tree, 6, 1); err != nil {
		panic(err)
	}

	paths, err := thumbs.Find(tree)
	if err != nil {
		panic(err)
	}
	for _, p := range paths {
		rel, _ := filepath.Rel(tree, p)
		fmt.Println(filepath.ToSlash(rel))
	}

	// One after the other.
	serial, err := thumbs.MakeAll(paths, filepath.Join(dir, "thumbnails"))
	if err != nil {
		panic(err)
	}

	// A pool of workers: each takes the next path and makes its
	// thumbnail, sharing nothing with the others but the folder.
	parallel := make([]string, len(paths))
	errs := make([]error, len(paths))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range jobs {
				parallel[i], errs[i] = thumbs.Make(paths[i], filepath.Join(dir, "miniaturas"))
			}
		})
	}
	for i := range paths {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		panic(err)
	}

	fmt.Println(len(serial), "thumbnails, then", len(parallel), "more, such as", filepath.Base(parallel[0]))
	// Output:
	// animals/birds/garden/atmgxdxqxq.png
	// animals/cats/gdundolrit.jpg
	// animals/cats/pmgygpaofz.jpg
	// animals/dogs/bmdyvwmmxm.gif
	// people/uvhgzpotsu.png
	// places/mountains/blboxnlweb.jpg
	// 6 thumbnails, then 6 more, such as atmgxdxqxq_thumbnail.png
}

func ExampleMake() {
	dir, err := os.MkdirTemp("", "thumbs-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	pic := filepath.Join(dir, "imagen.png")
	writeBlank(pic, 2000, 1500)

	out, err := thumbs.Make(pic, filepath.Join(dir, "miniaturas"))
	if err != nil {
		panic(err)
	}
	rel, _ := filepath.Rel(dir, out)
	fmt.Println(filepath.ToSlash(rel), size(out))

	_, err = thumbs.Make(filepath.Join(dir, "missing.jpg"), dir)
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// miniaturas/imagen_thumbnail.png 128x96
	// true
}

// Two pictures with the same name, in different folders, would have
// thumbnails of the same name: the second is refused, not written over
// the first.
func ExampleMake_sameName() {
	dir, err := os.MkdirTemp("", "thumbs-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	cat := filepath.Join(dir, "animals", "cat.png")
	toy := filepath.Join(dir, "toys", "cat.png")
	writeBlank(cat, 300, 200)
	writeBlank(toy, 200, 300)
	out := filepath.Join(dir, "out")

	_, err = thumbs.Make(cat, out)
	fmt.Println(err)
	_, err = thumbs.Make(cat, out) // the same thumbnail again
	fmt.Println(err)
	_, err = thumbs.Make(toy, out)
	fmt.Println(errors.Is(err, fs.ErrExist))
	// Output:
	// <nil>
	// <nil>
	// true
}

func ExampleFind() {
	dir, err := os.MkdirTemp("", "thumbs-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	for _, name := range []string{"b.JPG", "a/c.png", "a/d.gif", "notes.txt", "a/e.jpeg"} {
		writeBlank(filepath.Join(dir, name), 10, 10) // only the names matter
	}

	paths, err := thumbs.Find(dir)
	if err != nil {
		panic(err)
	}
	for _, p := range paths {
		rel, _ := filepath.Rel(dir, p)
		fmt.Println(filepath.ToSlash(rel))
	}
	// Output:
	// a/c.png
	// a/d.gif
	// a/e.jpeg
	// b.JPG
}

func ExampleSheet() {
	dir, err := os.MkdirTemp("", "thumbs-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	paths, err := thumbs.Sample(dir, 5, 2)
	if err != nil {
		panic(err)
	}

	sheet, err := thumbs.Sheet(paths, 3) // in a notebook: display.Image(sheet)
	if err != nil {
		panic(err)
	}
	fmt.Println(sheet.Bounds().Size())
	// Output:
	// (416,280)
}

func ExampleFit() {
	fmt.Println(thumbs.Fit(2000, 1500, thumbs.Size))
	fmt.Println(thumbs.Fit(1080, 1920, thumbs.Size))
	fmt.Println(thumbs.Fit(100, 50, thumbs.Size)) // small enough already
	// Output:
	// 128 96
	// 72 128
	// 100 50
}

func ExampleName() {
	fmt.Println(thumbs.Name("tree/imagen.jpg"))
	// Output:
	// imagen_thumbnail.jpg
}

// writeBlank writes a w by h PNG of one colour to path, making its folder.
func writeBlank(path string, w, h int) {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = []uint8{40, 120, 200, 255}[i%4]
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		panic(err)
	}
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		panic(err)
	}
}

// size returns the size of the image at path, as "WxH".
func size(path string) string {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	c, _, err := image.DecodeConfig(f)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%dx%d", c.Width, c.Height)
}
