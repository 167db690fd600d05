// Package sites stands in, offline, for the lessons' two kinds of
// workload: downloading web sites, which waits on the network (IO-bound),
// and hashing passwords, which keeps a processor busy (CPU-bound).
//
// A Server serves the lessons' sixteen sites on 127.0.0.1, each answering
// after a set latency with as many bytes as the real site sent, so that
// downloading them one after the other takes about sixteen times the
// latency while a pool of goroutines overlaps the waits:
//
//	s, _ := sites.Start(100*time.Millisecond, 0)
//	defer s.Close()
//	for _, url := range s.URLs() {
//		n, _ := sites.Download(url)
//		fmt.Printf("Read %d from %s\n", n, s.Name(url))
//	}
//
// The server counts the requests it is answering at once; MaxInFlight
// shows whether downloads really overlapped.
//
// PBKDF2, CPUWork, MixedWork and DoWork are the CPU-bound side: the
// lessons' hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 100000),
// alone or after a sleep.
package sites

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golessons/golessons/lessons/logging"
)

// seedSites are the lessons' sites, in the lessons' order, with the number
// of bytes each sent when the lessons downloaded them.
var seedSites = [NumSites]struct {
	name string
	size int
}{
	{"https://www.yahoo.com/", 332919},
	{"http://www.cnn.com", 1122956},
	{"http://www.python.org", 49061},
	{"http://www.jython.org", 10287},
	{"http://www.pypy.org", 6761},
	{"http://www.perl.org", 12310},
	{"http://www.cisco.com", 92271},
	{"http://www.facebook.com", 132310},
	{"http://www.twitter.com", 299504},
	{"http://www.macrumors.com/", 332984},
	{"http://arstechnica.com/", 87428},
	{"http://www.reuters.com/", 197151},
	{"http://abcnews.go.com/", 202455},
	{"http://www.cnbc.com/", 903057},
	{"http://olympus.realpython.org/dice", 274},
	{"https://realpython.com/", 38714},
}

// NumSites is the number of the lessons' sites.
const NumSites = 16

// Names returns the names (the real addresses) of the lessons' sixteen
// sites, in the lessons' order: "https://www.yahoo.com/",
// "http://www.cnn.com", and so on.
func Names() []string {
	names := make([]string, NumSites)
	for i, s := range seedSites {
		names[i] = s.name
	}
	return names
}

// Options configure a Server started by StartWith.
type Options struct {
	// Latency is how long each site waits before it answers.
	Latency time.Duration
	// Jitter, when positive, adds to each site's latency a random
	// duration in [0, Jitter), drawn once per site from a generator
	// seeded with Seed: a site answers every request after the same
	// time, and the same Seed gives the same times.
	Jitter time.Duration
	// Seed seeds the jitter.
	Seed int64
	// Size is the number of bytes every site answers with. When it is
	// zero or less, each of the lessons' sites answers with as many bytes
	// as the real site sent (1122956 for http://www.cnn.com, 274 for
	// http://olympus.realpython.org/dice, ...).
	Size int
	// Sites is the number of sites served, at /site/0, /site/1, ...;
	// zero or less means the lessons' sixteen. Site i, for i of sixteen
	// or more, has the size of site i%16.
	Sites int
}

// Server serves fake sites on 127.0.0.1. Its methods may be called from
// several goroutines at once.
type Server struct {
	base   string // "http://127.0.0.1:port"
	opts   Options
	delays []time.Duration // per site
	sizes  []int           // per site
	srv    *http.Server
	served chan struct{} // closed when Serve has returned
	done   chan struct{} // closed by Close, to cut short the waits
	once   sync.Once
	// Requests being answered hold active for reading; Close takes it
	// for writing, which waits for them to end.
	active sync.RWMutex

	inFlight atomic.Int64
	max      atomic.Int64
	requests atomic.Int64
}

// Start starts a server of the lessons' sixteen sites on 127.0.0.1, on a
// free port, each answering after latency with size bytes, or, when size
// is zero or less, with as many bytes as the real site sent. Close it when
// done.
func Start(latency time.Duration, size int) (*Server, error) {
	return StartWith(Options{Latency: latency, Size: size})
}

