package main

import (
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"time"
)

// report writes the results as Markdown.
func (r *results) report(w io.Writer, o options) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(w, "## Soak: %s, warm-up %s\n\n", o.duration, o.warmup)
	fmt.Fprintf(w, "Load: %d FTP sessions over %d logins (1 in %d transferring %d KiB up and down in a loop), "+
		"%d list_ftp/s with an API token, %d Web Disk clients (PUT, GET, PROPFIND of %d KiB), "+
		"a flood of %d slow-body POST /login/ from %d address(es) (1 byte / %s).\n\n",
		o.ftpSessions, o.ftpLogins, max(1, int(1/o.transferring+0.5)), o.fileKiB, o.apiRate, o.davClients, o.fileKiB,
		o.flood, o.floodIPs, o.floodEvery)
	fmt.Fprintf(w, "Machine: %d CPUs, load average %s at the start, %s at the end; uapid used %.0f CPU-seconds "+
		"(%.0f %% of one CPU).\n\n", runtime.NumCPU(), r.load[0], r.load[1], r.cpu.Seconds(),
		100*r.cpu.Seconds()/o.duration.Seconds())
	r.writeClients(w)
	r.writeLatency(w, o)
	r.writeRSS(w, o)
	fmt.Fprintf(w, "\n### Flood outcomes (longest held %s)\n\n| outcome | connections |\n|---|---|\n", r.floodMax.Round(time.Second))
	for _, k := range slices.Sorted(maps.Keys(r.flood)) {
		fmt.Fprintf(w, "| %s | %d |\n", k, r.flood[k])
	}
	fmt.Fprintf(w, "\n### Server metrics at the last sample, under load\n\n```\n")
	for _, line := range r.metrics {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "```\n")
}

func (r *results) writeClients(w io.Writer) {
	fmt.Fprintf(w, "### Well-behaved clients\n\n| operation | done | errors | first error |\n|---|---|---|---|\n")
	kinds := slices.Sorted(maps.Keys(r.ops))
	for k := range r.errs {
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	total := 0
	for _, k := range kinds {
		fmt.Fprintf(w, "| %s | %d | %d | %s |\n", k, r.ops[k], r.errs[k], r.firstErr[k])
		total += r.errs[k]
	}
	fmt.Fprintf(w, "\n**Errors of well-behaved clients: %d.**\n\n", total)
}

func (r *results) writeLatency(w io.Writer, o options) {
	all := windowOf(r.apiLat, 0)
	after := windowOf(r.apiLat, o.warmup)
	fmt.Fprintf(w, "### Ftp/list_ftp latency\n\n")
	planned := int(o.duration.Seconds() * float64(o.apiRate))
	fmt.Fprintf(w, "Arrivals: %d planned (%d/s), %d issued", planned, o.apiRate, r.issued)
	if r.issued < planned*99/100 {
		fmt.Fprintf(w, " (**the load generator fell behind**: it was short of CPU, and its latencies below "+
			"include its own waits)")
	}
	fmt.Fprintf(w, ".\n\nClient side (request sent → answer read):\n\n")
	fmt.Fprintf(w, "| window | requests | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n")
	for _, row := range []struct {
		name string
		lat  []time.Duration
	}{{"whole run", all}, {"after warm-up", after}} {
		fmt.Fprintf(w, "| %s | %d | %.1f | %.1f | %.1f |\n", row.name, len(row.lat),
			ms(percentile(row.lat, 50)), ms(percentile(row.lat, 99)), ms(percentile(row.lat, 100)))
	}
	writeServerLatency(w, r.warm, r.server)
}

// writeRSS lists the samples (about twenty rows) and says whether RSS
// stayed within 10 % after the warm-up: max/min of those samples ≤ 1.10.
func (r *results) writeRSS(w io.Writer, o options) {
	fmt.Fprintf(w, "\n### Server RSS over time\n\nHeap in use, goroutine stacks, the next GC's heap goal and "+
		"goroutines are the server's Go runtime gauges (`/metrics`) sampled last before each RSS sample.\n\n"+
		"| time | RSS MiB | heap in use MiB | stacks MiB | next GC MiB | goroutines | open fds |\n|---|---|---|---|---|---|---|\n")
	step := max(1, len(r.rss)/20)
	for i, s := range r.rss {
		if i%step == 0 || i == len(r.rss)-1 {
			fmt.Fprintf(w, "| %.0fs | %.1f | %s | %s | %s | %.0f | %d |\n", s.at.Seconds(), float64(s.rss)/(1<<20),
				s.server.mib(memMetrics[0]), s.server.mib(memMetrics[1]), s.server.mib(memMetrics[2]),
				s.server.mem[memMetrics[3]], s.fds)
		}
	}
	var lo, hi int64
	for _, s := range r.rss {
		if s.at < o.warmup {
			continue
		}
		if lo == 0 || s.rss < lo {
			lo = s.rss
		}
		hi = max(hi, s.rss)
	}
	if lo == 0 {
		fmt.Fprintf(w, "\nNo sample after the warm-up: run longer than -warmup.\n")
		return
	}
	spread := float64(hi)/float64(lo) - 1
	verdict := "flat"
	if spread > 0.10 {
		verdict = "NOT flat"
	}
	fmt.Fprintf(w, "\nAfter warm-up: RSS %.1f–%.1f MiB, spread %.1f %%: **%s** (within 10 %%).\n",
		float64(lo)/(1<<20), float64(hi)/(1<<20), spread*100, verdict)
}
