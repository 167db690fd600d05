package kernel_test

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
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
