package sites

import (
	"encoding/hex"
	"net"
	"net/url"
	"runtime"
	"sync"
	"testing"
	"time"
)

// noLeaks fails the test if, once it has ended, more goroutines run than
// when noLeaks was called.
func noLeaks(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				t.Errorf("%d goroutines left running, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := StartWith(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestSizes(t *testing.T) {
	noLeaks(t)
	s := start(t, Options{})
	urls := s.URLs()
	if len(urls) != NumSites || NumSites != 16 {
		t.Fatalf("%d URLs, NumSites = %d, want 16", len(urls), NumSites)
	}
	names := Names()
	for i, u := range urls {
		pu, err := url.Parse(u)
		if err != nil || pu.Scheme != "http" || pu.Hostname() != "127.0.0.1" {
			t.Errorf("URL %q is not local", u)
		}
		if got := s.Name(u); got != names[i] {
			t.Errorf("Name(%q) = %q, want %q", u, got, names[i])
		}
		if got := s.URL(names[i]); got != u {
			t.Errorf("URL(%q) = %q, want %q", names[i], got, u)
		}
		n, err := Download(u)
		if err != nil {
			t.Fatal(err)
		}
		if want := seedSites[i].size; n != want || s.Size(u) != want {
			t.Errorf("%s: read %d bytes, Size %d, want %d", names[i], n, s.Size(u), want)
		}
	}
	if s.Requests() != NumSites {
		t.Errorf("Requests = %d, want %d", s.Requests(), NumSites)
	}

	// Other spellings of a name.
	jython := s.URL("http://www.jython.org")
	for _, name := range []string{"https://www.jython.org", "https://www.jython.org/", "WWW.Jython.org"} {
		if got := s.URL(name); got != jython {
			t.Errorf("URL(%q) = %q, want %q", name, got, jython)
		}
	}
	if got := s.URL("http://www.example.com"); got != "" {
		t.Errorf("URL of an unknown site = %q, want \"\"", got)
	}
	if got := s.Name("http://elsewhere/site/1"); got != "http://elsewhere/site/1" {
		t.Errorf("Name of another address = %q", got)
	}
	if s.Size("http://elsewhere/") != -1 || s.Latency("http://elsewhere/") != -1 {
		t.Errorf("Size or Latency of another address not -1")
	}
}

func TestFixedSizeAndMoreSites(t *testing.T) {
	noLeaks(t)
	s := start(t, Options{Size: 3000, Sites: 40})
	urls := s.URLs()
	if len(urls) != 40 {
		t.Fatalf("%d URLs, want 40", len(urls))
	}
	for _, u := range urls {
		if n, err := Download(u); err != nil || n != 3000 {
			t.Errorf("%s: read %d, %v; want 3000 bytes", u, n, err)
		}
	}
	if got := s.Name(urls[20]); got != "site/20" {
		t.Errorf("Name of site 20 = %q", got)
	}
	if got := s.Name(urls[3]); got != "http://www.jython.org" {
		t.Errorf("Name of site 3 = %q", got)
	}

	big := start(t, Options{Sites: 20})
	if got, want := big.Size(big.URLs()[17]), seedSites[1].size; got != want {
		t.Errorf("site 17 has size %d, want site 1's, %d", got, want)
	}
}

func TestNotFound(t *testing.T) {
	noLeaks(t)
	s := start(t, Options{})
	base := s.URLs()[0]
	base = base[:len(base)-len("/site/0")]
	for _, path := range []string{"/", "/site/", "/site/16", "/site/-1", "/site/01", "/site/x", "/other/1"} {
		if _, err := Download(base + path); err == nil {
			t.Errorf("GET %s: no error", path)
		}
	}
	if s.Requests() != 0 || s.MaxInFlight() != 0 {
		t.Errorf("requests not for a site counted: Requests %d, MaxInFlight %d", s.Requests(), s.MaxInFlight())
	}
}

func TestSequentialAndConcurrent(t *testing.T) {
	noLeaks(t)
	const latency = 50 * time.Millisecond
	s, err := Start(latency, 1000)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	start := time.Now()
	for _, u := range s.URLs() {
		if _, err := Download(u); err != nil {
			t.Fatal(err)
		}
	}
	seq := time.Since(start)
	if s.MaxInFlight() != 1 || s.Requests() != NumSites {
		t.Errorf("sequential: MaxInFlight %d, Requests %d; want 1, %d", s.MaxInFlight(), s.Requests(), NumSites)
	}
	if seq < NumSites*latency {
		t.Errorf("sequential downloads took %v, less than %d×%v", seq, NumSites, latency)
	}

	s.ResetStats()
	if s.MaxInFlight() != 0 || s.Requests() != 0 {
		t.Errorf("after ResetStats: MaxInFlight %d, Requests %d", s.MaxInFlight(), s.Requests())
	}
	const workers = 8
	urls := make(chan string)
	var wg sync.WaitGroup
	start = time.Now()
	for range workers {
		wg.Go(func() {
			for u := range urls {
				if _, err := Download(u); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for _, u := range s.URLs() {
		urls <- u
	}
	close(urls)
	wg.Wait()
	conc := time.Since(start)
	if m := s.MaxInFlight(); m <= 1 || m > workers {
		t.Errorf("concurrent: MaxInFlight = %d, want 2 to %d", m, workers)
	}
	if s.Requests() != NumSites {
		t.Errorf("concurrent: Requests = %d, want %d", s.Requests(), NumSites)
	}
	if s.InFlight() != 0 {
		t.Errorf("InFlight = %d after the downloads", s.InFlight())
	}
	if conc < NumSites/workers*latency {
		t.Errorf("concurrent downloads took %v, less than %d×%v", conc, NumSites/workers, latency)
	}
	t.Logf("16 sites, latency %v: sequential %v, %d workers %v (max in flight %d)", latency, seq, workers, conc, s.MaxInFlight())
}

func TestJitter(t *testing.T) {
	noLeaks(t)
	opts := Options{Latency: 10 * time.Millisecond, Jitter: 40 * time.Millisecond, Seed: 3, Size: 10}
	a, b := start(t, opts), start(t, opts)
	opts.Seed = 4
	c := start(t, opts)
	same, differ := true, false
	first := a.Latency(a.URLs()[0])
	for i, u := range a.URLs() {
		d := a.Latency(u)
		if d < opts.Latency || d >= opts.Latency+opts.Jitter {
			t.Errorf("site %d: latency %v not in [%v, %v)", i, d, opts.Latency, opts.Latency+opts.Jitter)
		}
		if d != b.Latency(b.URLs()[i]) {
			t.Errorf("site %d: latency differs for the same seed", i)
		}
		same = same && d == c.Latency(c.URLs()[i])
		differ = differ || d != first
	}
	if same {
		t.Errorf("seeds 3 and 4 give the same latencies")
	}
	if !differ {
		t.Errorf("all sites have the same latency despite jitter")
	}
	// A site answers after its own latency.
	u := a.URLs()[5]
	begin := time.Now()
	if _, err := Download(u); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took < a.Latency(u) {
		t.Errorf("site answered in %v, before its latency %v", took, a.Latency(u))
	}

	plain := start(t, Options{Latency: 7 * time.Millisecond})
	for _, u := range plain.URLs() {
		if plain.Latency(u) != 7*time.Millisecond {
			t.Errorf("no jitter: latency %v", plain.Latency(u))
		}
	}
}

func TestCloseFreesPort(t *testing.T) {
	noLeaks(t)
	s, err := Start(0, 100)
	if err != nil {
		t.Fatal(err)
	}
	u := s.URLs()[0]
	if _, err := Download(u); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close() // twice is fine
	if _, err := Download(u); err == nil {
		t.Errorf("Download after Close: no error")
	}
	pu, _ := url.Parse(u)
	ln, err := net.Listen("tcp", pu.Host)
	if err != nil {
		t.Fatalf("port not free after Close: %v", err)
	}
	ln.Close()
}

func TestCloseCutsShort(t *testing.T) {
	noLeaks(t)
	s, err := Start(time.Hour, 100)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 3)
	for _, u := range s.URLs()[:3] {
		go func() {
			_, err := Download(u)
			errs <- err
		}()
	}
	for deadline := time.Now().Add(10 * time.Second); s.InFlight() < 3; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("InFlight = %d, want 3", s.InFlight())
		}
	}
	if s.MaxInFlight() != 3 {
		t.Errorf("MaxInFlight = %d, want 3", s.MaxInFlight())
	}
	done := make(chan struct{})
	go func() {
		s.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not cut short the waiting requests")
	}
	for range 3 {
		if err := <-errs; err == nil {
			t.Errorf("Download cut short by Close: no error")
		}
	}
	if s.InFlight() != 0 {
		t.Errorf("InFlight = %d after Close", s.InFlight())
	}
}

func TestPBKDF2(t *testing.T) {
	// PBKDF2-HMAC-SHA256 vectors, as Python's hashlib.pbkdf2_hmac gives
	// them.
	tests := []struct {
		password, salt string
		iterations     int
		want           string
	}{
		{"password", "salt", 1, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"},
		{"password", "salt", 2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"},
		{"password", "salt", 4096, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"},
		{"password", "salt", SeedIterations, "0394a2ede332c9a13eb82e9b24631604c31df978b4e2f0fbd2c549944f9d79a5"},
		{"passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1f"},
	}
	for _, tt := range tests {
		got := PBKDF2(tt.password, tt.salt, tt.iterations)
		if len(got) != 32 {
			t.Errorf("PBKDF2(%q, %q, %d): %d bytes, want 32", tt.password, tt.salt, tt.iterations, len(got))
		}
		if h := hex.EncodeToString(got); h[:len(tt.want)] != tt.want {
			t.Errorf("PBKDF2(%q, %q, %d) = %s, want %s", tt.password, tt.salt, tt.iterations, h, tt.want)
		}
	}
	if a, b := PBKDF2("password", "salt", 0), PBKDF2("password", "salt", 1); hex.EncodeToString(a) != hex.EncodeToString(b) {
		t.Errorf("0 iterations differ from 1")
	}
}

func TestWork(t *testing.T) {
	if d := CPUWork(1000); d <= 0 {
		t.Errorf("CPUWork took %v", d)
	}
	const sleep = 20 * time.Millisecond
	if d := MixedWork(sleep, 1000); d < sleep {
		t.Errorf("MixedWork took %v, less than its sleep %v", d, sleep)
	}
	if d := MixedWork(0, 1); d < 0 {
		t.Errorf("MixedWork took %v", d)
	}
	// do_work(3) sleeps twice (i = 0 and 2) and hashes three times.
	if d := DoWork(3, sleep); d < 2*sleep {
		t.Errorf("DoWork(3) took %v, less than 2×%v", d, sleep)
	}
	if d := DoWork(0, time.Hour); d > time.Minute {
		t.Errorf("DoWork(0) took %v", d)
	}
}
