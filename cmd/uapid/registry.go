package main

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/uapid/uapid/internal/uapi"
)

// engineObserver counts calls and their duration. Unknown functions share
// one label value so that callers cannot grow the series without bound.
func engineObserver(reg *uapi.Registry, r prometheus.Registerer) uapi.Observer {
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "uapid_uapi_calls_total",
		Help: "UAPI calls by module, function and result status."}, []string{"module", "function", "status"})
	dur := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "uapid_uapi_call_duration_seconds",
		Help: "Time spent in the engine per UAPI call.", Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10)},
		[]string{"module", "function"})
	r.MustRegister(calls, dur)
	return func(module, function string, status int, elapsed time.Duration) {
		if f, _ := reg.Lookup(module, function); f == nil {
			module, function = "unknown", "unknown"
		}
		st := "0"
		if status == 1 {
			st = "1"
		}
		calls.WithLabelValues(module, function, st).Inc()
		dur.WithLabelValues(module, function).Observe(elapsed.Seconds())
	}
}
