// Package install writes the kernelspec that makes Jupyter find the kernel:
// kernel.json with the path of this program, and its logos. It keeps a
// record of what it wrote and created, so that uninstalling removes
// exactly that.
package install

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

//go:embed logo-32x32.png logo-64x64.png logo-svg.svg
var logos embed.FS

// DefaultName is the kernelspec's default name.
const DefaultName = "golessons"

// DisplayName is what front ends show in their kernel list.
const DisplayName = "Go (lessons)"

// recordName is the file, in a kernelspec directory, in which Install
// lists the files it wrote and the directories it created.
const recordName = "installed.json"

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

// Flag returns the install flag that chooses w.
func (w Where) Flag() string {
	switch {
	case w.Prefix != "":
		return "--prefix " + quote(w.Prefix)
	case w.SysPrefix:
		return "--sys-prefix"
	}
	return "--user"
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
		return "", fmt.Errorf("--sys-prefix asks Python for its prefix, and python3 did not answer (%v); install Jupyter, which brings it: sudo apt-get install jupyter-notebook", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// kernelName is what Jupyter accepts as a kernel name.
var kernelName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

func checkName(name string) error {
	if !kernelName.MatchString(name) || name == "." || name == ".." {
		return fmt.Errorf("invalid kernel name %q: use letters, digits, '.', '_' and '-'", name)
	}
	return nil
}

// record lists what Install added: kept in the kernelspec directory as
// recordName, it is what Uninstall removes.
type record struct {
	Files []string `json:"files"`          // the files written in the kernelspec directory, recordName aside
	Dirs  []string `json:"dirs,omitempty"` // the directories created, outermost first
}

// readRecord reads the record in the kernelspec directory dir.
func readRecord(dir string) (record, error) {
	var rec record
	data, err := os.ReadFile(filepath.Join(dir, recordName))
	if err != nil {
		return rec, err
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		return rec, fmt.Errorf("read %s: %w", filepath.Join(dir, recordName), err)
	}
	return rec, nil
}

// written returns the names of the files Install writes.
func written() []string {
	names := []string{"kernel.json"}
	entries, _ := logos.ReadDir(".")
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Install writes the kernelspec name into kernels, running exe, and
// returns its directory. It creates the directories it needs, and records
// them with the files it writes; what an earlier install recorded stays
// recorded. If it fails, it takes back the files and directories it made.
func Install(kernels, name, exe string) (dir string, err error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	if dir, err = filepath.Abs(filepath.Join(kernels, name)); err != nil {
		return "", err
	}
	rec, _ := readRecord(dir)
	created, err := mkdirs(dir)
	if err != nil {
		return "", fmt.Errorf("create the kernelspec directory: %w", err)
	}
	rec.Dirs = append(rec.Dirs, created...)
	var added []string // files this call created
	defer func() {
		if err != nil {
			for _, f := range added {
				os.Remove(f)
			}
			removeEmpty(created)
		}
	}()
	write := func(file string, data []byte) error {
		path := filepath.Join(dir, file)
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			added = append(added, path)
		}
		return os.WriteFile(path, data, 0o644)
	}
	spec, err := json.MarshalIndent(NewSpec(exe), "", "  ")
	if err != nil {
		return "", err
	}
	if err := write("kernel.json", append(spec, '\n')); err != nil {
		return "", fmt.Errorf("write kernel.json: %w", err)
	}
	for _, file := range written() {
		if file == "kernel.json" {
			continue
		}
		data, err := logos.ReadFile(file)
		if err != nil {
			return "", err
		}
		if err := write(file, data); err != nil {
			return "", fmt.Errorf("write logos: %w", err)
		}
	}
	for _, file := range written() {
		if !slices.Contains(rec.Files, file) {
			rec.Files = append(rec.Files, file)
		}
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return "", err
	}
	if err := write(recordName, append(data, '\n')); err != nil {
		return "", fmt.Errorf("write %s: %w", recordName, err)
	}
	return dir, nil
}

// mkdirs makes dir and the parents it lacks, and returns the directories
// it created, outermost first.
func mkdirs(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return nil, fmt.Errorf("%s is not a directory", d)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	var created []string
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil {
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			removeEmpty(created)
			return nil, err
		}
		created = append(created, missing[i])
	}
	return created, nil
}

// removeEmpty removes the directories dirs, innermost (last) first, when
// they are empty.
func removeEmpty(dirs []string) {
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i])
	}
}