// StartWith starts a server configured by opts on 127.0.0.1, on a free
// port. Close it when done.
func StartWith(opts Options) (*Server, error) {
	if opts.Sites <= 0 {
		opts.Sites = NumSites
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sites: %w", err)
	}
	s := &Server{
		base:   "http://" + ln.Addr().String(),
		opts:   opts,
		delays: make([]time.Duration, opts.Sites),
		sizes:  make([]int, opts.Sites),
		served: make(chan struct{}),
		done:   make(chan struct{}),
	}
	for i := range opts.Sites {
		s.delays[i] = max(opts.Latency, 0)
		if opts.Jitter > 0 {
			r := rand.New(rand.NewPCG(uint64(opts.Seed), uint64(i)))
			s.delays[i] += time.Duration(r.Int64N(int64(opts.Jitter)))
		}
		s.sizes[i] = opts.Size
		if opts.Size <= 0 {
			s.sizes[i] = seedSites[i%NumSites].size
		}
	}
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serve),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		defer close(s.served)
		s.srv.Serve(ln) // returns http.ErrServerClosed once Close is called
	}()
	return s, nil
}

// serve answers a request for /site/i after site i's delay.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.active.RLock()
	defer s.active.RUnlock()
	select {
	case <-s.done: // closed, and only answering to let Close end
		panic(http.ErrAbortHandler)
	default:
	}
	i, ok := s.site(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.requests.Add(1)
	s.raiseMax(s.inFlight.Add(1))
	defer s.inFlight.Add(-1)

	t := time.NewTimer(s.delays[i])
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done(): // the client went away
		return
	case <-s.done:
		// Break the connection, so that the client sees an error
		// rather than an empty answer.
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(s.sizes[i]))
	for left := s.sizes[i]; left > 0; {
		chunk := page[:min(left, len(page))]
		if _, err := w.Write(chunk); err != nil {
			return
		}
		left -= len(chunk)
	}
}

// raiseMax makes the largest number of requests in flight seen at least n.
func (s *Server) raiseMax(n int64) {
	for {
		m := s.max.Load()
		if n <= m || s.max.CompareAndSwap(m, n) {
			return
		}
	}
}

// site returns the index of the site at path, "/site/i".
func (s *Server) site(path string) (int, bool) {
	rest, ok := strings.CutPrefix(path, "/site/")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(rest)
	if err != nil || i < 0 || i >= len(s.sizes) || rest != strconv.Itoa(i) {
		return 0, false
	}
	return i, true
}

// page is what the sites send, repeated as often as needed.
var page = bytes.Repeat([]byte("<p>golessons fake site: all play, no network.</p>\n"), 1<<10)

// Close stops the server: it stops listening, so that its port is free
// again, cuts short the requests being answered, and waits for them to
// end. It also closes the idle connections Download keeps. Calling Close
// more than once does nothing.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.done)
		s.srv.Close()
		<-s.served
		s.active.Lock() // once the requests being answered have ended
		s.active.Unlock()
		transport.CloseIdleConnections()
	})
}

// URLs returns the local addresses of all the server's sites, site 0
// first: with Start, the lessons' sixteen sites in the lessons' order.
func (s *Server) URLs() []string {
	urls := make([]string, len(s.sizes))
	for i := range urls {
		urls[i] = s.site2url(i)
	}
	return urls
}

func (s *Server) site2url(i int) string {
	return s.base + "/site/" + strconv.Itoa(i)
}

// URL returns the local address of the site called name, one of the
// lessons' sites, such as "http://www.jython.org" (the scheme and a final
// slash do not matter, so "https://www.jython.org/" and "www.jython.org"
// name the same site). It returns "" for a name not known.
func (s *Server) URL(name string) string {
	key := normalize(name)
	for i, site := range seedSites {
		if i < len(s.sizes) && normalize(site.name) == key {
			return s.site2url(i)
		}
	}
	return ""
}

// normalize drops the scheme and the final slash of a site's name.
func normalize(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if _, rest, ok := strings.Cut(name, "://"); ok {
		name = rest
	}
	return strings.TrimSuffix(name, "/")
}

// Name returns the name of the site at url, one of the server's
// addresses: the real address of one of the lessons' sites, such as
// "http://www.cnn.com", or "site/i" for the sites past the sixteenth. It
// returns url itself for an address not the server's.
func (s *Server) Name(url string) string {
	rest, ok := strings.CutPrefix(url, s.base)
	if !ok {
		return url
	}
	i, ok := s.site(rest)
	if !ok {
		return url
	}
	if i < NumSites {
		return seedSites[i].name
	}
	return "site/" + strconv.Itoa(i)
}

