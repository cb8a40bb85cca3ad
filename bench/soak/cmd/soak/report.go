package main

import (
	"fmt"
	"io"
	"maps"
	"math"
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
	if len(o.serverEnv) > 0 {
		fmt.Fprintf(w, "uapid's environment also had: `%s`.\n\n", o.serverEnv.String())
	}
	fmt.Fprintf(w, "Machine: %d CPUs, load average %s at the start, %s at the end; uapid used %.0f CPU-seconds "+
		"(%.0f %% of one CPU), the load generator %.0f (%.0f %%).\n\n", runtime.NumCPU(), r.load[0], r.load[1],
		r.cpu.Seconds(), 100*r.cpu.Seconds()/o.duration.Seconds(), r.genCPU.Seconds(), 100*r.genCPU.Seconds()/o.duration.Seconds())
	if o.floodNice >= 0 {
		fmt.Fprintf(w, "The flood ran as a process of its own at nice %d: %.0f CPU-seconds (%.0f %%).\n\n", o.floodNice,
			r.floodCPU.Seconds(), 100*r.floodCPU.Seconds()/o.duration.Seconds())
	}
	fmt.Fprintf(w, "The load generator's goroutines waited for a CPU (Go's /sched/latencies): p50 %s, p99 %s, p99.9 %s.\n\n",
		r.genSched.at(0.5), r.genSched.at(0.99), r.genSched.at(0.999))
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
	writeRSSMinutes(w, r.rss)
	lo, hi := rssRange(r.rss, o.warmup)
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

// rssRange returns the lowest and highest RSS sampled from the end of the
// warm-up on; 0, 0 without such samples.
func rssRange(samples []rssSample, from time.Duration) (lo, hi int64) {
	for _, s := range samples {
		if s.at < from {
			continue
		}
		if lo == 0 || s.rss < lo {
			lo = s.rss
		}
		hi = max(hi, s.rss)
	}
	return lo, hi
}

// writeRSSMinutes writes each minute's trough and peak RSS (and heap in
// use): a leak shows as troughs that climb minute after minute, the GC's
// sawtooth as a gap between trough and peak that stays the same. The max/min
// spread alone cannot tell them apart.
func writeRSSMinutes(w io.Writer, samples []rssSample) {
	fmt.Fprintf(w, "\nPer minute (samples ending in it):\n\n| minute | samples | RSS trough MiB | RSS peak MiB | "+
		"peak/trough | heap in use trough–peak MiB |\n|---|---|---|---|---|---|\n")
	for start := 0; start < len(samples); {
		minute := int(samples[start].at / time.Minute)
		end := start
		var lo, hi int64
		heapLo, heapHi := math.Inf(1), math.Inf(-1)
		for ; end < len(samples) && int(samples[end].at/time.Minute) == minute; end++ {
			s := samples[end]
			if lo == 0 || s.rss < lo {
				lo = s.rss
			}
			hi = max(hi, s.rss)
			if h, ok := s.server.mem[memMetrics[0]]; ok {
				heapLo, heapHi = math.Min(heapLo, h), math.Max(heapHi, h)
			}
		}
		heap := "?"
		if !math.IsInf(heapLo, 1) {
			heap = fmt.Sprintf("%.1f–%.1f", heapLo/(1<<20), heapHi/(1<<20))
		}
		fmt.Fprintf(w, "| %d | %d | %.1f | %.1f | %.2f | %s |\n", minute, end-start, float64(lo)/(1<<20),
			float64(hi)/(1<<20), float64(hi)/float64(lo), heap)
		start = end
	}
}
