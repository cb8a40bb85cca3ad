package httpapi

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the transport's Prometheus collectors. Labels are bounded:
// route is a name from the route table, never a path.
type metrics struct {
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	authFailures *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "uapid_http_requests_total",
			Help: "HTTP requests answered, by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "uapid_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "uapid_auth_failures_total",
			Help: "Failed HTTP authentications, by method (basic, token, session, login, none) and reason.",
		}, []string{"method", "reason"}),
	}
	if reg != nil {
		m.requests = register(reg, m.requests)
		m.duration = register(reg, m.duration)
		m.authFailures = register(reg, m.authFailures)
	}
	return m
}

// register registers c, or returns the identical collector already there
// (the HTTPS and plain-HTTP listeners may each build a Server on one
// registry). Any other conflict is a programming error.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing
		}
	}
	panic(fmt.Sprintf("httpapi: register metrics: %v", err))
}

func (m *metrics) observe(route string, code int, elapsed time.Duration) {
	m.requests.WithLabelValues(route, codeLabel(code)).Inc()
	m.duration.WithLabelValues(route).Observe(elapsed.Seconds())
}

// codeLabels are the code label's values for 100-599, made once: every
// answer is counted, and strconv.Itoa allocates from 100 up.
var codeLabels = func() (labels [500]string) {
	for i := range labels {
		labels[i] = strconv.Itoa(100 + i)
	}
	return labels
}()

// codeLabel is strconv.Itoa(code) without an allocation for HTTP's codes.
func codeLabel(code int) string {
	if code >= 100 && code < 100+len(codeLabels) {
		return codeLabels[code-100]
	}
	return strconv.Itoa(code)
}
