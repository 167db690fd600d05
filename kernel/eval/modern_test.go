package eval

import (
	"context"
	"strings"
	"testing"

	"github.com/golessons/golessons/lessons/logging"
)

func TestModernSemantics(t *testing.T) {
	runSteps(t, []step{
		{code: "import (\n\t\"fmt\"\n\t\"sort\"\n\t\"sync\"\n)"},
		// Per-iteration loop variables, with closures and goroutines.
		{code: "var fs []func()\nfor i := 0; i < 3; i++ {\n\tfs = append(fs, func() { fmt.Print(i) })\n}\nfor _, f := range fs {\n\tf()\n}", out: "012"},
		{code: "var wg sync.WaitGroup\nres := make([]int, 3)\nfor i := 0; i < 3; i++ {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tres[i] = i * 10\n\t}()\n}\nwg.Wait()\nres", result: "[0 10 20]"},
		{code: "var ps []*int\nfor i := 0; i < 3; i++ {\n\tps = append(ps, &i)\n}\nfmt.Print(*ps[0], *ps[1], *ps[2])", out: "0 1 2"},
		// The body may change the variable; the next iteration starts from it.
		{code: "for i := 0; i < 10; i++ {\n\tif i == 2 {\n\t\ti += 5\n\t}\n\tfunc() { fmt.Print(i, \" \") }()\n}", out: "0 1 7 8 9 "},
		{code: "var gs []func()\nfor _, s := range []string{\"a\", \"b\"} {\n\tgs = append(gs, func() { fmt.Print(s) })\n}\nfor _, g := range gs {\n\tg()\n}", out: "ab"},
		{code: "outer:\nfor i := 0; i < 3; i++ {\n\tfor j := 0; j < 3; j++ {\n\t\tif j == 1 {\n\t\t\tcontinue outer\n\t\t}\n\t\tdefer func() {}()\n\t\tfmt.Print(i, j, \";\")\n\t}\n}", out: "0 0;1 0;2 0;"},
		// Range over integers.
		{code: "for i := range 3 {\n\tfmt.Print(i)\n}", out: "012"},
		{code: "n := 4\nsum := 0\nfor i := range n {\n\tsum += i\n}\nsum", result: "6"},
		{code: "func count(n int) int {\n\tc := 0\n\tfor range n {\n\t\tc++\n\t}\n\treturn c\n}\ncount(5)", result: "5"},
		{code: "type cfg struct{ N int }\nc := cfg{N: 2}\nfor i := range c.N {\n\tfmt.Print(i)\n}", out: "01"},
		{code: "var hs []func()\nfor i := range 3 {\n\ths = append(hs, func() { fmt.Print(i) })\n}\nfor _, h := range hs {\n\th()\n}", out: "012"},
		// min, max and clear.
		{code: "min(3, 1, 2)", result: "1"},
		{code: "x := 2.5\nmax(1, x)", result: "2.5"},
		{code: "min(\"b\", \"a\")", result: `"a"`},
		{code: "m := map[string]int{\"a\": 1, \"b\": 2}\nclear(m)\nlen(m)", result: "0"},
		{code: "s := []int{1, 2, 3}\nclear(s)\ns", result: "[0 0 0]"},
		{code: "func max(a, b int) int { return 42 }\nmax(1, 2)", result: "42"},
		// Values of compiled functions work with the generic helpers.
		{code: "import (\n\t\"slices\"\n\t\"github.com/golessons/golessons/lessons/mergesort\"\n)\nls := mergesort.Lists(2, 3, 10, 1)\nfmt.Print(slices.IsSorted(ls[0]) == sort.IntsAreSorted(ls[0]), len(ls))", out: "true 2"},
		{code: "for _, l := range mergesort.Lists(2, 3, 10, 1) {\n\tfmt.Print(slices.Equal(l, l), \" \")\n}", out: "true true "},
		// Ranges over integers computed from constants and compiled ones,
		// next to ranges over slices.
		{code: "const per = 10\nn := mergesort.NumLists / per\nvar xs []int\nfor i := range n {\n\txs = append(xs, i)\n}\nf := func() {\n\tfor range xs {\n\t}\n}\nf()\nfmt.Print(len(xs))", out: "100"},
		// Comma-ok definitions at the top level of a cell.
		{code: "ch := make(chan int, 1)\nch <- 5\nv, ok := <-ch\nfmt.Print(v, ok)", out: "5 true"},
		{code: "_, found := map[string]*int{\"a\": nil}[\"a\"]\nfmt.Print(found)", out: "true"},
		{code: "var anyv any = 3\nn3, isInt := anyv.(int)\nfmt.Print(n3, isInt)", out: "3 true"},
		{code: "p4, ok4 := map[string]int{}[\"x\"]\nfmt.Print(p4, ok4)", out: "0 false"},
		// A cell's deferred calls run after its last statement.
		{code: "import \"context\"\nctx, cancel := context.WithCancel(context.Background())\ndefer cancel()\nfmt.Print(ctx.Err())", out: "<nil>"},
		// Statements separated by semicolons on one line.
		{code: "a1 := 1; b1 := 2\nfmt.Print(a1, b1); fmt.Print(\";\")", out: "1 2;"},
		// Unnamed parameters do not take the place of local variables.
		{code: "func run(f func(int)) { f(1) }\nrun(func(int) { x := \"a\"; fmt.Print(x) })", out: "a"},
		{code: "func h(int, string) { y := 2.5; fmt.Print(y) }\nh(1, \"s\")", out: "2.5"},
		{code: "type unit struct{}\nfunc (unit) show(int) { z := true; fmt.Print(z) }\nunit{}.show(3)", out: "true"},
	})
}

