package kernel_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golessons/golessons/internal/jupytertest"
)

// These tests drive the installed kernel with Jupyter's own clients:
// jupyter_client, jupyter_kernel_test and nbconvert, from the system's
// Python. Without them the tests are skipped, unless
// GOLESSONS_REQUIRE_JUPYTER=1 (as in CI), where that is a failure.

// python is the interpreter that has Jupyter's packages.
const python = jupytertest.Python

// kernelName is the kernelspec name the tests install under.
const kernelName = "golessons-test"

// jupyter builds the kernel, installs it into a temporary prefix and
// returns the environment that lets Jupyter find it.
func jupyter(t *testing.T) []string {
	t.Helper()
	env := jupytertest.Env(t, kernelName, "jupyter_client", "jupyter_kernel_test", "nbclient", "nbconvert", "pexpect")
	return append(env, "GOLESSONS_KERNEL="+kernelName)
}

// TestJupyterClients runs the Python suites in testdata: the kernel
// conformance tests of jupyter_kernel_test and the behaviour tests written
// with jupyter_client.
func TestJupyterClients(t *testing.T) {
	env := jupyter(t)
	for _, suite := range []string{"test_conformance", "test_kernel", "test_console"} {
		t.Run(suite, func(t *testing.T) {
			cmd := exec.Command(python, "-m", "unittest", "-v", suite)
			cmd.Dir = "testdata"
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", suite, err, out)
			}
			// A skipped test means the kernel lacks an API the suite checks.
			if strings.Contains(string(out), "skipped") {
				t.Errorf("%s skipped tests:\n%s", suite, out)
			}
			t.Logf("%s", lastLines(string(out), 3))
		})
	}
}

// TestNotebook executes a notebook headless with nbconvert and checks the
// outputs stored in the result.
func TestNotebook(t *testing.T) {
	env := jupyter(t)
	outDir := t.TempDir()
	cmd := exec.Command(python, "-m", "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.kernel_name="+kernelName, "--ExecutePreprocessor.timeout=60",
		"--output-dir", outDir, "testdata/session.ipynb")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(outDir, "session.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType       string `json:"cell_type"`
			ExecutionCount *int   `json:"execution_count"`
			Outputs        []struct {
				OutputType string         `json:"output_type"`
				Name       string         `json:"name"`
				Text       any            `json:"text"`
				Data       map[string]any `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	var got []string
	count := 0
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		count++
		if c.ExecutionCount == nil || *c.ExecutionCount != count {
			t.Errorf("code cell %d: execution_count %v", count, c.ExecutionCount)
		}
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "stream":
				got = append(got, o.Name+": "+joinText(o.Text))
			case "display_data", "execute_result":
				text := joinText(o.Data["text/html"])
				if text == "" {
					text = joinText(o.Data["text/plain"])
				}
				got = append(got, o.OutputType+": "+text)
			default:
				got = append(got, o.OutputType)
			}
		}
	}
	want := []string{
		"stdout: squares: [0 1 4 9]\n",
		"display_data: <b>bold</b>",
		"execute_result: 144",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("outputs\n got %q\nwant %q", got, want)
	}
}

// joinText joins nbformat's multi-line strings, stored as a string or a
// list of strings.
func joinText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var b strings.Builder
		for _, s := range v {
			b.WriteString(s.(string))
		}
		return b.String()
	}
	return ""
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
