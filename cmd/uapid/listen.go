package main

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/netlimit"
)

// defaultGrace is the shutdown grace of servers without an option of their
// own (the admin socket, the debug listener).
const defaultGrace = 10 * time.Second

// limitHTTP applies the HTTP connection limits to a bound listener, below
// TLS when tlsConfig is set, so that refused connections never cost a
// handshake unless they are answered.
func (m *Main) limitHTTP(name string, ln net.Listener, tlsConfig *tls.Config) net.Listener {
	lim := netlimit.Limits{MaxConns: m.Config.HTTPMaxConns, MaxConnsPerIP: m.Config.HTTPMaxConnsPerIP}
	l := net.Listener(netlimit.Wrap(ln, name, lim, netlimit.HTTPRefuser(tlsConfig), m.netm))
	if tlsConfig != nil {
		l = tls.NewListener(l, tlsConfig)
	}
	return l
}

// limitWebDAV applies the Web Disk connection limits to a bound listener
// (webdavd adds TLS above it).
func (m *Main) limitWebDAV(name string, ln net.Listener, tlsConfig *tls.Config) net.Listener {
	lim := netlimit.Limits{MaxConns: m.Config.WebDAVMaxConns, MaxConnsPerIP: m.Config.WebDAVMaxConnsPerIP}
	return netlimit.Wrap(ln, name, lim, netlimit.HTTPRefuser(tlsConfig), m.netm)
}

func (m *Main) setGrace(srv *http.Server, d time.Duration) {
	if m.graces == nil {
		m.graces = make(map[*http.Server]time.Duration)
	}
	m.graces[srv] = d
}

// shutdownServers stops every server at the same time, each within its own
// grace: a slow FTP transfer does not eat into the HTTPS requests' time.
// An HTTP server whose grace ends is closed, connections and all.
func (m *Main) shutdownServers() []error {
	var stops []func() error
	grace := func(d time.Duration, stop func(context.Context) error) {
		stops = append(stops, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			return stop(ctx)
		})
	}
	for _, srv := range m.servers {
		d, ok := m.graces[srv]
		if !ok {
			d = defaultGrace
		}
		grace(d, func(ctx context.Context) error {
			err := srv.Shutdown(ctx)
			if err != nil {
				_ = srv.Close()
			}
			return err
		})
	}
	if m.admin != nil {
		grace(defaultGrace, m.admin.Shutdown)
	}
	if m.ftp != nil {
		grace(m.Config.FTPShutdownGrace, m.ftp.Shutdown)
	}
	if m.webdav != nil {
		grace(m.Config.WebDAVShutdownGrace, m.webdav.Shutdown)
	}
	errs := make([]error, len(stops))
	var wg sync.WaitGroup
	for i, stop := range stops {
		wg.Go(func() { errs[i] = stop() })
	}
	wg.Wait()
	return []error{errors.Join(errs...)}
}
