package race

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"
)

// ErrNoToolchain is the error of Run when the Go toolchain is missing.
var ErrNoToolchain = errors.New("race: Go's race detector needs the Go toolchain (the go command), which was not found: install Go from https://go.dev/dl/ or your system's package manager (apt-get install golang)")

// ErrNoCgo is the error of Run when Go's race detector cannot be built in:
// it needs cgo, and so a C compiler.
var ErrNoCgo = errors.New("race: Go's race detector needs cgo (CGO_ENABLED=1) and a C compiler, which was not found: install gcc with your system's package manager (apt-get install gcc)")

// DefaultTimeout is how long Run lets a program build and run.
const DefaultTimeout = 2 * time.Minute

// maxOutput bounds the output kept of a program.
const maxOutput = 4 << 20

// Result is what a program run under Go's race detector did.
type Result struct {
	Output   string // what it wrote to standard output and standard error, interleaved
	Races    int    // the data races Go's race detector reported ("WARNING: DATA RACE")
	ExitCode int    // its exit status: 66 when races were found, -1 when it was stopped
}

// String returns the program's output.
func (r *Result) String() string { return r.Output }

// Run runs src, a complete Go program (package main, importing only the
// standard library), under Go's real race detector, as go run -race does,
// and returns what it wrote and how many races were reported. It gives the
// program DefaultTimeout to build and run. A program that exits with an
// error, races or not, is a Result, not an error; errors are a missing
// toolchain (ErrNoToolchain) or C compiler (ErrNoCgo), a program that
// does not build, and one that is stopped (with its Result so far).
func Run(src string) (*Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	res, err := RunContext(ctx, src)
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("race: the program did not finish within %v: %w", DefaultTimeout, err)
	}
	return res, err
}

// RunContext is Run stopped when ctx is done rather than after
// DefaultTimeout.
func RunContext(ctx context.Context, src string) (*Result, error) {
	return RunModule(ctx, src, Module{})
}

// Module describes the module a program is built in, for programs that
// import packages beyond the standard library.
type Module struct {
	// Replace maps the paths of modules the program imports packages of
	// to the directories holding their source.
	Replace map[string]string
	// GoSum is the go.sum that covers those modules' own requirements.
	GoSum []byte
}

// RunModule is RunContext for a program built in a module that requires
// the modules of m; their own requirements come from the module cache, or
// from the Go proxy when they are not there.
func RunModule(ctx context.Context, src string, m Module) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, parser.PackageClauseOnly)
	if err != nil {
		return nil, fmt.Errorf("race: the program must be a complete Go file, starting with package main: %v", err)
	}
	if f.Name.Name != "main" {
		return nil, fmt.Errorf("race: the program must be package main, not package %s", f.Name.Name)
	}
	tc, err := findToolchain(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "golessons-race-")
	if err != nil {
		return nil, fmt.Errorf("race: %w", err)
	}
	defer os.RemoveAll(dir)
	mod := "module racecheck\n"
	if tc.lang != "" {
		mod += "\ngo " + tc.lang + "\n"
	}
	for _, path := range slices.Sorted(maps.Keys(m.Replace)) {
		mod += fmt.Sprintf("\nrequire %s v0.0.0\nreplace %[1]s => %s\n", path, m.Replace[path])
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		return nil, fmt.Errorf("race: %w", err)
	}
	if len(m.GoSum) > 0 {
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), m.GoSum, 0o644); err != nil {
			return nil, fmt.Errorf("race: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		return nil, fmt.Errorf("race: %w", err)
	}

	// Build first, so that a program that does not build is an error and
	// a program that fails is a result.
	bin := filepath.Join(dir, "prog")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.CommandContext(ctx, tc.goPath, "build", "-race", "-o", bin, ".")
	build.Dir = dir
	build.Env = tc.env
	if len(m.Replace) > 0 {
		build.Env = append(slices.Clip(tc.env), "GOFLAGS=-mod=mod")
	}
	build.WaitDelay = time.Second
	if out, err := build.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("race: the program was stopped while it was built: %w", ctx.Err())
		}
		msg := strings.TrimSpace(strings.TrimPrefix(string(out), "# racecheck\n"))
		if cgoMissing(msg) {
			return nil, fmt.Errorf("%w\n%s", ErrNoCgo, msg)
		}
		return nil, fmt.Errorf("race: the program does not build:\n%s", msg)
	}

	var out limitedBuffer
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = dir
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	res := &Result{Output: out.String(), ExitCode: -1}
	res.Races = strings.Count(res.Output, "WARNING: DATA RACE")
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("race: the program was stopped: %w", ctx.Err())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return res, fmt.Errorf("race: running the program: %w", err)
	}
	return res, nil
}

