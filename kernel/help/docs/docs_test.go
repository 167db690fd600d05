package docs

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestIndexIsCurrent regenerates the index as `go generate` would and
// fails if it differs from the embedded one.
func TestIndexIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating the index reads every package's source")
	}
	dir := t.TempDir()
	if out, err := exec.Command("go", "run", "../internal/gendocs", "-o", dir).CombinedOutput(); err != nil {
		t.Fatalf("gendocs: %v\n%s", err, out)
	}
	fresh, _ := filepath.Glob(filepath.Join(dir, "*.json.gz"))
	stored, _ := filepath.Glob(filepath.Join("data", "*.json.gz"))
	if len(fresh) != len(stored) {
		t.Errorf("%d files generated, %d stored: run go generate ./kernel/help/docs", len(fresh), len(stored))
	}
	for _, f := range fresh {
		want := gunzip(t, f)
		got := gunzip(t, filepath.Join("data", filepath.Base(f)))
		if !bytes.Equal(got, want) {
			t.Errorf("data/%s is stale: run go generate ./kernel/help/docs", filepath.Base(f))
		}
	}
}

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Error(err)
		return nil
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return nil
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Errorf("%s: %v", path, err)
	}
	return b
}

func TestPackage(t *testing.T) {
	x := Default()
	for _, tc := range []struct{ path, name, want string }{
		{"fmt", "Println", "func Println(a ...any) (n int, err error)"},
		{"sync", "WaitGroup", "type WaitGroup struct"},
		{"github.com/golessons/golessons/lessons/display", "HTML", "func HTML(html string) Bundle"},
	} {
		pkg := x.Package(tc.path)
		if pkg == nil {
			t.Errorf("Package(%q) = nil", tc.path)
			continue
		}
		m, ok := pkg.Members[tc.name]
		if !ok {
			t.Errorf("%s.%s not in the index", tc.path, tc.name)
			continue
		}
		if !bytes.Contains([]byte(m.Decl), []byte(tc.want)) {
			t.Errorf("%s.%s: decl %q, want it to contain %q", tc.path, tc.name, m.Decl, tc.want)
		}
	}
	if x.Package("no/such/package") != nil {
		t.Error("a package that is not indexed was found")
	}
}
