package sites_test

import (
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/golessons/golessons/lessons/sites"
)

// Downloading the lessons' sites one after the other: each download waits
// for the one before, so it takes about 16 times the latency.
func Example() {
	s, err := sites.Start(10*time.Millisecond, 0)
	if err != nil {
		panic(err)
	}
	defer s.Close()

	start := time.Now()
	for _, url := range s.URLs() {
		n, err := sites.Download(url)
		if err != nil {
			panic(err)
		}
		fmt.Printf("Read %d from %s\n", n, s.Name(url))
	}
	fmt.Println("at least 16 latencies:", time.Since(start) >= 16*10*time.Millisecond)
	fmt.Println("most requests at once:", s.MaxInFlight())
	// Output:
	// Read 332919 from https://www.yahoo.com/
	// Read 1122956 from http://www.cnn.com
	// Read 49061 from http://www.python.org
	// Read 10287 from http://www.jython.org
	// Read 6761 from http://www.pypy.org
	// Read 12310 from http://www.perl.org
	// Read 92271 from http://www.cisco.com
	// Read 132310 from http://www.facebook.com
	// Read 299504 from http://www.twitter.com
	// Read 332984 from http://www.macrumors.com/
	// Read 87428 from http://arstechnica.com/
	// Read 197151 from http://www.reuters.com/
	// Read 202455 from http://abcnews.go.com/
	// Read 903057 from http://www.cnbc.com/
	// Read 274 from http://olympus.realpython.org/dice
	// Read 38714 from https://realpython.com/
	// at least 16 latencies: true
	// most requests at once: 1
}

// A pool of eight goroutines downloads the sixteen sites: the waits
// overlap, and the server sees several requests at once.
func ExampleServer_MaxInFlight() {
	s, err := sites.Start(100*time.Millisecond, 1000)
	if err != nil {
		panic(err)
	}
	defer s.Close()

	urls := make(chan string)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for url := range urls {
				sites.Download(url)
			}
		})
	}
	for _, url := range s.URLs() {
		urls <- url
	}
	close(urls)
	wg.Wait()
	fmt.Println("requests:", s.Requests())
	fmt.Println("overlapped:", s.MaxInFlight() > 1)
	// Output:
	// requests: 16
	// overlapped: true
}

func ExampleServer_URL() {
	s, err := sites.Start(0, 0)
	if err != nil {
		panic(err)
	}
	defer s.Close()

	url := s.URL("https://www.jython.org")
	n, err := sites.Download(url)
	fmt.Println(s.Name(url), n, err)
	// Output:
	// http://www.jython.org 10287 <nil>
}

func ExampleStartWith() {
	opts := sites.Options{Latency: 20 * time.Millisecond, Jitter: 30 * time.Millisecond, Seed: 1, Size: 500, Sites: 50}
	s, err := sites.StartWith(opts)
	if err != nil {
		panic(err)
	}
	defer s.Close()

	urls := s.URLs()
	d := s.Latency(urls[0])
	fmt.Println(len(urls), "sites; site 0 waits between 20ms and 50ms:", d >= 20*time.Millisecond && d < 50*time.Millisecond)
	n, _ := sites.Download(urls[49])
	fmt.Println(s.Name(urls[49]), n)
	// Output:
	// 50 sites; site 0 waits between 20ms and 50ms: true
	// site/49 500
}

func ExampleNames() {
	names := sites.Names()
	fmt.Println(len(names), names[0], names[len(names)-1])
	// Output:
	// 16 https://www.yahoo.com/ https://realpython.com/
}

func ExamplePBKDF2() {
	key := sites.PBKDF2("password", "salt", 1)
	fmt.Println(hex.EncodeToString(key))
	// Output:
	// 120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b
}

// The lessons' CPU-bound task: hashlib.pbkdf2_hmac("sha256", b"password",
// b"salt", 100000).
func ExampleCPUWork() {
	d := sites.CPUWork(sites.SeedIterations)
	fmt.Println(d > 0)
	// Output:
	// true
}

func ExampleMixedWork() {
	d := sites.MixedWork(50*time.Millisecond, 1000)
	fmt.Println(d >= 50*time.Millisecond)
	// Output:
	// true
}

// The lessons' do_work(n), with a shorter pause than their half second.
func ExampleDoWork() {
	for n := range 3 {
		d := sites.DoWork(n, 10*time.Millisecond)
		fmt.Printf("Work for %d finished: %v\n", n, d > 0)
	}
	// Output:
	// Work for 0 finished: true
	// Work for 1 finished: true
	// Work for 2 finished: true
}
