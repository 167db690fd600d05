// Package notebooks holds the lessons, notebooks in English (en), Spanish
// (es) and Russian (ru); its tests check them: stored executed, executed
// again with the kernel and checked point by point, and exported to HTML.
package notebooks

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golessons/golessons/internal/jupytertest"
)

// languages are the folders of the lessons, one per language.
var languages = []string{"en", "es", "ru"}

// notebook is the part of an nbformat 4 notebook the tests read.
type notebook struct {
	Metadata struct {
		Kernelspec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	} `json:"metadata"`
	Cells []cell `json:"cells"`
}

type cell struct {
	CellType       string   `json:"cell_type"`
	Source         any      `json:"source"`
	ExecutionCount *int     `json:"execution_count"`
	Outputs        []output `json:"outputs"`
	Metadata       struct {
		Tags      []string `json:"tags"`
		Golessons struct {
			Checks []check `json:"checks"`
		} `json:"golessons"`
	} `json:"metadata"`
}

type output struct {
	OutputType string         `json:"output_type"`
	Text       any            `json:"text"`
	Data       map[string]any `json:"data"`
	EName      string         `json:"ename"`
	EValue     string         `json:"evalue"`
}

// check is a teaching point a cell's output must show; see the fields.
type check struct {
	Contains string   `json:"contains"` // the output contains it
	Matches  string   `json:"matches"`  // the output matches this regular expression
	Absent   string   `json:"absent"`   // the output does not contain it
	Less     []string `json:"less"`     // two regular expressions, each with a group capturing a number or duration; the first is less
}

// text joins the strings of a notebook field that is a string or a list.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var b strings.Builder
		for _, s := range v {
			b.WriteString(fmt.Sprint(s))
		}
		return b.String()
	}
	return ""
}

// outputText returns what a cell showed: its streams, the text of its
// results and displays, and its error.
func (c cell) outputText() string {
	var b strings.Builder
	for _, o := range c.Outputs {
		switch o.OutputType {
		case "stream":
			b.WriteString(text(o.Text))
		case "execute_result", "display_data":
			b.WriteString(text(o.Data["text/plain"]))
			b.WriteByte('\n')
		case "error":
			fmt.Fprintf(&b, "%s: %s\n", o.EName, o.EValue)
		}
	}
	return b.String()
}

func (c cell) tagged(tag string) bool {
	for _, t := range c.Metadata.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

func readNotebook(t *testing.T, path string) notebook {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return nb
}

// lessons returns the lesson notebooks of a language, without its index.
func lessons(t *testing.T, lang string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(lang, "[0-9]*.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// TestStoredExecuted checks the notebooks as stored: every lesson in
// every language, run with this kernel, every code cell executed in order
// without error unless tagged raises-exception, and every check of a
// cell met by its stored output.
func TestStoredExecuted(t *testing.T) {
	var names []string
	for _, p := range lessons(t, "en") {
		names = append(names, filepath.Base(p))
	}
	if len(names) == 0 {
		t.Skip("no lessons in en/")
	}
	for _, lang := range languages {
		if _, err := os.Stat(filepath.Join(lang, "index.ipynb")); err != nil {
			t.Errorf("%s: no index.ipynb", lang)
		}
		for _, name := range names {
			path := filepath.Join(lang, name)
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s: lesson missing in %s", name, lang)
				continue
			}
			nb := readNotebook(t, path)
			if nb.Metadata.Kernelspec.Name != "golessons" {
				t.Errorf("%s: kernel %q", path, nb.Metadata.Kernelspec.Name)
			}
			count := 0
			for i, c := range nb.Cells {
				if c.CellType != "code" {
					continue
				}
				count++
				if c.ExecutionCount == nil || *c.ExecutionCount != count {
					t.Errorf("%s: code cell %d (cell %d) not executed in order: %v", path, count, i, c.ExecutionCount)
				}
				for _, o := range c.Outputs {
					if o.OutputType == "error" && !c.tagged("raises-exception") {
						t.Errorf("%s: cell %d failed: %s: %s", path, i, o.EName, o.EValue)
					}
				}
				for _, err := range runChecks(c) {
					t.Errorf("%s: cell %d as stored: %v", path, i, err)
				}
			}
		}
	}
	// The three languages have the same code cells.
	for _, name := range names {
		want := codeCells(t, filepath.Join("en", name))
		for _, lang := range languages[1:] {
			path := filepath.Join(lang, name)
			if _, err := os.Stat(path); err == nil {
				if got := codeCells(t, path); got != want {
					t.Errorf("%s has %d code cells, en/%s %d", path, got, name, want)
				}
			}
		}
	}
}

func codeCells(t *testing.T, path string) int {
	n := 0
	for _, c := range readNotebook(t, path).Cells {
		if c.CellType == "code" {
			n++
		}
	}
	return n
}

// runChecks returns the checks of c its output does not meet.
func runChecks(c cell) []error {
	out := c.outputText()
	var errs []error
	for _, ch := range c.Metadata.Golessons.Checks {
		switch {
		case ch.Contains != "":
			if !strings.Contains(out, ch.Contains) {
				errs = append(errs, fmt.Errorf("output lacks %q:\n%s", ch.Contains, out))
			}
		case ch.Matches != "":
			re, err := regexp.Compile(ch.Matches)
			if err != nil {
				errs = append(errs, fmt.Errorf("check %q: %v", ch.Matches, err))
			} else if !re.MatchString(out) {
				errs = append(errs, fmt.Errorf("output does not match %q:\n%s", ch.Matches, out))
			}
		case ch.Absent != "":
			if strings.Contains(out, ch.Absent) {
				errs = append(errs, fmt.Errorf("output has %q:\n%s", ch.Absent, out))
			}
		case len(ch.Less) == 2:
			a, errA := number(out, ch.Less[0])
			b, errB := number(out, ch.Less[1])
			switch {
			case errA != nil:
				errs = append(errs, errA)
			case errB != nil:
				errs = append(errs, errB)
			case a >= b:
				errs = append(errs, fmt.Errorf("%q gives %v, not less than %v from %q:\n%s", ch.Less[0], a, b, ch.Less[1], out))
			}
		default:
			errs = append(errs, fmt.Errorf("check %+v asks for nothing", ch))
		}
	}
	return errs
}

// number returns the number or duration, in seconds, that the first group
// of expr captures in out.
func number(out, expr string) (float64, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return 0, fmt.Errorf("check %q: %v", expr, err)
	}
	m := re.FindStringSubmatch(out)
	if len(m) < 2 {
		return 0, fmt.Errorf("output does not match %q:\n%s", expr, out)
	}
	if d, err := time.ParseDuration(m[1]); err == nil {
		return d.Seconds(), nil
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("%q captured %q, not a number or duration", expr, m[1])
	}
	return f, nil
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		out, expr string
		want      float64
	}{
		{"sequential: 1.5s\n", `sequential: (\S+)`, 1.5},
		{"parallel: 350ms", `parallel: (\S+)`, 0.35},
		{"took 1m3.5s", `took (\S+)`, 63.5},
		{"count = 42", `count = (\d+)`, 42},
	} {
		got, err := number(tc.out, tc.expr)
		if err != nil || got != tc.want {
			t.Errorf("number(%q, %q) = %v, %v; want %v", tc.out, tc.expr, got, err, tc.want)
		}
	}
}