func TestGoroutinePanic(t *testing.T) {
	runSteps(t, []step{
		{code: "import \"time\"\nkept := 1"},
		{code: "go func() { panic(\"boom\") }()\ntime.Sleep(time.Second)", err: "boom (in a goroutine started at cell[2]:1:1)"},
		{code: "kept", result: "1"},
		{code: "func work(n int) { panic(n) }\ngo work(7)\ntime.Sleep(time.Second)", err: "7 (in a goroutine started at cell[4]:2:1)"},
	})
}

func TestStandardLibraryGenerics(t *testing.T) {
	runSteps(t, []step{
		{code: "import (\n\t\"fmt\"\n\t\"maps\"\n\t\"slices\"\n\t\"strings\"\n)\ns := []int{3, 1, 2}\nslices.Sort(s)\ns", result: "[1 2 3]"},
		{code: "fmt.Println(slices.Contains(s, 2), slices.Index(s, 3), slices.Max(s), slices.Min(s))", out: "true 2 3 1\n"},
		{code: "type P struct {\n\tName string\n\tAge  int\n}\nps := []P{{\"b\", 30}, {\"a\", 20}}\nslices.SortFunc(ps, func(x, y P) int { return x.Age - y.Age })\nps[0].Name", result: `"a"`},
		{code: "m := map[string]int{\"b\": 2, \"a\": 1, \"c\": 3}\nslices.Sorted(maps.Keys(m))", result: "[a b c]"},
		{code: "sum := 0\nfor v := range maps.Values(m) {\n\tsum += v\n}\nsum", result: "6"},
		{code: "for i, v := range slices.Backward(s) {\n\tfmt.Print(i, v, \" \")\n}", out: "2 3 1 2 0 1 "},
		{code: "for line := range strings.Lines(\"x\\ny\\n\") {\n\tfmt.Print(\"> \", line)\n}", out: "> x\n> y\n"},
		{code: "for i, v := range slices.All([]string{\"p\", \"q\"}) {\n\tif i == 1 {\n\t\tbreak\n\t}\n\tfmt.Println(i, v)\n}", out: "0 p\n"},
		{code: "c := maps.Clone(m)\nc[\"d\"] = 4\nlen(m) * 10 + len(c)", result: "34"},
		{code: "slices.Equal(slices.Compact([]int{1, 1, 2}), []int{1, 2})", result: "true"},
		// A session's own slices hides the package's.
		{code: "type helpers struct{}\nfunc (helpers) Max(s []int) int { return -1 }\nvar sl helpers\nsl.Max(s)", result: "-1"},
	})
}

func TestGenericResultsAtTopLevel(t *testing.T) {
	runSteps(t, []step{
		{code: "import (\n\t\"maps\"\n\t\"slices\"\n)\nm := map[string]int{\"b\": 2, \"a\": 1}\nkeys := slices.Sorted(maps.Keys(m))\nkeys", result: "[a b]"},
		{code: "func Sum[T int | float64](xs []T) T {\n\tvar s T\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\ntotal := Sum([]int{1, 2, 3})\nhalf := Sum([]float64{0.5, 1})\ntotal*2 + int(half)", result: "13"},
		{code: "c := maps.Clone(m)\nc[\"z\"] = 26\nlen(c) - len(m)", result: "1"},
		{code: "func Two[T any](a, b T) (T, T) { return b, a }\nx, y := Two(\"p\", \"q\")\nx + y", result: `"qp"`},
		{code: "type Stack[T any] struct{ items []T }\nfunc NewStack[T any]() *Stack[T] { return &Stack[T]{} }\nst := NewStack[int]()", err: "cell[5]:3:7: the interpreter cannot tell the type of st here"},
		{code: "var st *Stack[int] = NewStack[int]()\nst.items = append(st.items, 1)\nlen(st.items)", result: "1"},
	})
}

