package main

import (
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"regexp"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Sampling of the block and mutex profiles while debug_addr is set: one
// blocking event per blockProfileRate nanoseconds spent blocked, and one
// contended mutex in mutexProfileFraction. Both are off in Go by default,
// and without them /debug/pprof/block and /mutex are empty; at these rates
// their cost does not show in a CPU profile of the API under load.
const (
	blockProfileRate     = 10_000 // 10 µs
	mutexProfileFraction = 100
)

// serveDebug starts the pprof listener when debug_addr is set. The config
// has already refused any address that is not loopback. It is a listener of
// its own so that profiles never travel through the tenants' HTTPS port.
func (m *Main) serveDebug() error {
	if m.Config.DebugAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", m.Config.DebugAddr)
	if err != nil {
		return err
	}
	m.addrs["debug"] = ln.Addr()
	runtime.SetBlockProfileRate(blockProfileRate)
	runtime.SetMutexProfileFraction(mutexProfileFraction)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	// A CPU profile or trace takes as long as its ?seconds= asks.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	m.servers = append(m.servers, srv)
	m.goServe("debug", func() error { return ignoreClosed(srv.Serve(ln)) })
	m.Log.Info("listening", "server", "debug", "addr", ln.Addr().String())
	return nil
}

func ignoreClosed(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// schedLatencies selects, beside the Go collector's default metrics, the
// runtime's histogram of how long goroutines waited, runnable, for a CPU
// (go_sched_latencies_seconds): the one measure that tells a server short of
// CPU, whose requests queue before any handler runs, from a slow handler.
var schedLatencies = collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/sched/latencies:seconds$`)}

// memoryClasses selects the runtime's split of the memory it mapped
// (go_memory_classes_*_bytes: heap objects, free and released heap pages,
// stacks, metadata, the profiling buckets, other, and their total). The
// go_memstats_* gauges say what the heap holds; these also say what the
// runtime holds beside it and what it has already given back to the OS, so
// that the process's RSS minus total-minus-released is the memory Go does
// not manage (SQLite's allocations in modernc's libc).
var memoryClasses = collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/memory/classes/`)}

// newGoCollector is the Go collector of /metrics: the default metrics, the
// scheduler's latencies and the memory classes.
func newGoCollector() prometheus.Collector {
	return collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(schedLatencies, memoryClasses))
}
