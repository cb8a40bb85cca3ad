package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The server's own view of the run, from its /metrics: how long its
// handlers took for the API requests (uapid_http_request_duration_seconds
// of the execute route, which only list_ftp uses once the load runs), and
// what its memory is made of. The clients' latencies include the load
// generator's own waits for a CPU, which on two CPUs shared with the server
// can be most of them; the server's histogram does not.

// executeBucketPrefix starts the lines of the execute route's histogram.
const executeBucketPrefix = `uapid_http_request_duration_seconds_bucket{route="execute",le="`

// memMetrics are the runtime gauges sampled beside RSS.
var memMetrics = []string{"go_memstats_heap_inuse_bytes ", "go_memstats_stack_inuse_bytes ",
	"go_memstats_next_gc_bytes ", "go_goroutines "}

// serverSample is one reading of the server's metrics.
type serverSample struct {
	buckets map[float64]float64 // upper bound (s) → cumulative count
	mem     map[string]float64  // memMetrics → value
}

// parseServerSample reads the lines /metrics returned.
func parseServerSample(lines []string) serverSample {
	s := serverSample{buckets: map[float64]float64{}, mem: map[string]float64{}}
	for _, line := range lines {
		if rest, ok := strings.CutPrefix(line, executeBucketPrefix); ok {
			le, count, _ := strings.Cut(rest, `"} `)
			bound, err1 := strconv.ParseFloat(le, 64)
			n, err2 := strconv.ParseFloat(count, 64)
			if err1 == nil && err2 == nil {
				s.buckets[bound] = n
			}
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
// the buckets that hold the p50 and p99.
func writeServerLatency(w io.Writer, from, to serverSample) {
	bounds := slices.Sorted(func(yield func(float64) bool) {
		for b := range to.buckets {
			if !yield(b) {
				return
			}
		}
	})
	total := to.buckets[math.Inf(1)] - from.buckets[math.Inf(1)]
	fmt.Fprintf(w, "\nServer side (its handlers' time, `uapid_http_request_duration_seconds` of the execute route, "+
		"after warm-up): ")
	if total <= 0 || len(bounds) == 0 {
		fmt.Fprintf(w, "no requests counted.\n")
		return
	}
	within := func(bound float64) float64 { return (to.buckets[bound] - from.buckets[bound]) / total }
	atPercentile := func(p float64) string {
		for _, b := range bounds {
			if within(b) >= p {
				if math.IsInf(b, 1) {
					return "over 10 s"
				}
				return fmt.Sprintf("≤ %g ms", b*1000)
			}
		}
		return "?"
	}
	fmt.Fprintf(w, "%.0f requests, %.2f %% within 50 ms; p50 %s, p99 %s.\n",
		total, 100*within(0.05), atPercentile(0.50), atPercentile(0.99))
}
