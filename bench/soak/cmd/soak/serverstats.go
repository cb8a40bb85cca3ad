package main

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The server's own view of the run, from its /metrics: how long its
// handlers took for the API requests (uapid_http_request_duration_seconds
// of the execute route, which only list_ftp uses once the load runs), and
// what its memory is made of. The clients' latencies include the load
// generator's own waits for a CPU, which on two CPUs shared with the server
// can be most of them; the server's histogram does not.

// executeBucketPrefix starts the lines of the execute route's histogram.
const executeBucketPrefix = `uapid_http_request_duration_seconds_bucket{route="execute",le="`

// schedBucketPrefix starts the lines of the server's scheduler latencies:
// how long its goroutines waited, runnable, for a CPU.
const schedBucketPrefix = `go_sched_latencies_seconds_bucket{le="`

// memMetrics are the runtime gauges sampled beside RSS.
var memMetrics = []string{"go_memstats_heap_inuse_bytes ", "go_memstats_stack_inuse_bytes ",
	"go_memstats_next_gc_bytes ", "go_goroutines "}

// serverSample is one reading of the server's metrics.
type serverSample struct {
	buckets map[float64]float64 // upper bound (s) → cumulative count
	sched   map[float64]float64 // the same, of the scheduler's latencies
	mem     map[string]float64  // memMetrics and the memory classes (name and a space) → value
	anon    int64               // the server's RssAnon read as the answer arrived; 0 when not read
}

// parseServerSample reads the lines /metrics returned.
func parseServerSample(lines []string) serverSample {
	s := serverSample{buckets: map[float64]float64{}, sched: map[float64]float64{}, mem: map[string]float64{}}
	for _, line := range lines {
		if rest, ok := strings.CutPrefix(line, executeBucketPrefix); ok {
			parseBucket(rest, s.buckets)
			continue
		}
		if rest, ok := strings.CutPrefix(line, schedBucketPrefix); ok {
			parseBucket(rest, s.sched)
			continue
		}
		if strings.HasPrefix(line, sqlConnsPrefix) {
			v := line[strings.LastIndexByte(line, ' ')+1:]
			s.mem[sqlConnsPrefix], _ = strconv.ParseFloat(v, 64)
			continue
		}
		if strings.HasPrefix(line, classPrefix) {
			name, v, _ := strings.Cut(line, " ")
			s.mem[name+" "], _ = strconv.ParseFloat(v, 64)
			continue
		}
		for _, m := range memMetrics {
			if v, ok := strings.CutPrefix(line, m); ok {
				s.mem[m], _ = strconv.ParseFloat(v, 64)
			}
		}
	}
	return s
}

// parseBucket reads `bound"} count`, the rest of a histogram bucket's line.
func parseBucket(rest string, into map[float64]float64) {
	le, count, _ := strings.Cut(rest, `"} `)
	bound, err1 := strconv.ParseFloat(le, 64)
	n, err2 := strconv.ParseFloat(count, 64)
	if err1 == nil && err2 == nil {
		into[bound] = n
	}
}

// mib formats a byte gauge of the sample in MiB.
func (s serverSample) mib(metric string) string {
	v, ok := s.mem[metric]
	if !ok {
		return "?"
	}
	return fmt.Sprintf("%.1f", v/(1<<20))
}

// writeServerLatency writes the histogram's counts between the samples at
// the end of the warm-up and the last: the share answered within 50 ms and
// the buckets that hold the p50 and p99; then the scheduler's latencies
// over the same time.
func writeServerLatency(w io.Writer, from, to serverSample) {
	h := histogramDelta(from.buckets, to.buckets)
	fmt.Fprintf(w, "\nServer side (its handlers' time, `uapid_http_request_duration_seconds` of the execute route, "+
		"after warm-up): ")
	if h.total <= 0 {
		fmt.Fprintf(w, "no requests counted.\n")
	} else {
		fmt.Fprintf(w, "%.0f requests, %.2f %% within 50 ms; p50 %s, p99 %s.\n",
			h.total, 100*h.within(0.05), h.at(0.50), h.at(0.99))
	}
	if sh := histogramDelta(from.sched, to.sched); sh.total > 0 {
		fmt.Fprintf(w, "\nThe server's goroutines waited for a CPU (`go_sched_latencies_seconds`, after warm-up): "+
			"p50 %s, p99 %s, p99.9 %s.\n", sh.at(0.50), sh.at(0.99), sh.at(0.999))
	}
}

// histogram is the counts of a cumulative histogram between two samples.
type histogram struct {
	from, to map[float64]float64
	bounds   []float64
	total    float64
}

func histogramDelta(from, to map[float64]float64) histogram {
	bounds := slices.Sorted(maps.Keys(to))
	return histogram{from: from, to: to, bounds: bounds, total: to[math.Inf(1)] - from[math.Inf(1)]}
}

// within returns the share of the counts at or under bound.
func (h histogram) within(bound float64) float64 { return (h.to[bound] - h.from[bound]) / h.total }

// at returns the bucket that holds the quantile p.
func (h histogram) at(p float64) string {
	for i, b := range h.bounds {
		if h.within(b) >= p {
			if math.IsInf(b, 1) && i > 0 {
				return "> " + seconds(h.bounds[i-1])
			}
			return "≤ " + seconds(b)
		}
	}
	return "?"
}

// seconds formats a bucket bound, rounded for reading.
func seconds(b float64) string {
	return time.Duration(b * float64(time.Second)).Round(time.Microsecond).String()
}
