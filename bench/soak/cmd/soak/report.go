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
		"goroutines are the server's Go runtime gauges (`/metrics`) sampled last before each RSS sample. "+
		"RssAnon and RssFile are the kernel's split of RSS (`/proc/PID/status`). Go held is what the Go runtime "+
		"mapped minus the heap pages it gave back (`go_memory_classes_total_bytes` − `heap_released`); of it, "+
		"heap free is free pages it keeps and runtime other its metadata, thread stacks and buffers "+
		"(total − released − heap objects, free, unused and stacks). Non-Go is RssAnon − Go held, both read at the metrics sample: "+
		"SQLite's memory in modernc's libc, which SQL conns (the pool's open connections) hold.\n\n"+
		"| time | RSS MiB | heap in use MiB | stacks MiB | next GC MiB | goroutines | open fds "+
		"| RssAnon MiB | RssFile MiB | Go held MiB | heap free MiB | heap released MiB | runtime other MiB | non-Go MiB | SQL conns |\n"+
		"|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	step := max(1, len(r.rss)/20)
	for i, s := range r.rss {
		if i%step == 0 || i == len(r.rss)-1 {
			writeRSSRow(w, s)
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
	writeTroughGrowth(w, r.rss, o.warmup)
}

// writeRSSRow writes one sample's row of the RSS table.
func writeRSSRow(w io.Writer, s rssSample) {
	goHeld, okHeld := s.server.goMapped()
	other, okOther := s.server.runtimeOther()
	nonGo, okNonGo := s.nonGo()
	_, okClasses := s.server.mem[classFree]
	conns, okConns := s.server.mem[sqlConnsPrefix]
	fmt.Fprintf(w, "| %.0fs | %.1f | %s | %s | %s | %.0f | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n",
		s.at.Seconds(), float64(s.rss)/(1<<20), s.server.mib(memMetrics[0]), s.server.mib(memMetrics[1]),
		s.server.mib(memMetrics[2]), s.server.mem[memMetrics[3]], s.fds,
		mibOr(float64(s.anon), s.anon > 0), mibOr(float64(s.file), s.file > 0), mibOr(goHeld, okHeld),
		mibOr(s.server.mem[classFree], okClasses), mibOr(s.server.mem[classReleased], okClasses),
		mibOr(other, okOther), mibOr(nonGo, okNonGo), countOr(conns, okConns))
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
// use, Go held and non-Go memory): a leak shows as troughs that climb minute
// after minute, the GC's sawtooth as a gap between trough and peak that
// stays the same. The max/min spread alone cannot tell them apart.
func writeRSSMinutes(w io.Writer, samples []rssSample) {
	fmt.Fprintf(w, "\nPer minute (samples ending in it):\n\n| minute | samples | RSS trough MiB | RSS peak MiB | "+
		"peak/trough | heap in use trough–peak MiB | Go held trough–peak MiB | non-Go trough–peak MiB |\n"+
		"|---|---|---|---|---|---|---|---|\n")
	for _, m := range rssMinutes(samples) {
		fmt.Fprintf(w, "| %d | %d | %.1f | %.1f | %.2f | %s | %s | %s |\n", m.minute, m.samples, m.rss.lo/(1<<20),
			m.rss.hi/(1<<20), m.rss.hi/m.rss.lo, m.heap, m.goHeld, m.nonGo)
	}
}

// minuteStats is one minute's troughs and peaks.
type minuteStats struct {
	minute, samples     int
	rss                 span
	heap, goHeld, nonGo span
}

// span is the lowest and highest of some samples; empty until added to.
type span struct {
	lo, hi float64
	n      int
}

func (s *span) add(v float64) {
	if s.n == 0 {
		s.lo, s.hi = v, v
	}
	s.lo, s.hi, s.n = math.Min(s.lo, v), math.Max(s.hi, v), s.n+1
}

// String formats the span in MiB as "lo–hi", or "?" when empty.
func (s span) String() string {
	if s.n == 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f–%.1f", s.lo/(1<<20), s.hi/(1<<20))
}

// rssMinutes groups the samples by the minute they were taken in.
func rssMinutes(samples []rssSample) []minuteStats {
	var out []minuteStats
	for _, s := range samples {
		minute := int(s.at / time.Minute)
		if len(out) == 0 || out[len(out)-1].minute != minute {
			out = append(out, minuteStats{minute: minute})
		}
		m := &out[len(out)-1]
		m.samples++
		m.rss.add(float64(s.rss))
		if h, ok := s.server.mem[memMetrics[0]]; ok {
			m.heap.add(h)
		}
		if v, ok := s.server.goMapped(); ok {
			m.goHeld.add(v)
		}
		if v, ok := s.nonGo(); ok {
			m.nonGo.add(v)
		}
	}
	return out
}

// writeTroughGrowth says how far each trough moved from the first minute
// after the warm-up to the last: which of Go's memory and the rest grew.
func writeTroughGrowth(w io.Writer, samples []rssSample, warmup time.Duration) {
	// The run's last minute may hold a sample or two taken as the load
	// stopped: it counts only with at least half the first one's samples.
	var after []minuteStats
	for _, m := range rssMinutes(samples) {
		if time.Duration(m.minute)*time.Minute >= warmup && (len(after) == 0 || 2*m.samples >= after[0].samples) {
			after = append(after, m)
		}
	}
	if len(after) < 2 {
		return
	}
	first, last := after[0], after[len(after)-1]
	fmt.Fprintf(w, "\nTroughs from minute %d to minute %d: RSS %s MiB, heap in use %s, Go held %s, non-Go %s.\n",
		first.minute, last.minute, troughMove(first.rss, last.rss), troughMove(first.heap, last.heap),
		troughMove(first.goHeld, last.goHeld), troughMove(first.nonGo, last.nonGo))
}

// troughMove formats how far the trough moved from one span to another in
// MiB, signed; "?" when either is empty.
func troughMove(from, to span) string {
	if from.n == 0 || to.n == 0 {
		return "?"
	}
	return fmt.Sprintf("%+.1f", (to.lo-from.lo)/(1<<20))
}