// Uninstall removes the kernelspec name from kernels: the files Install
// recorded, and the directories it created when they hold nothing else,
// and returns its directory. A kernelspec installed without a record
// loses kernel.json, the logos and, when empty, its directory. Removing
// one that is not there is an error.
func Uninstall(kernels, name string) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	dir, err := filepath.Abs(filepath.Join(kernels, name))
	if err != nil {
		return "", err
	}
	rec, err := readRecord(dir)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("no kernelspec %q in %s (`jupyter kernelspec list` shows where it is; uninstall with the flag it was installed with: --user, --sys-prefix or --prefix DIR)", name, kernels)
			}
			return "", err
		}
		rec = record{Files: written(), Dirs: []string{dir}}
	default:
		return "", err
	}
	for _, file := range append(rec.Files, recordName) {
		// A record names files in dir only.
		if file != filepath.Base(file) || file == "." || file == ".." {
			continue
		}
		if err := os.Remove(filepath.Join(dir, file)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return dir, fmt.Errorf("remove %s: %w", file, err)
		}
	}
	for i := len(rec.Dirs) - 1; i >= 0; i-- {
		// A record names dir and its parents only.
		d := rec.Dirs[i]
		if rel, err := filepath.Rel(d, dir); err != nil || !filepath.IsAbs(d) || !filepath.IsLocal(rel) {
			continue
		}
		if err := os.Remove(d); err != nil && errors.Is(err, fs.ErrPermission) {
			return dir, fmt.Errorf("remove %s: %w", d, err)
		}
	}
	return dir, nil
}

// Main runs the install command with args: it installs the kernelspec
// for this program, or removes it with --uninstall; it says what it did
// on stdout, and on stderr what is missing for Jupyter to use it.
func Main(args []string, stdout, stderr io.Writer) error {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return fmt.Errorf("find this program: %w", err)
	}
	return run(args, exe, stdout, stderr)
}

func run(args []string, exe string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var w Where
	fs.BoolVar(&w.User, "user", false, "install for this user (the default)")
	fs.BoolVar(&w.SysPrefix, "sys-prefix", false, "install into the active Python environment")
	fs.StringVar(&w.Prefix, "prefix", "", "install into `DIR`/share/jupyter/kernels")
	name := fs.String("name", DefaultName, "kernelspec name")
	uninstall := fs.Bool("uninstall", false, "remove the kernelspec")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("install: unexpected argument %q", fs.Arg(0))
	}
	n := 0
	for _, set := range []bool{w.User, w.SysPrefix, w.Prefix != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return errors.New("install: choose one of --user, --sys-prefix and --prefix")
	}
	kernels, err := KernelsDir(w)
	if err != nil {
		return err
	}
	if *uninstall {
		dir, err := Uninstall(kernels, *name)
		if err != nil {
			return explain(err, w, kernels, exe, true)
		}
		fmt.Fprintf(stdout, "Removed kernelspec %s from %s\n", *name, dir)
		if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
			var left []string
			for _, e := range entries {
				left = append(left, e.Name())
			}
			fmt.Fprintf(stderr, "Left %s: it holds files install did not write: %s\n", dir, strings.Join(left, ", "))
		}
		return nil
	}
	dir, err := Install(kernels, *name, exe)
	if err != nil {
		return explain(err, w, kernels, exe, false)
	}
	fmt.Fprintf(stdout, "Installed kernelspec %s in %s\n", *name, dir)
	for _, note := range checkJupyter(*name, dir) {
		fmt.Fprintln(stderr, note)
	}
	return nil
}

