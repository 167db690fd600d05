package kernel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPictures executes a notebook that draws a timeline, a progress bar
// and a chart, exports it to HTML, and looks at both in headless Chromium:
// the notebook as the classic notebook server shows it, and the export.
// With GOLESSONS_SCREENSHOTS set to a folder, the screenshots are kept
// there.
func TestPictures(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a notebook server and a browser")
	}
	env := jupyter(t)
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("GOLESSONS_REQUIRE_JUPYTER") == "1" {
			t.Fatal("chromium is missing (run install/deps.sh)")
		}
		t.Skip("chromium is missing")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(python, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name="+kernelName,
		"--ExecutePreprocessor.timeout=60", "--output-dir", dir, "testdata/pictures.ipynb")
	executed := filepath.Join(dir, "pictures.ipynb")
	run("-m", "nbconvert", "--to", "html", "--output-dir", dir, executed)

	// The stored outputs: two SVG pictures and the finished bar.
	data, err := os.ReadFile(executed)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			Outputs []struct {
				OutputType string         `json:"output_type"`
				Data       map[string]any `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			for _, mime := range []string{"image/svg+xml", "text/html"} {
				if o.Data[mime] != nil {
					kinds = append(kinds, o.OutputType+" "+mime)
					break
				}
			}
		}
	}
	if got, want := strings.Join(kinds, ", "), "execute_result image/svg+xml, display_data text/html, execute_result image/svg+xml"; got != want {
		t.Errorf("outputs: %s, want %s", got, want)
	}
	html, err := os.ReadFile(filepath.Join(dir, "pictures.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Two threads", "10/10 (100%)", "Timings", "sequential"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("the HTML export lacks %q", want)
		}
	}

	// The classic notebook server shows the stored outputs of a notebook
	// its user trusts.
	run("-m", "nbformat.sign", executed)
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	server := exec.CommandContext(ctx, python, "-m", "notebook", "--no-browser", "--port", fmt.Sprint(port),
		"--NotebookApp.token=golessons", "--notebook-dir", dir, "--allow-root")
	server.Env = env
	var serverLog bytes.Buffer
	server.Stdout, server.Stderr = &serverLog, &serverLog
	// The server starts a kernel for the notebook it shows: both go
	// when the test ends, in one process group.
	server.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	server.Cancel = func() error { return syscall.Kill(-server.Process.Pid, syscall.SIGKILL) }
	server.WaitDelay = 5 * time.Second
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); server.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if !waitHTTP(base+"/api?token=golessons", 30*time.Second) {
		t.Fatalf("the notebook server did not start:\n%s", serverLog.String())
	}
	page := base + "/notebooks/pictures.ipynb?token=golessons"
	for name, url := range map[string]string{"notebook": page, "export": "file://" + filepath.Join(dir, "pictures.html")} {
		shot := filepath.Join(dir, name+".png")
		c, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		cmd := exec.CommandContext(c, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
			"--window-size=1200,1800", "--virtual-time-budget=15000", "--user-data-dir="+filepath.Join(dir, "chromium-"+name),
			"--screenshot="+shot, url)
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("chromium: %v\n%s", err, out)
		}
		if keep := os.Getenv("GOLESSONS_SCREENSHOTS"); keep != "" {
			if b, err := os.ReadFile(shot); err == nil {
				os.WriteFile(filepath.Join(keep, name+".png"), b, 0o644)
			}
		}
		// The pictures' own colours are on the page: the blocked main
		// thread and the sleeping threads of the timeline, the finished
		// progress bar, the chart's bars.
		for colour, what := range map[string]string{
			"#e15759": "the timeline's blocked span", "#f28e2b": "the timeline's sleeping spans",
			"#3a9d3a": "the finished progress bar", "#4e79a7": "the chart's bars",
		} {
			if n := countColour(t, shot, colour); n < 50 {
				t.Errorf("%s: %s (%s) is not drawn: %d pixels", name, what, colour, n)
			}
		}
	}
}

// countColour returns how many pixels of the PNG at path have the colour
// #rrggbb, give or take a little.
func countColour(t *testing.T, path, colour string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var want [3]int
	fmt.Sscanf(colour, "#%02x%02x%02x", &want[0], &want[1], &want[2])
	near := func(a uint32, b int) bool { d := int(a>>8) - b; return d > -10 && d < 10 }
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if near(r, want[0]) && near(g, want[1]) && near(b, want[2]) {
				n++
			}
		}
	}
	return n
}

// freePort returns a TCP port free on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitHTTP reports whether url answers 200 within d.
func waitHTTP(url string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return false
}