// toolchain is the Go toolchain Run uses.
type toolchain struct {
	goPath string   // the go command
	lang   string   // its language version, for go.mod: "1.26"
	env    []string // the environment of go build
}

var goVersion = regexp.MustCompile(`^go(\d+\.\d+)`)

// findToolchain finds the go command and checks that it can build with
// the race detector.
func findToolchain(ctx context.Context) (*toolchain, error) {
	goPath, err := exec.LookPath("go")
	if err != nil {
		return nil, ErrNoToolchain
	}
	env := append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off", "GO111MODULE=on", "GOFLAGS=")
	cmd := exec.CommandContext(ctx, goPath, "env", "GOROOT", "GOVERSION", "CC", "CGO_ENABLED", "GOCACHE")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w (go env failed: %v %s)", ErrNoToolchain, err, strings.TrimSpace(stderr.String()))
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	for len(lines) < 5 {
		lines = append(lines, "")
	}
	goroot, version, cc, cgo, cache := lines[0], lines[1], lines[2], lines[3], lines[4]
	if goroot == "" {
		return nil, fmt.Errorf("%w (go env GOROOT is empty)", ErrNoToolchain)
	}
	ccName := "gcc"
	if fields := strings.Fields(cc); len(fields) > 0 {
		ccName = fields[0]
	}
	if _, err := exec.LookPath(ccName); err != nil {
		return nil, fmt.Errorf("%w (the C compiler %q was not found; go env CGO_ENABLED is %q)", ErrNoCgo, ccName, cgo)
	}
	tc := &toolchain{goPath: goPath}
	if m := goVersion.FindStringSubmatch(version); m != nil {
		tc.lang = m[1]
	} else if m := goVersion.FindStringSubmatch(runtime.Version()); m != nil {
		tc.lang = m[1]
	}
	// The race detector needs cgo, which go env reports off when it
	// finds no C compiler, or when the environment turns it off.
	env = append(env, "CGO_ENABLED=1")
	if cache == "" || cache == "off" {
		// No home directory to keep the build cache in.
		env = append(env, "GOCACHE="+filepath.Join(os.TempDir(), "golessons-race-gocache"))
	}
	tc.env = env
	return tc, nil
}

// cgoMissing reports whether a failed build's output says that cgo or
// the C compiler is missing.
func cgoMissing(out string) bool {
	for _, s := range []string{"requires cgo", "C compiler", `exec: "gcc"`, `exec: "clang"`, "cgo: "} {
		if strings.Contains(out, s) {
			return true
		}
	}
	return false
}

// limitedBuffer keeps the first maxOutput bytes written to it.
type limitedBuffer struct {
	b         bytes.Buffer
	truncated bool
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxOutput - l.b.Len(); room < len(p) {
		l.b.Write(p[:max(room, 0)])
		l.truncated = true
		return len(p), nil
	}
	return l.b.Write(p)
}

func (l *limitedBuffer) String() string {
	if l.truncated {
		return l.b.String() + "\n[output cut]\n"
	}
	return l.b.String()
}
