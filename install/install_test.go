package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// tree returns every path under root with, for files, their content: what
// a test compares before an install and after its uninstall.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			got[rel+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(path)
		got[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func diff(before, after map[string]string) []string {
	var d []string
	for p, v := range before {
		if w, ok := after[p]; !ok {
			d = append(d, "gone: "+p)
		} else if v != w {
			d = append(d, "changed: "+p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			d = append(d, "left: "+p)
		}
	}
	sort.Strings(d)
	return d
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestUninstallUndoesInstall installs into systems in various states and
// checks that uninstalling leaves each as it was.
func TestUninstallUndoesInstall(t *testing.T) {
	const kernels = "prefix/share/jupyter/kernels"
	tests := []struct {
		name     string
		kernel   string            // kernelspec name
		setup    func(root string) // the system before the install
		installs int               // how many times to install before uninstalling
	}{
		{name: "nothing there", kernel: DefaultName, setup: func(string) {}, installs: 1},
		{name: "empty prefix", kernel: DefaultName, setup: func(root string) { os.MkdirAll(filepath.Join(root, "prefix"), 0o755) }, installs: 1},
		{name: "empty kernels folder", kernel: DefaultName, setup: func(root string) { os.MkdirAll(filepath.Join(root, kernels), 0o755) }, installs: 1},
		{name: "other kernels", kernel: DefaultName, setup: func(root string) {
			write(t, filepath.Join(root, kernels, "python3", "kernel.json"), `{"argv": ["python3"]}`)
			write(t, filepath.Join(root, "prefix/share/jupyter/nbextensions/x.js"), "x")
		}, installs: 1},
		{name: "installed twice", kernel: DefaultName, setup: func(string) {}, installs: 2},
		{name: "another name", kernel: "go-lessons.2", setup: func(root string) {
			write(t, filepath.Join(root, kernels, DefaultName, "kernel.json"), `{"argv": ["other"]}`)
		}, installs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			tt.setup(root)
			before := tree(t, root)
			dir := ""
			for range tt.installs {
				var err error
				if dir, err = Install(filepath.Join(root, kernels), tt.kernel, "/opt/golessons"); err != nil {
					t.Fatal(err)
				}
			}
			if dir != filepath.Join(root, kernels, tt.kernel) {
				t.Errorf("installed in %s", dir)
			}
			var spec Spec
			data, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &spec); err != nil {
				t.Fatal(err)
			}
			if spec.Argv[0] != "/opt/golessons" || spec.DisplayName != DisplayName {
				t.Errorf("kernel.json: %+v", spec)
			}
			for _, logo := range []string{"logo-32x32.png", "logo-64x64.png", "logo-svg.svg"} {
				if _, err := os.Stat(filepath.Join(dir, logo)); err != nil {
					t.Error(err)
				}
			}
			if _, err := Uninstall(filepath.Join(root, kernels), tt.kernel); err != nil {
				t.Fatal(err)
			}
			if d := diff(before, tree(t, root)); len(d) > 0 {
				t.Errorf("uninstall did not undo install:\n%s", strings.Join(d, "\n"))
			}
			if _, err := Uninstall(filepath.Join(root, kernels), tt.kernel); err == nil || !strings.Contains(err.Error(), "no kernelspec") {
				t.Errorf("second uninstall: %v", err)
			}
		})
	}
}

// TestUninstallLeavesOthers checks what uninstall leaves: files it did not
// write, and the directories that hold them, and directories a record
// names outside the kernelspec.
func TestUninstallLeavesOthers(t *testing.T) {
	root := t.TempDir()
	kernels := filepath.Join(root, "kernels")
	dir, err := Install(kernels, DefaultName, "/opt/golessons")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "kernel.js"), "// the teacher's")
	if _, err := Uninstall(kernels, DefaultName); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, root); len(got) != 4 || got["kernels/golessons/kernel.js"] != "// the teacher's" {
		t.Errorf("after uninstall: %v", got)
	}

	// A record that names more than the kernelspec's files and parents.
	os.Remove(filepath.Join(dir, "kernel.js"))
	if _, err := Install(kernels, DefaultName, "/opt/golessons"); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(root, "outside")
	write(t, filepath.Join(outside, "keep"), "keep")
	os.Remove(filepath.Join(outside, "keep"))
	rec := record{Files: []string{"kernel.json", "../../outside/keep", ".."}, Dirs: []string{outside, "relative", dir}}
	data, _ := json.Marshal(rec)
	write(t, filepath.Join(dir, recordName), string(data))
	if _, err := Uninstall(kernels, DefaultName); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("uninstall removed a directory outside the kernelspec: %v", err)
	}
}

