package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// writeLatency writes list_ftp's arrivals, its client-side latencies (from
// each arrival's planned time), where the slowest requests spent their
// time, and the server's own histogram.
func (r *results) writeLatency(w io.Writer, o options) {
	all := windowOf(r.apiLat, 0)
	after := windowOf(r.apiLat, o.warmup)
	fmt.Fprintf(w, "### Ftp/list_ftp latency\n\n")
	planned := int(o.duration.Seconds() * float64(o.apiRate))
	fmt.Fprintf(w, "Arrivals: %d planned (%d/s), %d issued", planned, o.apiRate, r.issued)
	if r.issued < planned*99/100 {
		fmt.Fprintf(w, " (**the load generator fell behind**: it stopped short of its schedule)")
	}
	newConns := 0
	for _, s := range all {
		if s.newConn {
			newConns++
		}
	}
	fmt.Fprintf(w, "; %d requests needed a new connection (%d keep-alive connections at most).\n\n", newConns, apiWorkers)
	fmt.Fprintf(w, "Client side, from each arrival's planned time to the answer read (a late generator or a busy "+
		"worker counts against the latency):\n\n")
	fmt.Fprintf(w, "| window | requests | p50 ms | p99 ms | max ms | p99 from sending, ms |\n|---|---|---|---|---|---|\n")
	for _, row := range []struct {
		name string
		s    []apiSample
	}{{"whole run", all}, {"after warm-up", after}} {
		lat, sent := latencies(row.s), sinceSent(row.s)
		fmt.Fprintf(w, "| %s | %d | %.1f | %.1f | %.1f | %.1f |\n", row.name, len(row.s),
			ms(percentile(lat, 50)), ms(percentile(lat, 99)), ms(percentile(lat, 100)), ms(percentile(sent, 99)))
	}
	writeSlowest(w, after)
	writeServerLatency(w, r.warm, r.server)
}

// sinceSent returns the latencies from the moment each request was handed
// to the HTTP client, without the generator's lag.
func sinceSent(w []apiSample) []time.Duration {
	l := make([]time.Duration, len(w))
	for i, s := range w {
		l[i] = s.lat - s.lag
	}
	return l
}

// writeSlowest says where the slowest 1 % of the requests after warm-up
// spent their time: the median of each phase, and how many needed a new
// connection.
func writeSlowest(w io.Writer, after []apiSample) {
	if len(after) < 100 {
		return
	}
	s := slices.Clone(after)
	slices.SortFunc(s, func(a, b apiSample) int { return int(b.lat - a.lat) })
	s = s[:len(s)/100]
	median := func(f func(apiSample) time.Duration) float64 {
		v := make([]time.Duration, len(s))
		for i, x := range s {
			v[i] = f(x)
		}
		return ms(percentile(v, 50))
	}
	fresh := 0
	for _, x := range s {
		if x.newConn {
			fresh++
		}
	}
	fmt.Fprintf(w, "\nThe slowest 1 %% after warm-up (%d requests, %d of them on a new connection), median ms: "+
		"total %.1f = generator lag %.1f + waiting for a connection %.1f + server (written → first byte) %.1f + rest.\n",
		len(s), fresh, median(func(x apiSample) time.Duration { return x.lat }),
		median(func(x apiSample) time.Duration { return x.lag }), median(func(x apiSample) time.Duration { return x.conn }),
		median(func(x apiSample) time.Duration { return x.server }))
}

// writeAPISamples writes every list_ftp request as a CSV row, in
// milliseconds: when it ended, its latency from the planned arrival, and
// its phases.
func (r *results) writeAPISamples(name string) error {
	var b strings.Builder
	b.WriteString("end_s,latency_ms,lag_ms,conn_ms,server_ms,new_conn\n")
	for _, s := range r.apiLat {
		fmt.Fprintf(&b, "%.3f,%.2f,%.2f,%.2f,%.2f,%t\n", s.at.Seconds(), ms(s.lat), ms(s.lag), ms(s.conn), ms(s.server), s.newConn)
	}
	return os.WriteFile(name, []byte(b.String()), 0o644)
}
