package main

import (
	"math"
	"runtime/metrics"
	"time"
)

// schedLatency is the load generator's own /sched/latencies:seconds: how
// long its goroutines waited, runnable, for a CPU. Read at the start and
// the end of the load, it tells how much of a client-side latency is the
// generator's own queue rather than the server's.
type schedLatency struct {
	counts  []uint64
	buckets []float64 // len(counts)+1 bounds, in seconds
}

func readSchedLatency() schedLatency {
	s := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return schedLatency{}
	}
	h := s[0].Value.Float64Histogram()
	return schedLatency{counts: append([]uint64(nil), h.Counts...), buckets: h.Buckets}
}

// since returns the waits counted between before and s.
func (s schedLatency) since(before schedLatency) schedLatency {
	d := schedLatency{counts: append([]uint64(nil), s.counts...), buckets: s.buckets}
	for i := range d.counts {
		if i < len(before.counts) {
			d.counts[i] -= before.counts[i]
		}
	}
	return d
}

// quantile returns the upper bound of the bucket that holds the q-th
// quantile of the waits (0 without any).
func (s schedLatency) quantile(q float64) time.Duration {
	var total uint64
	for _, c := range s.counts {
		total += c
	}
	if total == 0 {
		return 0
	}
	want, seen := uint64(math.Ceil(q*float64(total))), uint64(0)
	for i, c := range s.counts {
		if seen += c; seen >= want {
			b := s.buckets[i+1]
			if math.IsInf(b, 1) {
				b = s.buckets[i]
			}
			return time.Duration(b * float64(time.Second))
		}
	}
	return 0
}
