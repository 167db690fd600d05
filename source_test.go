package main

import (
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The embedded source has every file of the module's packages that an
// evaluator imports, with go.mod and go.sum.
func TestSourceCoversEvaluators(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f",
		"{{if and .Module .Module.Main}}{{.Dir}}{{range .GoFiles}} {{.}}{{end}}{{range .EmbedFiles}} {{.}}{{end}}{{end}}",
		"./kernel/eval").Output()
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	need := []string{"go.mod", "go.sum"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		dir, err := filepath.Rel(root, fields[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields[1:] {
			need = append(need, filepath.ToSlash(filepath.Join(dir, f)))
		}
	}
	for _, path := range need {
		if _, err := fs.Stat(source, path); err != nil {
			t.Errorf("%s is not embedded: add its directory to the go:embed line of source.go", path)
		}
	}
	var total int64
	fs.WalkDir(source, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			total += info.Size()
		}
		return nil
	})
	t.Logf("%d files needed, %d KiB embedded", len(need), total>>10)
}

// builtin knows the packages every evaluator has.
func TestBuiltin(t *testing.T) {
	for path, want := range map[string]bool{
		"fmt":                        true,
		"golang.org/x/sync/errgroup": true,
		"github.com/golessons/golessons/lessons/display": true,
		"github.com/google/uuid":                         false,
	} {
		if builtin(path) != want {
			t.Errorf("builtin(%q) = %v", path, !want)
		}
	}
}
