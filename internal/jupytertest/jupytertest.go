// Package jupytertest installs this module's kernel where Jupyter's tools
// find it, for the tests that drive the kernel with them.
package jupytertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Python is the interpreter whose packages hold Jupyter: the system's.
const Python = "/usr/bin/python3"

// Env builds the kernel, installs its kernelspec as name into a temporary
// prefix and returns the environment in which Jupyter finds it, with
// runtime, data and %go get cache folders of the test's own. It skips the
// test when one of the Python modules cannot be imported, or fails it
// instead with GOLESSONS_REQUIRE_JUPYTER=1.
func Env(t testing.TB, name string, modules ...string) []string {
	t.Helper()
	if out, err := exec.Command(Python, "-c", "import "+strings.Join(modules, ", ")).CombinedOutput(); err != nil {
		msg := "Jupyter's Python packages are missing (run install/deps.sh): " + strings.TrimSpace(string(out))
		if os.Getenv("GOLESSONS_REQUIRE_JUPYTER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "golessons")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/golessons/golessons").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	prefix := filepath.Join(dir, "prefix")
	if out, err := exec.Command(bin, "install", "--prefix", prefix, "--name", name).CombinedOutput(); err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	return append(os.Environ(),
		"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"),
		"JUPYTER_DATA_DIR="+filepath.Join(dir, "data"),
		"IPYTHONDIR="+filepath.Join(dir, "ipython"),
		// Evaluators built by %go get: a cache of this run's own.
		"GOLESSONS_CACHE="+filepath.Join(dir, "cache"),
	)
}
