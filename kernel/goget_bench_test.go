package kernel_test

import (
	"strings"
	"testing"
	"time"
)

// BenchmarkGoGet measures %go get: the time from its execute_request to
// the reply of the next cell, which uses the package, in a session with
// declarations to restore. Each iteration starts with an empty evaluator
// cache (GOLESSONS_CACHE), and measures
//
//   - cold: the first %go get, which writes the kernel's source into the
//     cache, compiles it (the source is new to the go command's build
//     cache) and the module's package, and links the evaluator;
//   - cached: a second kernel asking for the same module, whose evaluator
//     the cache has;
//   - new-set: a third kernel asking for one more module, which builds a
//     new evaluator from source already in the cache.
//
// The modules are github.com/google/uuid and github.com/dustin/go-humanize,
// fetched through the machine's module proxy the first time. Run it with
//
//	go test -run '^$' -bench GoGet -benchtime 3x -timeout 30m ./kernel/
func BenchmarkGoGet(b *testing.B) {
	bin, dir := buildKernel(b)
	phases := []struct{ name, get, use string }{
		{"cold", "github.com/google/uuid", "import \"github.com/google/uuid\"\nlen(uuid.NewString()) + kept"},
		{"cached", "github.com/google/uuid", "import \"github.com/google/uuid\"\nlen(uuid.NewString()) + kept"},
		{"new-set", "github.com/google/uuid github.com/dustin/go-humanize@v1.1.0", "import \"github.com/dustin/go-humanize\"\nhumanize.Bytes(uint64(kept))"},
	}
	total := make([]time.Duration, len(phases))
	for range b.N {
		b.Setenv("GOLESSONS_CACHE", b.TempDir())
		for i, p := range phases {
			k := startKernel(b, bin, dir)
			if err := k.WaitIOPub(10 * time.Second); err != nil {
				b.Fatal(err)
			}
			if _, err := k.Execute("const kept = 1000"); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			get, err := k.Execute("%go get " + p.get)
			if err != nil {
				b.Fatal(err)
			}
			if !strings.Contains(string(get.Reply.Content), `"status":"ok"`) {
				b.Fatalf("%s: %%go get replied %s\n%s", p.name, get.Reply.Content, get.Stdout.String())
			}
			use, err := k.Execute(p.use)
			if err != nil {
				b.Fatal(err)
			}
			total[i] += time.Since(start)
			if !strings.Contains(string(use.Reply.Content), `"status":"ok"`) {
				b.Fatalf("%s: the next cell replied %s", p.name, use.Reply.Content)
			}
			if cached := strings.Contains(get.Stdout.String(), "in the cache"); cached != (p.name == "cached") {
				b.Errorf("%s: %%go get said:\n%s", p.name, get.Stdout.String())
			}
			k.Close()
		}
	}
	for i, p := range phases {
		b.ReportMetric(float64(total[i].Milliseconds())/float64(b.N), "ms-"+p.name)
	}
	b.ReportMetric(0, "ns/op")
}