// A loop variable of an earlier cell's top-level loop is not shared with
// a later loop of the same name.
func TestTopLevelLoopsKeepTheirVariables(t *testing.T) {
	runSteps(t, []step{
		{code: "import (\n\t\"fmt\"\n\t\"sync\"\n)\nfor i := 0; i < 2; i++ {\n\tfmt.Print(i)\n}", out: "01"},
		{code: "var wg sync.WaitGroup\nvar mu sync.Mutex\nsum := 0\nfor i := 0; i < 3; i++ {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tmu.Lock()\n\t\tsum += i * 10\n\t\tmu.Unlock()\n\t}()\n}\nwg.Wait()\nsum", result: "30"},
		{code: "i", err: "undefined: i"},
	})
}

// A function literal handed to compiled code that runs it later still sees
// its own iteration's variables.
func TestClosuresPassedToCompiledCode(t *testing.T) {
	runSteps(t, []step{
		{code: "import (\n\t\"fmt\"\n\t\"time\"\n\t\"github.com/golessons/golessons/lessons/logging\"\n)\nres := make([]string, 2)\nvar ts []*logging.Thread\nfor i, w := range []string{\"a\", \"b\"} {\n\tts = append(ts, logging.Go(\"\", func() { time.Sleep(time.Millisecond); res[i] = w }))\n}\nfor _, t := range ts {\n\tt.Join()\n}\nfmt.Print(res)", out: "[a b]"},
		{code: "got := make([]int, 2)\nvar us []*logging.Thread\nfor i := 0; i < 2; i++ {\n\tus = append(us, logging.Go(\"\", func() { time.Sleep(time.Millisecond); got[i] = i*10 + 1 }))\n}\nfor _, u := range us {\n\tu.Join()\n}\nfmt.Print(got)", out: "[1 11]"},
	})
}

// A cell's sleeps are events of the lesson runtime, for timelines.
func TestSleepsAreRecorded(t *testing.T) {
	e, _ := newTest(t)
	logging.Reset()
	if o := e.Execute(context.Background(), "cell[1]", "import (\n\t\"time\"\n\t\"github.com/golessons/golessons/lessons/logging\"\n)\nlogging.Go(\"sleeper\", func() { time.Sleep(time.Millisecond) }).Join()"); o.Err != nil {
		t.Fatal(o.Err.Value)
	}
	var kinds []string
	for _, ev := range logging.Events() {
		if ev.Goroutine == "sleeper" {
			kinds = append(kinds, ev.Kind.String())
		}
	}
	if got := strings.Join(kinds, " "); got != "started sleeping running finished" {
		t.Errorf("events of the goroutine: %s", got)
	}
}

// errgroup, semaphore, singleflight and rate come compiled with the kernel.
func TestPreloadedModules(t *testing.T) {
	runSteps(t, []step{
		{code: "import (\n\t\"context\"\n\t\"fmt\"\n\t\"time\"\n\t\"golang.org/x/sync/errgroup\"\n\t\"golang.org/x/sync/semaphore\"\n\t\"golang.org/x/sync/singleflight\"\n\t\"golang.org/x/time/rate\"\n)"},
		{code: "var g errgroup.Group\nres := make([]int, 3)\nfor i := range 3 {\n\tg.Go(func() error { res[i] = i * i; return nil })\n}\nfmt.Println(g.Wait(), res)", out: "<nil> [0 1 4]\n"},
		{code: "g2, ctx := errgroup.WithContext(context.Background())\ng2.Go(func() error { return fmt.Errorf(\"boom\") })\ng2.Go(func() error { <-ctx.Done(); return ctx.Err() })\ng2.Wait()", result: "boom"},
		{code: "sem := semaphore.NewWeighted(2)\nsem.Acquire(context.Background(), 1)\nsem.TryAcquire(2)", result: "false"},
		{code: "var sf singleflight.Group\nv, _, _ := sf.Do(\"k\", func() (any, error) { return 42, nil })\nv", result: "42"},
		{code: "lim := rate.NewLimiter(rate.Every(10*time.Millisecond), 1)\nstart := time.Now()\nfor range 3 {\n\tlim.Wait(context.Background())\n}\ntime.Since(start) >= 15*time.Millisecond", result: "true"},
	})
}

// TestMinMaxOfCompiledTypes checks min and max of values of a compiled
// package's type, which the generic helpers cannot take.
func TestMinMaxOfCompiledTypes(t *testing.T) {
	runSteps(t, []step{
		{code: "import (\n\t\"fmt\"\n\t\"time\"\n)"},
		// min and max of durations, a type of a compiled package.
		{code: "var w time.Duration\nlate := 3 * time.Millisecond\nw = max(w, late)\nfmt.Print(w, \" \", min(late, time.Second, 2*time.Millisecond))", out: "3ms 2ms"},
		{code: "func worst(ds []time.Duration) time.Duration {\n\tvar m time.Duration\n\tfor _, d := range ds {\n\t\tm = max(m, d)\n\t}\n\treturn m\n}\nfmt.Print(worst([]time.Duration{time.Second, 3 * time.Second}))", out: "3s"},
		{code: "fmt.Print(max(2, 3), min(2.5, 1))", out: "3 1"},
	})
}