// TestUninstallWithoutRecord removes a kernelspec written before records
// were kept.
func TestUninstallWithoutRecord(t *testing.T) {
	root := t.TempDir()
	kernels := filepath.Join(root, "kernels")
	dir, err := Install(kernels, DefaultName, "/opt/golessons")
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, recordName))
	if _, err := Uninstall(kernels, DefaultName); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, root); len(got) != 2 {
		t.Errorf("after uninstall: %v", got)
	}
}

func TestNames(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"", ".", "..", "../x", "a/b", `a\b`, "go lessons"} {
		if _, err := Install(root, name, "/opt/golessons"); err == nil || !strings.Contains(err.Error(), "invalid kernel name") {
			t.Errorf("Install(%q): %v", name, err)
		}
		if _, err := Uninstall(root, name); err == nil || !strings.Contains(err.Error(), "invalid kernel name") {
			t.Errorf("Uninstall(%q): %v", name, err)
		}
	}
	if got := tree(t, root); len(got) != 1 {
		t.Errorf("invalid names changed %s: %v", root, got)
	}
}

// TestInstallFailure checks that a failed install takes back what it made.
func TestInstallFailure(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "share"), "a file where a folder should be")
	before := tree(t, root)
	if _, err := Install(filepath.Join(root, "share", "jupyter", "kernels"), DefaultName, "/opt/golessons"); err == nil {
		t.Fatal("installed under a file")
	}
	if d := diff(before, tree(t, root)); len(d) > 0 {
		t.Errorf("failed install left:\n%s", strings.Join(d, "\n"))
	}
	// Writing kernel.json fails: the directories made for it go.
	kernels := filepath.Join(root, "kernels")
	if err := os.MkdirAll(filepath.Join(kernels, DefaultName, "kernel.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Install(filepath.Join(root, "kernels"), DefaultName, "/opt/golessons"); err == nil || !strings.Contains(err.Error(), "kernel.json") {
		t.Fatalf("install over a kernel.json folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(kernels, DefaultName, "logo-64x64.png")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("failed install left a logo: %v", err)
	}
}

// TestNoWriteAccess installs where the user cannot write, and checks that
// the error says what to run.
func TestNoWriteAccess(t *testing.T) {
	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		t.Skip("needs a user that file permissions apply to")
	}
	root := t.TempDir()
	if err := os.Chmod(root, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(root, 0o755)
	var stdout, stderr bytes.Buffer
	err := run([]string{"--prefix", root}, "/opt/golessons", &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "sudo /opt/golessons install --prefix "+root) || !strings.Contains(err.Error(), "/opt/golessons install --user") {
		t.Errorf("install into an unwritable prefix: %v", err)
	}
}

// TestExplain checks the commands the errors for unwritable kernels
// folders give.
func TestExplain(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	userKernels := filepath.Join(home, ".local", "share", "jupyter", "kernels")
	if err := os.MkdirAll(filepath.Dir(userKernels), 0o755); err != nil {
		t.Fatal(err)
	}
	denied := &fs.PathError{Op: "mkdir", Path: userKernels, Err: fs.ErrPermission}
	readOnly := &fs.PathError{Op: "mkdir", Path: "/ro/kernels", Err: syscall.EROFS}
	exe := "/home/ann/go/bin/golessons"
	tests := []struct {
		name      string
		err       error
		where     Where
		kernels   string
		uninstall bool
		want      []string
		not       []string
	}{
		{name: "user", err: denied, where: Where{User: true}, kernels: userKernels, want: []string{
			"no write access to the kernels folder " + userKernels,
			"sudo chown -R " + quote(currentUser()) + " " + filepath.Dir(userKernels),
			"then run again:  " + exe + " install\n",
			"or install it for every user:  sudo " + exe + " install --sys-prefix",
		}},
		{name: "user, uninstall", err: denied, where: Where{}, kernels: userKernels, uninstall: true, want: []string{
			"then run again:  " + exe + " install --uninstall",
			"sudo JUPYTER_DATA_DIR=" + filepath.Dir(userKernels) + " " + exe + " install --uninstall",
		}},
		{name: "user, outside the home", err: denied, where: Where{User: true}, kernels: "/srv/jupyter/kernels", want: []string{
			"install it for every user:  sudo " + exe + " install --sys-prefix",
		}, not: []string{"chown"}},
		{name: "sys-prefix", err: denied, where: Where{SysPrefix: true}, kernels: "/usr/share/jupyter/kernels", want: []string{
			"run it as root:  sudo " + exe + " install --sys-prefix",
			"or install it for this user only:  " + exe + " install --user",
		}},
		{name: "sys-prefix, uninstall", err: denied, where: Where{SysPrefix: true}, kernels: "/usr/share/jupyter/kernels", uninstall: true, want: []string{
			"run it as root:  sudo " + exe + " install --sys-prefix --uninstall",
		}, not: []string{"--user"}},
		{name: "prefix with a space", err: denied, where: Where{Prefix: "/opt/my lessons"}, kernels: "/opt/my lessons/share/jupyter/kernels", want: []string{
			"sudo " + exe + " install --prefix '/opt/my lessons'",
		}},
		{name: "read-only", err: readOnly, where: Where{SysPrefix: true}, kernels: "/ro/kernels", want: []string{
			exe + " install --prefix DIR", "JUPYTER_PATH=DIR/share/jupyter",
		}, not: []string{"sudo"}},
		{name: "other errors as they are", err: errors.New("disk full"), where: Where{}, kernels: userKernels, want: []string{"disk full"}, not: []string{"sudo", "write access"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := explain(tt.err, tt.where, tt.kernels, exe, tt.uninstall)
			if !errors.Is(err, tt.err) {
				t.Errorf("%v does not wrap %v", err, tt.err)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error()+"\n", s) {
					t.Errorf("error lacks %q:\n%v", s, err)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error has %q:\n%v", s, err)
				}
			}
		})
	}
}

