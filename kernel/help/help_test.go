package help

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestComplete(t *testing.T) {
	h := New()
	h.AddCell("import \"strings\"\ntype point struct{ X, Y int }\nfunc (p point) Sum() int { return p.X + p.Y }\nfunc twice(n int) int { return 2 * n }\nfunc mk() *point { return &point{} }\nvar total = 3\nvar pt point\nvar sb strings.Builder")
	for _, tc := range []struct {
		code      string
		cursor    int // -1: end of code
		want      []string
		start     int
		notWanted string
	}{
		{code: "fmt.Prin", cursor: -1, want: []string{"Print", "Printf", "Println"}, start: 4},
		{code: "strings.ToUp", cursor: -1, want: []string{"ToUpper"}, start: 8},
		{code: "twi", cursor: -1, want: []string{"twice"}, start: 0},
		{code: "tot", cursor: -1, want: []string{"total"}, start: 0},
		{code: "poi", cursor: -1, want: []string{"point"}, start: 0},
		{code: "fun", cursor: -1, want: []string{"func"}, start: 0},
		{code: "appe", cursor: -1, want: []string{"append"}, start: 0},
		{code: "counter := 1\ncou", cursor: -1, want: []string{"counter"}, start: 13},
		// Cursor in code points, after a multi-byte character.
		{code: "s := \"é\"; twi", cursor: 13, want: []string{"twice"}, start: 10},
		{code: "twi(1) + 2", cursor: 3, want: []string{"twice"}, start: 0},
		// Fields and methods of session types, of the cell's own variables
		// and of the standard library's types.
		{code: "pt.", cursor: -1, want: []string{"X", "Y", "Sum"}, start: 3},
		{code: "q := point{1, 2}\nq.", cursor: -1, want: []string{"X", "Sum"}, start: 19},
		{code: "sb.Wr", cursor: -1, want: []string{"WriteString", "WriteByte"}, start: 3},
		{code: "var mu sync.Mutex\nmu.L", cursor: -1, want: []string{"Lock"}, start: 21},
		// Variables made by a call have the type the function returns.
		{code: "b := progress.New(3, \"x\")\nb.", cursor: -1, want: []string{"Add", "Done", "Fail"}, start: 28},
		{code: "q := mk()\nq.", cursor: -1, want: []string{"X", "Sum"}, start: 12},
	} {
		cursor := tc.cursor
		if cursor < 0 {
			cursor = len([]rune(tc.code))
		}
		r := h.Complete(tc.code, cursor)
		if r.Status != "ok" {
			t.Errorf("%q: status %s", tc.code, r.Status)
		}
		for _, w := range tc.want {
			if !slices.Contains(r.Matches, w) {
				t.Errorf("%q: matches %v lack %q", tc.code, r.Matches, w)
			}
		}
		if r.CursorStart != tc.start || r.CursorEnd != cursor {
			t.Errorf("%q: cursor %d-%d, want %d-%d", tc.code, r.CursorStart, r.CursorEnd, tc.start, cursor)
		}
		if _, ok := r.Metadata["_jupyter_types_experimental"]; !ok {
			t.Errorf("%q: no type metadata", tc.code)
		}
	}
}

func TestInspect(t *testing.T) {
	h := New()
	h.AddCell("// twice doubles n.\nfunc twice(n int) int { return 2 * n }")
	h.AddCell("import (\n\t\"sync\"\n\t\"github.com/golessons/golessons/lessons/progress\"\n)\n" +
		"// Point is a place.\ntype Point struct {\n\tX int // across\n}\n// Norm measures p.\nfunc (p Point) Norm() int { return p.X }\n" +
		"func origin() *Point { return &Point{} }\nvar mu sync.Mutex\nvar bar = progress.New(3, \"x\")\nvar p Point\nvar q = origin()")
	for _, tc := range []struct {
		code  string
		found bool
		want  string
	}{
		{"fmt.Println", true, "func Println(a ...any) (n int, err error)"},
		{"sync.WaitGroup", true, "type WaitGroup struct"},
		{"twice", true, "twice doubles n."},
		{"len", true, "func len(v Type) int"},
		{"nothingByThatName", false, ""},
		// Members of values, by the type their declaration tells.
		{"mu.Lock", true, "func (m *Mutex) Lock()"},
		{"bar.Add", true, "Add counts n more steps done."},
		{"p.Norm", true, "Norm measures p."},
		{"p.X", true, "X int\n\nacross"},
		{"q.Norm", true, "func (p Point) Norm() int"},
		{"Point.Norm", true, "Norm measures p."},
		{"b := progress.New(1, \"\")\nb.Done", true, "Done finishes the bar"},
		{"var w sync.WaitGroup\nw.Wait", true, "func (wg *WaitGroup) Wait()"},
		{"p.Nope", false, ""},
	} {
		r := h.Inspect(tc.code, len(tc.code), 0)
		if r.Found != tc.found {
			t.Errorf("%q: found %v", tc.code, r.Found)
			continue
		}
		text := fmt.Sprint(r.Data["text/plain"])
		if !strings.Contains(text, tc.want) {
			t.Errorf("%q: got %q, want it to contain %q", tc.code, text, tc.want)
		}
	}
}

func TestPage(t *testing.T) {
	h := New()
	for _, code := range []string{"?strings.Fields", "strings.Fields?"} {
		b, ok := h.Page(code)
		if !ok || !strings.Contains(fmt.Sprint(b["text/plain"]), "Fields splits") {
			t.Errorf("%q: %v %v", code, ok, b)
		}
	}
	if _, ok := h.Page("x := 1"); ok {
		t.Error("a statement was taken for a help request")
	}
}

func TestMagicCellsAreComplete(t *testing.T) {
	for code, want := range map[string]string{
		"%who":                                  "complete",
		"%time fib(20)":                         "complete",
		"%time\nfor i := range 3 {":             "incomplete",
		"%go get github.com/google/uuid@v1.6.0": "complete",
	} {
		if got := IsComplete(code).Status; got != want {
			t.Errorf("IsComplete(%q) = %s, want %s", code, got, want)
		}
	}
}