// Size returns the number of bytes the site at url answers with, or -1
// for an address not the server's.
func (s *Server) Size(url string) int {
	rest, ok := strings.CutPrefix(url, s.base)
	if !ok {
		return -1
	}
	i, ok := s.site(rest)
	if !ok {
		return -1
	}
	return s.sizes[i]
}

// Latency returns how long the site at url waits before it answers, or
// -1 for an address not the server's.
func (s *Server) Latency(url string) time.Duration {
	rest, ok := strings.CutPrefix(url, s.base)
	if !ok {
		return -1
	}
	i, ok := s.site(rest)
	if !ok {
		return -1
	}
	return s.delays[i]
}

// InFlight returns the number of requests the server is answering now.
func (s *Server) InFlight() int { return int(s.inFlight.Load()) }

// MaxInFlight returns the largest number of requests the server has been
// answering at once since it started or since ResetStats: 1 when the
// sites were downloaded one after the other, more when downloads
// overlapped.
func (s *Server) MaxInFlight() int { return int(s.max.Load()) }

// Requests returns the number of requests for the sites the server has
// received since it started or since ResetStats.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// ResetStats sets MaxInFlight and Requests back to zero (or, for
// MaxInFlight, to the requests being answered now), so that one server can
// measure several ways of downloading.
func (s *Server) ResetStats() {
	s.requests.Store(0)
	s.max.Store(s.inFlight.Load())
}

// transport and client are shared by all the calls of Download, so that
// connections are kept and reused, as the lessons' requests.Session and
// aiohttp.ClientSession do.
var (
	transport = &http.Transport{
		Proxy:               nil, // the sites are local
		MaxIdleConns:        100,
		MaxIdleConnsPerHost: 100,
		IdleConnTimeout:     30 * time.Second,
	}
	client = &http.Client{Transport: transport, Timeout: 5 * time.Minute}
)

// Download gets url with an HTTP GET and returns the number of bytes of
// the answer's body. It may be called from several goroutines at once;
// all calls share one http.Client. An answer other than 200 OK is an
// error.
func Download(url string) (int, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return int(n), err
	}
	if resp.StatusCode != http.StatusOK {
		return int(n), fmt.Errorf("sites: GET %s: %s", url, resp.Status)
	}
	return int(n), nil
}

// SeedIterations is the number of iterations of the lessons' PBKDF2:
// hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 100000).
const SeedIterations = 100000

// SeedPause is how long the lessons' mixed workload sleeps at a time.
const SeedPause = 500 * time.Millisecond

// PBKDF2 returns the 32-byte key PBKDF2-HMAC-SHA256 derives from password
// and salt with the number of iterations (less than 1 counts as 1), as
// Python's hashlib.pbkdf2_hmac("sha256", password, salt, iterations)
// does. It keeps one processor busy while it runs.
func PBKDF2(password, salt string, iterations int) []byte {
	key, err := pbkdf2.Key(sha256.New, password, []byte(salt), iterations, sha256.Size)
	if err != nil { // only in FIPS 140-only mode, which refuses short salts
		panic(errors.New("sites: " + err.Error()))
	}
	return key
}

// CPUWork runs the lessons' CPU-bound task, PBKDF2("password", "salt",
// iterations), and returns how long it took. With SeedIterations, it is
// the lessons' hashlib.pbkdf2_hmac("sha256", b"password", b"salt",
// 100000).
func CPUWork(iterations int) time.Duration {
	start := time.Now()
	PBKDF2("password", "salt", iterations)
	return time.Since(start)
}

// MixedWork sleeps for sleep, which keeps no processor busy, then runs
// CPUWork(iterations), which keeps one busy, and returns how long both
// took. The sleep is recorded as the logging package's Sleep records it.
func MixedWork(sleep time.Duration, iterations int) time.Duration {
	start := time.Now()
	if sleep > 0 {
		logging.Sleep(sleep)
	}
	CPUWork(iterations)
	return time.Since(start)
}

// DoWork is the lessons' do_work(n): it sleeps for pause once for each
// even i below n (the lessons' t1, with pause SeedPause), then runs
// CPUWork(SeedIterations) n times (the lessons' t2), and returns how long
// all of it took. The lessons print "Work for n finished in ...s" with it.
func DoWork(n int, pause time.Duration) time.Duration {
	start := time.Now()
	for i := range n {
		if i%2 == 0 {
			logging.Sleep(pause)
		}
	}
	for range n {
		CPUWork(SeedIterations)
	}
	return time.Since(start)
}
