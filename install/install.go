// Package install writes the kernelspec that makes Jupyter find the kernel:
// kernel.json with the path of this program, and its logos.
package install

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

//go:embed logo-32x32.png logo-64x64.png logo-svg.svg
var logos embed.FS

// DefaultName is the kernelspec's default name.
const DefaultName = "golessons"

// DisplayName is what front ends show in their kernel list.
const DisplayName = "Go (lessons)"

// Spec is the content of kernel.json.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata"`
}

// NewSpec returns the kernelspec that runs the program at exe.
func NewSpec(exe string) Spec {
	return Spec{
		Argv:          []string{exe, "kernel", "-f", "{connection_file}"},
		DisplayName:   DisplayName,
		Language:      "go",
		InterruptMode: "message",
		Metadata:      map[string]any{"debugger": false},
	}
}

// Where a kernelspec goes.
type Where struct {
	User      bool   // the user's Jupyter data directory
	SysPrefix bool   // the prefix of the Python environment Jupyter runs in
	Prefix    string // PREFIX/share/jupyter/kernels
}

// KernelsDir returns the kernels directory for w.
func KernelsDir(w Where) (string, error) {
	switch {
	case w.Prefix != "":
		abs, err := filepath.Abs(w.Prefix)
		if err != nil {
			return "", err
		}
		return filepath.Join(abs, "share", "jupyter", "kernels"), nil
	case w.SysPrefix:
		prefix, err := sysPrefix()
		if err != nil {
			return "", err
		}
		return filepath.Join(prefix, "share", "jupyter", "kernels"), nil
	}
	return filepath.Join(userDataDir(), "kernels"), nil
}

// userDataDir returns Jupyter's per-user data directory.
func userDataDir() string {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d
	}
	home, _ := os.UserHomeDir()
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Jupyter")
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "jupyter")
	}
	return filepath.Join(home, ".local", "share", "jupyter")
}

// sysPrefix returns the prefix of the active Python environment.
func sysPrefix() (string, error) {
	for _, v := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if p := os.Getenv(v); p != "" {
			return p, nil
		}
	}
	out, err := exec.Command("python3", "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", fmt.Errorf("find the Python prefix for --sys-prefix (is python3 installed?): %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Install writes the kernelspec name into kernels, running exe, and
// returns its directory.
func Install(kernels, name, exe string) (string, error) {
	if name == "" || strings.ContainsAny(name, `/\ `) {
		return "", fmt.Errorf("invalid kernel name %q", name)
	}
	dir := filepath.Join(kernels, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create kernelspec directory (no write access? try --user or --prefix): %w", err)
	}
	spec, err := json.MarshalIndent(NewSpec(exe), "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "kernel.json"), append(spec, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write kernel.json: %w", err)
	}
	err = fs.WalkDir(logos, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := logos.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, path), data, 0o644)
	})
	if err != nil {
		return "", fmt.Errorf("write logos: %w", err)
	}
	return dir, nil
}

// Uninstall removes the kernelspec name from kernels. Removing one that
// is not there is an error.
func Uninstall(kernels, name string) (string, error) {
	dir := filepath.Join(kernels, name)
	if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("no kernelspec %q in %s", name, kernels)
		}
		return "", err
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("remove %s: %w", dir, err)
	}
	return dir, nil
}
