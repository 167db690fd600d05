package kernel_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golessons/golessons/kernel/internal/client"
)

// The benchmarks drive the kernel binary as a front end does, over real
// ZeroMQ sockets. Run them with
//
//	go test -run '^$' -bench . -benchtime 20x ./kernel/

// buildKernel builds the kernel into a temporary directory.
func buildKernel(tb testing.TB) (bin, dir string) {
	tb.Helper()
	dir = tb.TempDir()
	bin = filepath.Join(dir, "golessons")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/golessons/golessons").CombinedOutput(); err != nil {
		tb.Fatalf("build: %v\n%s", err, out)
	}
	return bin, dir
}

func startKernel(tb testing.TB, bin, dir string) *client.Kernel {
	tb.Helper()
	k, err := client.Start(bin, dir)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// BenchmarkColdStart measures the time from starting the kernel process
// to its kernel_info_reply.
func BenchmarkColdStart(b *testing.B) {
	bin, dir := buildKernel(b)
	var total time.Duration
	for range b.N {
		k := startKernel(b, bin, dir)
		if _, err := k.Request("shell", "kernel_info_request", map[string]any{}, 0); err != nil {
			b.Fatal(err)
		}
		total += time.Since(k.Started)
		k.Close()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/start")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkFirstCell measures the time from starting the kernel process to
// the execute_reply of a first cell sent as soon as kernel_info is
// answered: start-up of the evaluating process included.
func BenchmarkFirstCell(b *testing.B) {
	bin, dir := buildKernel(b)
	var total, cell time.Duration
	for range b.N {
		k := startKernel(b, bin, dir)
		if _, err := k.Request("shell", "kernel_info_request", map[string]any{}, 0); err != nil {
			b.Fatal(err)
		}
		sent := time.Now()
		r, err := k.Request("shell", "execute_request", map[string]any{"code": "1 + 1", "silent": false}, 0)
		if err != nil {
			b.Fatal(err)
		}
		if !strings.Contains(string(r.Content), `"status":"ok"`) {
			b.Fatalf("reply %s", r.Content)
		}
		total += time.Since(k.Started)
		cell += time.Since(sent)
		k.Close()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/start-to-first-reply")
	b.ReportMetric(float64(cell.Microseconds())/1000/float64(b.N), "ms/first-cell")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkRoundTrip measures a trivial cell from execute_request to its
// reply and idle status, and the resident memory of kernel and child.
func BenchmarkRoundTrip(b *testing.B) {
	bin, dir := buildKernel(b)
	k := startKernel(b, bin, dir)
	defer k.Close()
	if err := k.WaitIOPub(10 * time.Second); err != nil {
		b.Fatal(err)
	}
	for range 20 { // warm up
		if _, err := k.Execute("1"); err != nil {
			b.Fatal(err)
		}
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		x, err := k.Execute("1")
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		if x.Reply == nil {
			b.Fatal("no reply")
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "ms-p95")
	if rss, err := k.RSS(); err == nil {
		b.ReportMetric(float64(rss)/(1<<20), "MiB-rss")
	}
}

// BenchmarkPrint100kLines measures a cell printing 100,000 lines: the time
// to its idle status and the number of stream messages they arrive in.
func BenchmarkPrint100kLines(b *testing.B) {
	bin, dir := buildKernel(b)
	k := startKernel(b, bin, dir)
	defer k.Close()
	if err := k.WaitIOPub(10 * time.Second); err != nil {
		b.Fatal(err)
	}
	if _, err := k.Execute(`import "fmt"`); err != nil {
		b.Fatal(err)
	}
	const code = "for i := 0; i < 100000; i++ {\n\tfmt.Println(i)\n}"
	var msgs int
	b.ResetTimer()
	for range b.N {
		x, err := k.Execute(code)
		if err != nil {
			b.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(x.Stdout.String(), "\n"), "\n")
		if len(lines) != 100000 || lines[99999] != "99999" {
			b.Fatalf("%d lines arrived, the last %q", len(lines), lines[len(lines)-1])
		}
		for _, m := range x.IOPub {
			if m.Header.MsgType == "stream" {
				msgs++
			}
		}
		var reply struct{ Status string }
		json.Unmarshal(x.Reply.Content, &reply)
		if reply.Status != "ok" {
			b.Fatalf("reply %s", x.Reply.Content)
		}
	}
	b.ReportMetric(float64(msgs)/float64(b.N), "stream-msgs/op")
}

// BenchmarkInterrupt measures, for each kind of cell, the time from an
// interrupt_request sent while the cell runs to the cell's execute_reply.
func BenchmarkInterrupt(b *testing.B) {
	bin, dir := buildKernel(b)
	k := startKernel(b, bin, dir)
	defer k.Close()
	if err := k.WaitIOPub(10 * time.Second); err != nil {
		b.Fatal(err)
	}
	if _, err := k.Execute("import (\n\t\"sync\"\n\t\"time\"\n)\nvar wg sync.WaitGroup\nvar mu sync.Mutex\nfunc spin() { for {} }"); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, code string }{
		{"tight-loop", "for {}"},
		{"loop-in-func", "spin()"},
		{"sleep-loop", "for {\n\ttime.Sleep(10 * time.Millisecond)\n}"},
		{"long-sleep", "time.Sleep(time.Hour)"},
		{"receive", "<-make(chan int)"},
		{"select", "select {}"},
		{"wait-group", "wg.Add(1)\nwg.Wait()"},
		{"mutex", "mu.Lock()\nmu.Lock()"},
		{"goroutines", "for range 4 {\n\tgo func() { for {} }()\n}\nselect {}"},
	} {
		b.Run(c.name, func(b *testing.B) {
			var total time.Duration
			for range b.N {
				id, err := k.Send("shell", "execute_request", map[string]any{"code": c.code, "silent": false, "store_history": true, "allow_stdin": false})
				if err != nil {
					b.Fatal(err)
				}
				time.Sleep(100 * time.Millisecond)
				start := time.Now()
				if _, err := k.Request("control", "interrupt_request", map[string]any{}, 10*time.Second); err != nil {
					b.Fatal(err)
				}
				reply, err := k.Reply("shell", id, 10*time.Second)
				if err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				var r struct{ Ename string }
				json.Unmarshal(reply.Content, &r)
				if r.Ename != "interrupted" {
					b.Fatalf("reply %s", reply.Content)
				}
				// The next cell, which may rebuild the session after a
				// call that could not be interrupted.
				if _, err := k.Execute("1"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/interrupt-to-reply")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkStackOverflow measures a cell whose mutual recursion overflows
// the stack, from execute_request to the reply naming the cycle, the new
// session process started and restored.
func BenchmarkStackOverflow(b *testing.B) {
	bin, dir := buildKernel(b)
	k := startKernel(b, bin, dir)
	defer k.Close()
	if err := k.WaitIOPub(10 * time.Second); err != nil {
		b.Fatal(err)
	}
	if _, err := k.Execute("func foo(n int) int { return boo(n) + 1 }\nfunc boo(n int) int { return foo(n) + 1 }"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		x, err := k.Execute("foo(1)")
		if err != nil {
			b.Fatal(err)
		}
		if !strings.Contains(string(x.Reply.Content), "foo → boo → foo") {
			b.Fatalf("reply %s", x.Reply.Content)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/overflow-to-reply")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkCrashRestore50 measures a cell that ends its session process
// (os.Exit) in a session of 50 declarations: from execute_request to the
// reply, sent once a new process holds the 50 declarations again.
func BenchmarkCrashRestore50(b *testing.B) {
	bin, dir := buildKernel(b)
	k := startKernel(b, bin, dir)
	defer k.Close()
	if err := k.WaitIOPub(10 * time.Second); err != nil {
		b.Fatal(err)
	}
	if _, err := k.Execute("import (\n\t\"fmt\"\n\t\"os\"\n)"); err != nil {
		b.Fatal(err)
	}
	for i := range 10 {
		code := fmt.Sprintf("type T%d struct{ N int }\nfunc (t T%[1]d) String() string { return fmt.Sprint(t.N) }\nfunc f%[1]d(n int) T%[1]d { return T%[1]d{N: n + %[1]d} }\nconst c%[1]d = %[1]d\nvar v%[1]d = f%[1]d(c%[1]d)", i)
		if _, err := k.Execute(code); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		x, err := k.Execute("os.Exit(1)")
		if err != nil {
			b.Fatal(err)
		}
		if !strings.Contains(string(x.Reply.Content), "declarations of earlier cells were restored") {
			b.Fatalf("reply %s", x.Reply.Content)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/crash-to-reply")
	b.ReportMetric(0, "ns/op")
	if x, err := k.Execute("v9.String()"); err != nil || !strings.Contains(string(x.IOPub[len(x.IOPub)-1].Content), `18`) {
		b.Fatalf("after the restores: %v", err)
	}
}

// cellFigures runs code, which prints lines "name: value" with values of
// time.Duration or float, and returns the values by name.
func cellFigures(b *testing.B, k *client.Kernel, code string) map[string]float64 {
	b.Helper()
	x, err := k.Execute(code)
	if err != nil {
		b.Fatal(err)
	}
	figures := map[string]float64{}
	for _, m := range x.IOPub {
		if m.Header.MsgType != "stream" {
			continue
		}
		var c struct{ Text string }
		json.Unmarshal(m.Content, &c)
		for _, line := range strings.Split(c.Text, "\n") {
			name, value, ok := strings.Cut(line, ": ")
			if !ok {
				continue
			}
			if d, err := time.ParseDuration(value); err == nil {
				figures[name] = float64(d.Microseconds()) / 1000
			} else if f, err := strconv.ParseFloat(value, 64); err == nil {
				figures[name] = f
			}
		}
	}
	if len(figures) == 0 {
		b.Fatalf("no figures in %s", x.Reply.Content)
	}
	return figures
}

// BenchmarkProcessPool measures the seeds' CPU-bound workload (pbkdf2,
// 8 calls) serially in the session and in a pool of worker processes of
// lessons/procs, one per core, workers' start-up included.
func BenchmarkProcessPool(b *testing.B) {
	bin, dir := buildKernel(b)
	k := startKernel(b, bin, dir)
	defer k.Close()
	if err := k.WaitIOPub(10 * time.Second); err != nil {
		b.Fatal(err)
	}
	code := "import (\n\t\"fmt\"\n\t\"time\"\n\t\"github.com/golessons/golessons/lessons/procs\"\n\t\"github.com/golessons/golessons/lessons/sites\"\n)\n" +
		"func work(i int) int { return len(sites.PBKDF2(\"password\", fmt.Sprint(i), 200000)) }\n" +
		"start := time.Now()\nfor i := range 8 {\n\twork(i)\n}\nfmt.Println(\"serial:\", time.Since(start))\n" +
		"start = time.Now()\nprocs.With(0, func(p *procs.Pool) {\n\tif _, err := p.Map(\"work\", []int{0, 1, 2, 3, 4, 5, 6, 7}); err != nil {\n\t\tpanic(err)\n\t}\n})\nfmt.Println(\"pool:\", time.Since(start))"
	var serial, pool float64
	for range b.N {
		f := cellFigures(b, k, code)
		serial += f["serial"]
		pool += f["pool"]
	}
	b.ReportMetric(serial/float64(b.N), "ms/serial")
	b.ReportMetric(pool/float64(b.N), "ms/pool")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkNATSTasks measures tasks per second through the embedded NATS
// broker of lessons/tasks: 1000 small tasks sent, then all results
// awaited, with two worker processes of 8 slots each.
func BenchmarkNATSTasks(b *testing.B) {
	bin, dir := buildKernel(b)
	k := startKernel(b, bin, dir)
	defer k.Close()
	if err := k.WaitIOPub(10 * time.Second); err != nil {
		b.Fatal(err)
	}
	setup := "import (\n\t\"fmt\"\n\t\"time\"\n\t\"github.com/golessons/golessons/lessons/tasks\"\n)\n" +
		"func square(x int) int { return x * x }\napp, err := tasks.New(\"bench\")\nif err != nil {\n\tpanic(err)\n}\n" +
		"app.StartWorker(8)\napp.StartWorker(8)\nfmt.Println(\"ready: 1\")"
	cellFigures(b, k, setup)
	code := "start := time.Now()\nvar rs []*tasks.Result\nfor i := range 1000 {\n\trs = append(rs, app.Task(\"square\").Delay(i))\n}\n" +
		"for _, r := range rs {\n\tif _, err := r.GetTimeout(time.Minute); err != nil {\n\t\tpanic(err)\n\t}\n}\nfmt.Println(\"tasks/s:\", 1000/time.Since(start).Seconds())"
	var rate float64
	for range b.N {
		rate += cellFigures(b, k, code)["tasks/s"]
	}
	b.ReportMetric(rate/float64(b.N), "tasks/s")
	b.ReportMetric(0, "ns/op")
	k.Execute("app.Close()")
}