// fakeJupyter makes the jupyter command of checkJupyter a script that
// prints out and exits with code.
func fakeJupyter(t *testing.T, out string, code int) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("uses a shell script")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "out"), []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "jupyter")
	body := "#!/bin/sh\ncat '" + filepath.Join(dir, "out") + "'\necho oops >&2\nexit " + string(rune('0'+code)) + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	old := jupyterList
	jupyterList = []string{script, "kernelspec", "list", "--json"}
	t.Cleanup(func() { jupyterList = old })
}

func TestCheckJupyter(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "share", "jupyter", "kernels", DefaultName)
	other := filepath.Join(root, "home", "kernels", DefaultName)
	for _, d := range []string{dir, other} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	list := func(resourceDir string) string {
		return `{"kernelspecs": {"python3": {"resource_dir": "/usr/share/jupyter/kernels/python3"}, "golessons": {"resource_dir": "` + resourceDir + `"}}}`
	}
	tests := []struct {
		name string
		fake func(t *testing.T)
		want string // "" for no note
	}{
		{"found", func(t *testing.T) { fakeJupyter(t, list(dir), 0) }, ""},
		{"not installed", func(t *testing.T) {
			old := jupyterList
			jupyterList = []string{filepath.Join(root, "no-such-jupyter")}
			t.Cleanup(func() { jupyterList = old })
		}, "sudo apt-get install jupyter-notebook"},
		{"broken", func(t *testing.T) { fakeJupyter(t, "Traceback", 1) }, "Jupyter looks broken"},
		{"not on its path", func(t *testing.T) { fakeJupyter(t, `{"kernelspecs": {}}`, 0) }, "JUPYTER_PATH=" + filepath.Join(root, "share", "jupyter")},
		{"another first", func(t *testing.T) { fakeJupyter(t, list(other), 0) }, "jupyter kernelspec remove -y golessons"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fake(t)
			notes := checkJupyter(DefaultName, dir)
			switch {
			case tt.want == "" && len(notes) > 0:
				t.Errorf("notes: %q", notes)
			case tt.want != "" && (len(notes) != 1 || !strings.Contains(notes[0], tt.want)):
				t.Errorf("notes %q lack %q", notes, tt.want)
			}
		})
	}
}

// TestCommand runs the install command: install, the note about
// Jupyter's path, uninstall.
func TestCommand(t *testing.T) {
	fakeJupyter(t, `{"kernelspecs": {}}`, 0)
	prefix := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := run([]string{"--prefix", prefix}, "/opt/golessons", &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(prefix, "share", "jupyter", "kernels", DefaultName)
	if got := stdout.String(); got != "Installed kernelspec golessons in "+dir+"\n" {
		t.Errorf("stdout: %q", got)
	}
	if !strings.Contains(stderr.String(), "JUPYTER_PATH=") {
		t.Errorf("stderr: %q", stderr.String())
	}
	stdout.Reset()
	if err := run([]string{"--prefix", prefix, "--uninstall"}, "/opt/golessons", &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); got != "Removed kernelspec golessons from "+dir+"\n" {
		t.Errorf("stdout: %q", got)
	}
	if got := tree(t, prefix); len(got) != 1 {
		t.Errorf("left: %v", got)
	}
	for _, args := range [][]string{{"--user", "--sys-prefix"}, {"--prefix", prefix, "extra"}} {
		if err := run(args, "/opt/golessons", &stdout, &stderr); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
