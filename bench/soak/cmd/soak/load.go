package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
)

// results collects what every client saw. Well-behaved clients' errors are
// counted by kind with their first message; the flood's outcomes apart.
type results struct {
	mu       sync.Mutex
	ops      map[string]int    // successful operations by kind
	errs     map[string]int    // errors by kind
	firstErr map[string]string // first error message by kind
	apiLat   []apiSample       // every list_ftp request's latency and phases, with when it ended
	flood    map[string]int    // flood outcomes
	floodMax time.Duration     // longest a flood connection was held
	rss      []rssSample
	metrics  []string      // the server's listener metrics at the last sample
	server   serverSample  // the server's latency histogram and memory gauges at the last sample
	warm     serverSample  // the same at the end of the warm-up
	issued   int           // list_ftp arrivals the generator issued (or dropped) on time
	cpu      time.Duration // the server's CPU time over the run
	genCPU   time.Duration // the load generator's own CPU time over the run
	genSched histogram     // the load generator's goroutines' waits for a CPU over the run
	floodCPU time.Duration // the flood process's CPU time, when it ran as one
	load     [2]string     // /proc/loadavg at the start and the end
	started  time.Time
}

// apiSample is one list_ftp request: when it ended (since the start), its
// latency from its planned arrival, and the phases within: lag (planned
// arrival → handed to the HTTP client: the generator's own delay, waiting
// for a CPU or a worker), conn (→ a connection to write on: a new one's
// TCP and TLS handshakes, or none), server (request written → first byte
// of the answer: the server's queues and handler), whether the request
// needed a new connection.
type apiSample struct {
	at                     time.Duration
	lat, lag, conn, server time.Duration
	newConn                bool
}

type rssSample struct {
	at         time.Duration
	rss, fds   int64
	anon, file int64        // RssAnon and RssFile; 0 when not read
	server     serverSample // the server's gauges sampled last before
}

func newResults() *results {
	return &results{ops: map[string]int{}, errs: map[string]int{}, firstErr: map[string]string{},
		flood: map[string]int{}, started: time.Now()}
}

func (r *results) ok(kind string) {
	r.mu.Lock()
	r.ops[kind]++
	r.mu.Unlock()
}

func (r *results) fail(kind string, err error) {
	r.mu.Lock()
	r.errs[kind]++
	if _, seen := r.firstErr[kind]; !seen {
		r.firstErr[kind] = err.Error()
	}
	r.mu.Unlock()
}

func (r *results) apiSample(s apiSample) {
	r.mu.Lock()
	s.at = time.Since(r.started)
	r.apiLat = append(r.apiLat, s)
	r.mu.Unlock()
}

func (r *results) floodOutcome(what string, held time.Duration) {
	r.mu.Lock()
	r.flood[what]++
	r.floodMax = max(r.floodMax, held)
	r.mu.Unlock()
}

// drive runs every load for o.duration and samples the server's memory.
func drive(ctx context.Context, o options, s *server) *results {
	r := newResults()
	r.load[0] = loadAvg()
	cpu0, gen0 := harness.CPUTime([]int{s.child.PID()}), harness.CPUTime([]int{os.Getpid()})
	sched0 := readSchedLatency()
	defer func() {
		r.genSched = histogramDelta(sched0, readSchedLatency())
		r.cpu, r.genCPU = harness.CPUTime([]int{s.child.PID()})-cpu0, harness.CPUTime([]int{os.Getpid()})-gen0
		r.load[1] = loadAvg()
	}()
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { driveFTP(ctx, o, s, r) })
	wg.Go(func() { driveAPI(ctx, o, s, r) })
	wg.Go(func() { driveWebDAV(ctx, o, s, r) })
	wg.Go(func() { driveFloodProcess(ctx, o, s, r) })
	// The metrics come over HTTPS from the loaded server: apart from the
	// memory samples, which must not wait for them.
	wg.Go(func() { sampleMetrics(ctx, o, s, r) })
	sampleMemory(ctx, o, s, r)
	wg.Wait()
	return r
}

// sampleMemory records the server's RSS and open descriptors until ctx
// ends, with a progress line each time.
func sampleMemory(ctx context.Context, o options, s *server, r *results) {
	t := time.NewTicker(o.sample)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if ctx.Err() != nil {
			return // a tick that raced the end: the load is stopping
		}
		m := harness.MeasureMemory([]int{s.child.PID()})
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", s.child.PID()))
		pm, _ := readProcMemory(s.child.PID())
		r.mu.Lock()
		at := time.Since(r.started)
		r.rss = append(r.rss, rssSample{at: at, rss: m.RSS, fds: int64(len(fds)), anon: pm.anon, file: pm.file,
			server: r.server})
		errs := 0
		for _, n := range r.errs {
			errs += n
		}
		p99 := percentile(latencies(windowOf(r.apiLat, at-o.sample)), 99)
		r.mu.Unlock()
		harness.Progress("%4.0fs RSS %6.1f MiB, %5d fds, list_ftp p99 %6.1f ms, errors %d",
			at.Seconds(), float64(m.RSS)/(1<<20), len(fds), ms(p99), errs)
	}
}

// sampleMetrics keeps the server's latest listener metrics, its latency
// histogram and memory gauges until ctx ends, and the histogram at the end
// of the warm-up.
func sampleMetrics(ctx context.Context, o options, s *server, r *results) {
	for sleep(ctx, o.sample) {
		lines := s.metrics(append([]string{"uapid_listener_", executeBucketPrefix, schedBucketPrefix, classPrefix,
			sqlConnsPrefix},
			memMetrics...)...)
		if ctx.Err() != nil {
			return // taken while the load stopped
		}
		var listener []string
		for _, l := range lines {
			if strings.HasPrefix(l, "uapid_listener_") {
				listener = append(listener, l)
			}
		}
		sample := parseServerSample(lines)
		// RssAnon read as the runtime's numbers arrive, not at the next RSS
		// sample seconds later, so that RssAnon − Go held compares one moment.
		if pm, err := readProcMemory(s.child.PID()); err == nil {
			sample.anon = pm.anon
		}
		r.mu.Lock()
		r.metrics, r.server = listener, sample
		if r.warm.buckets == nil && time.Since(r.started) >= o.warmup {
			r.warm = sample
		}
		r.mu.Unlock()
	}
}

// windowOf returns the requests that ended after from.
func windowOf(all []apiSample, from time.Duration) []apiSample {
	var w []apiSample
	for _, s := range all {
		if s.at >= from {
			w = append(w, s)
		}
	}
	return w
}

// latencies returns the samples' latencies from their planned arrivals.
func latencies(w []apiSample) []time.Duration {
	l := make([]time.Duration, len(w))
	for i, s := range w {
		l[i] = s.lat
	}
	return l
}

func percentile(lat []time.Duration, p int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// dialerFrom returns a dialer whose connections come from ip.
func dialerFrom(ip string) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 30 * time.Second}
}

// sourceIP returns the n-th address of the loopback block 127.b.0.0/16.
func sourceIP(b, n int) string { return fmt.Sprintf("127.%d.%d.%d", b, n/250, n%250+1) }

// shortErr keeps the first line of an error message.
func shortErr(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// loadAvg is the machine's load (1, 5, 15 minutes), for the report: the
// numbers mean little on a machine others are using.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}
