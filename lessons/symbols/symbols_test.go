package symbols

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTablesAreCurrent regenerates the tables as `go generate` would, in a
// temporary directory, and fails if they differ from the checked-in ones.
func TestTablesAreCurrent(t *testing.T) {
	f, err := os.Open("symbols.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Inside the module, so that the tool finds it; a leading underscore
	// keeps the go command from treating it as a package.
	dir, err := os.MkdirTemp(".", "_regenerate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var generated int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "//go:generate ")
		if !ok {
			continue
		}
		args := strings.Fields(line)
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		generated++
	}
	if generated == 0 {
		t.Fatal("no go:generate lines in symbols.go")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(filepath.Base(path))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s is missing or stale: run go generate ./lessons/symbols", filepath.Base(path))
		}
	}
	checked, _ := filepath.Glob("*.go")
	checked = slices.DeleteFunc(checked, func(name string) bool { return name == "symbols.go" || strings.HasSuffix(name, "_test.go") })
	if len(checked) != len(files) {
		t.Errorf("%d generated tables checked in, %d generated: run go generate ./lessons/symbols", len(checked), len(files))
	}
}