// jupyter returns the environment in which Jupyter finds this module's
// kernel, freshly built and installed as "golessons", the kernel the
// notebooks name.
func jupyter(t *testing.T) []string {
	return jupytertest.Env(t, "golessons", "nbclient", "nbconvert")
}

// TestLessonsExecute executes every lesson headless with the kernel
// (nbclient, through nbconvert) and checks each teaching point in the new
// outputs.
func TestLessonsExecute(t *testing.T) {
	if testing.Short() {
		t.Skip("executing every lesson takes minutes")
	}
	env := jupyter(t)
	out := t.TempDir()
	for _, lang := range languages {
		for _, path := range lessons(t, lang) {
			t.Run(path, func(t *testing.T) {
				dst := filepath.Join(out, lang)
				start := time.Now()
				cmd := exec.Command(jupytertest.Python, "-m", "nbconvert", "--to", "notebook", "--execute",
					"--ExecutePreprocessor.timeout=600", "--output-dir", dst, path)
				cmd.Env = env
				if b, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("nbconvert: %v\n%s", err, b)
				}
				nb := readNotebook(t, filepath.Join(dst, filepath.Base(path)))
				checks := 0
				for i, c := range nb.Cells {
					for _, o := range c.Outputs {
						if o.OutputType == "error" && !c.tagged("raises-exception") {
							t.Errorf("cell %d failed: %s: %s", i, o.EName, o.EValue)
						}
					}
					checks += len(c.Metadata.Golessons.Checks)
					for _, err := range runChecks(c) {
						t.Errorf("cell %d: %v", i, err)
					}
				}
				t.Logf("%d checks in %v", checks, time.Since(start).Round(time.Second))
			})
		}
	}
}

// TestHTMLExport exports the lessons with html.sh and checks the pages:
// one per notebook, links between them that resolve, no link left to a
// notebook, and the pictures inline.
func TestHTMLExport(t *testing.T) {
	env := jupyter(t)
	out := t.TempDir()
	cmd := exec.Command("./html.sh", out)
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("html.sh: %v\n%s", err, b)
	}
	notebooks, _ := filepath.Glob("*.ipynb")
	for _, lang := range languages {
		more, _ := filepath.Glob(filepath.Join(lang, "*.ipynb"))
		notebooks = append(notebooks, more...)
	}
	href := regexp.MustCompile(`href="([^"#:]+)(#[^"]*)?"`)
	for _, nb := range notebooks {
		page := filepath.Join(out, strings.TrimSuffix(nb, ".ipynb")+".html")
		data, err := os.ReadFile(page)
		if err != nil {
			t.Errorf("%s: no page: %v", nb, err)
			continue
		}
		html := string(data)
		for _, m := range href.FindAllStringSubmatch(html, -1) {
			link := m[1]
			if strings.HasSuffix(link, ".ipynb") {
				t.Errorf("%s: a link to a notebook is left: %s", page, link)
			}
			if strings.HasSuffix(link, ".html") {
				if _, err := os.Stat(filepath.Join(filepath.Dir(page), link)); err != nil {
					t.Errorf("%s: link to %s, which is not exported", page, link)
				}
			}
		}
		// Pictures the notebook shows are in the page itself.
		stored, _ := os.ReadFile(nb)
		if strings.Contains(string(stored), "<svg") && !strings.Contains(html, "<svg") {
			t.Errorf("%s: the notebook shows SVG pictures, the page none", page)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Error("no index.html at the top")
	}
}
