package main

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestRSSRange(t *testing.T) {
	mib := int64(1 << 20)
	samples := []rssSample{{at: 10 * time.Second, rss: 50 * mib}, {at: 70 * time.Second, rss: 100 * mib},
		{at: 80 * time.Second, rss: 120 * mib}, {at: 90 * time.Second, rss: 110 * mib}}
	for _, tc := range []struct {
		name   string
		from   time.Duration
		lo, hi int64
	}{
		{"whole run", 0, 50 * mib, 120 * mib},
		{"after warm-up", time.Minute, 100 * mib, 120 * mib},
		{"warm-up longer than the run", time.Hour, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if lo, hi := rssRange(samples, tc.from); lo != tc.lo || hi != tc.hi {
				t.Errorf("rssRange = %d, %d; want %d, %d", lo, hi, tc.lo, tc.hi)
			}
		})
	}
}

// TestRSSMinutes checks that each minute gets its own trough and peak, so
// that a climbing trough (a leak) shows apart from a steady gap (the GC).
func TestRSSMinutes(t *testing.T) {
	mib := int64(1 << 20)
	heap := func(v float64) serverSample {
		return serverSample{mem: map[string]float64{memMetrics[0]: v * (1 << 20)}}
	}
	samples := []rssSample{
		{at: 5 * time.Second, rss: 80 * mib, server: heap(30)}, {at: 30 * time.Second, rss: 100 * mib, server: heap(50)},
		{at: 65 * time.Second, rss: 110 * mib, server: heap(40)}, {at: 90 * time.Second, rss: 121 * mib, server: heap(60)},
		{at: 125 * time.Second, rss: 90 * mib},
	}
	var b strings.Builder
	writeRSSMinutes(&b, samples)
	for _, want := range []string{"| 0 | 2 | 80.0 | 100.0 | 1.25 | 30.0–50.0 |", "| 1 | 2 | 110.0 | 121.0 | 1.10 | 40.0–60.0 |",
		"| 2 | 1 | 90.0 | 90.0 | 1.00 | ? |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing row %q in\n%s", want, b.String())
		}
	}
}

func TestSchedLatencyQuantile(t *testing.T) {
	buckets := []float64{0, 0.001, 0.1, math.Inf(1)}
	d := histogramDelta(cumulative([]uint64{1, 0, 0}, buckets), cumulative([]uint64{91, 9, 1}, buckets))
	for _, tc := range []struct {
		q    float64
		want string
	}{{0.5, "≤ 1ms"}, {0.9, "≤ 1ms"}, {0.95, "≤ 100ms"}, {0.99, "≤ 100ms"}, {1, "> 100ms"}} {
		if got := d.at(tc.q); got != tc.want {
			t.Errorf("at(%g) = %s, want %s", tc.q, got, tc.want)
		}
	}
	if got := histogramDelta(nil, nil).at(0.99); got != "?" {
		t.Errorf("empty histogram: at = %s, want ?", got)
	}
}

func TestHistogramAt(t *testing.T) {
	from := map[float64]float64{0.005: 10, 0.05: 10, math.Inf(1): 10}
	to := map[float64]float64{0.005: 60, 0.05: 108, math.Inf(1): 110}
	h := histogramDelta(from, to)
	for _, tc := range []struct {
		p    float64
		want string
	}{{0.5, "≤ 5ms"}, {0.98, "≤ 50ms"}, {0.99, "> 50ms"}} {
		if got := h.at(tc.p); got != tc.want {
			t.Errorf("at(%g) = %q, want %q", tc.p, got, tc.want)
		}
	}
	if got := h.within(0.05); got != 0.98 {
		t.Errorf("within 50 ms = %g, want 0.98", got)
	}
}

// TestSlowestPhases checks the breakdown of the slowest 1 %: one request
// of a hundred, slow because it waited for the generator.
func TestSlowestPhases(t *testing.T) {
	var s []apiSample
	for range 99 {
		s = append(s, apiSample{lat: 10 * time.Millisecond, server: 8 * time.Millisecond})
	}
	s = append(s, apiSample{lat: 3 * time.Second, lag: 2900 * time.Millisecond, server: 90 * time.Millisecond, newConn: true})
	var b strings.Builder
	writeSlowest(&b, s)
	want := "(1 requests, 1 of them on a new connection), median ms: total 3000.0 = generator lag 2900.0 + " +
		"waiting for a connection 0.0 + server (written → first byte) 90.0"
	if !strings.Contains(b.String(), want) {
		t.Errorf("got %q, want it to contain %q", b.String(), want)
	}
}