// explain returns err, and when it is a lack of write access, the
// commands that get past it.
func explain(err error, w Where, kernels, exe string, uninstall bool) error {
	readOnly := errors.Is(err, syscall.EROFS)
	if !readOnly && !errors.Is(err, fs.ErrPermission) {
		return err
	}
	un := ""
	if uninstall {
		un = " --uninstall"
	}
	prog := quote(exe)
	var fixes []string
	switch {
	case readOnly && uninstall:
		fixes = append(fixes, "the kernelspec is on a read-only file system; remount it read-write first")
	case readOnly:
		fixes = append(fixes,
			"install it where you can write:  "+prog+" install --prefix DIR",
			"then start Jupyter with:  JUPYTER_PATH=DIR/share/jupyter")
	case w.Prefix == "" && !w.SysPrefix:
		or := ""
		if own := chownTarget(kernels); own != "" {
			fixes = append(fixes,
				"make your Jupyter folder yours again:  sudo chown -R "+quote(currentUser())+" "+quote(own),
				"then run again:  "+prog+" install"+un)
			or = "or "
		}
		if uninstall {
			fixes = append(fixes, or+"remove it as root:  sudo JUPYTER_DATA_DIR="+quote(filepath.Dir(kernels))+" "+prog+" install --uninstall")
		} else {
			fixes = append(fixes, or+"install it for every user:  sudo "+prog+" install --sys-prefix")
		}
	default:
		fixes = append(fixes, "run it as root:  sudo "+prog+" install "+w.Flag()+un)
		if !uninstall {
			fixes = append(fixes, "or install it for this user only:  "+prog+" install --user")
		}
	}
	return fmt.Errorf("no write access to the kernels folder %s: %w\n  %s", kernels, err, strings.Join(fixes, "\n  "))
}

// chownTarget returns the folder to give back to the user for the user
// install into kernels: the deepest existing one of kernels and its
// parents, when that is inside the home directory.
func chownTarget(kernels string) string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	for d := kernels; ; d = filepath.Dir(d) {
		rel, err := filepath.Rel(home, d)
		if err != nil || rel == "." || !filepath.IsLocal(rel) {
			return ""
		}
		if _, err := os.Lstat(d); err == nil {
			return d
		}
	}
}

// currentUser returns the name of the user running this program.
func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "$(id -un)"
}

// quote returns s quoted for a POSIX shell, when it needs to be.
func quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// jupyterList is the command that lists Jupyter's kernelspecs as JSON.
var jupyterList = []string{"jupyter", "kernelspec", "list", "--json"}

// checkJupyter asks Jupyter whether it finds the kernelspec name that was
// installed in dir, and returns notes on what stands in its way, each
// with the command that clears it.
func checkJupyter(name, dir string) []string {
	path, err := exec.LookPath(jupyterList[0])
	if err != nil {
		return []string{"Note: Jupyter is not installed (no jupyter command on PATH); the kernel is ready for when it is:\n  sudo apt-get install jupyter-notebook    (Debian, Ubuntu; elsewhere: pip install jupyterlab)"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, jupyterList[1:]...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var list struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
		} `json:"kernelspecs"`
	}
	if err == nil {
		err = json.Unmarshal(out, &list)
	}
	if err != nil {
		return []string{fmt.Sprintf("Note: `%s` failed, so Jupyter looks broken: %v %s\n  reinstall it:  sudo apt-get install --reinstall jupyter-notebook jupyter-client",
			strings.Join(jupyterList, " "), err, strings.TrimSpace(stderr.String()))}
	}
	spec, ok := list.Kernelspecs[strings.ToLower(name)]
	if !ok {
		share := filepath.Dir(filepath.Dir(dir))
		return []string{"Note: Jupyter does not look in " + filepath.Dir(dir) + "; start it with JUPYTER_PATH set, as in\n  JUPYTER_PATH=" + quote(share) + " jupyter notebook\nor install the kernel with --user instead"}
	}
	if !samePath(spec.ResourceDir, dir) {
		return []string{"Note: Jupyter finds another kernelspec " + name + " first, in " + spec.ResourceDir + ", and uses it rather than this one; remove it with\n  jupyter kernelspec remove -y " + name}
	}
	return nil
}

// samePath reports whether a and b name the same file.
func samePath(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA != nil || errB != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return os.SameFile(fa, fb)
}
