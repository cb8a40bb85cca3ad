package netlimit

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the listeners' Prometheus collectors, labelled by server name
// ("https", "http", "webdav", "webdav-plain", "ftp"). One Metrics serves
// every listener of a process.
type Metrics struct {
	conns         *prometheus.GaugeVec
	refused       *prometheus.CounterVec
	timeouts      *prometheus.CounterVec
	writeTimeouts *prometheus.CounterVec
}

// NewMetrics returns the collectors, registered on reg unless it is nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		conns: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "uapid_listener_connections",
			Help: "Connections open now, by server.",
		}, []string{"server"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "uapid_listener_refused_total",
			Help: "Connections refused at accept, by server and reason (max_conns, max_conns_per_ip).",
		}, []string{"server", "reason"}),
		timeouts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "uapid_listener_timeouts_total",
			Help: "Reads a deadline cut (slow header or body, idle connection, FTP idle or login timeout), by server.",
		}, []string{"server"}),
		writeTimeouts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "uapid_listener_write_timeouts_total",
			Help: "Writes a deadline cut (a client that stopped reading its answer), by server.",
		}, []string{"server"}),
	}
	if reg != nil {
		m.conns = register(reg, m.conns)
		m.refused = register(reg, m.refused)
		m.timeouts = register(reg, m.timeouts)
		m.writeTimeouts = register(reg, m.writeTimeouts)
	}
	return m
}

// register registers c or returns the identical collector already there.
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
	panic(fmt.Sprintf("netlimit: register metrics: %v", err))
}

// Refused counts a refusal decided above the listener (FTP sessions per
// login, FTP login timeouts) in the same metric as the listener's own.
func (m *Metrics) Refused(server, reason string) {
	if m != nil {
		m.refused.WithLabelValues(server, reason).Inc()
	}
}
