package main

import "runtime/metrics"

// readSchedLatency reads the load generator's own /sched/latencies:seconds
// (how long its goroutines waited, runnable, for a CPU) as a cumulative
// histogram, upper bound → count, the form the server's Prometheus
// histograms take: two readings around the load give, through
// histogramDelta, how much of a client-side latency is the generator's own
// queue rather than the server's.
func readSchedLatency() map[float64]float64 {
	s := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	h := s[0].Value.Float64Histogram()
	return cumulative(h.Counts, h.Buckets)
}

// cumulative turns runtime/metrics counts (counts[i] between buckets[i]
// and buckets[i+1]) into counts at or under each upper bound.
func cumulative(counts []uint64, buckets []float64) map[float64]float64 {
	m := make(map[float64]float64, len(counts))
	var sum float64
	for i, c := range counts {
		sum += float64(c)
		m[buckets[i+1]] = sum
	}
	return m
}
