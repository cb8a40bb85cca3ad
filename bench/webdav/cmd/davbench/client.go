package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
)

// client is one keep-alive HTTP/1.1 connection's worth of client: Apache
// here speaks no HTTP/2, so uapid is not offered it either, and both see
// the same requests.
type client struct {
	http  *http.Client
	s     *server
	dials atomic.Int64 // TCP connections opened: 1 when keep-alive holds
}

func newClient(s *server, timeout time.Duration) *client {
	c := &client{s: s}
	var d net.Dialer
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c.dials.Add(1)
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, // the servers' own self-signed certificates
		TLSNextProto:        map[string]func(string, *tls.Conn) http.RoundTripper{},
		MaxIdleConnsPerHost: 1,
		DisableCompression:  true,
		WriteBufferSize:     256 << 10,
		ReadBufferSize:      256 << 10,
	}
	c.http = &http.Client{Transport: tr, Timeout: timeout}
	return c
}

func (c *client) close() { c.http.CloseIdleConnections() }

// do sends one request with Basic authentication and checks its status.
func (c *client) do(ctx context.Context, method, path string, body io.Reader, size int64, want ...int) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.s.url+path, body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = size
	req.SetBasicAuth(c.s.user, davPassword)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	for _, w := range want {
		if resp.StatusCode == w {
			return resp, nil
		}
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	resp.Body.Close()
	return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
}

// put uploads size bytes from body to path.
func (c *client) put(ctx context.Context, path string, body io.Reader, size int64) error {
	return finish(c.do(ctx, http.MethodPut, path, body, size, http.StatusCreated, http.StatusNoContent, http.StatusOK))
}

// get downloads path and checks its length.
func (c *client) get(ctx context.Context, path string, size int64) error {
	resp, err := c.do(ctx, http.MethodGet, path, nil, 0, http.StatusOK)
	if err != nil {
		return err
	}
	n, err := harness.Drain(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = fmt.Errorf("GET %s: %d of %d bytes", path, n, size)
	}
	return err
}

func (c *client) mkcol(ctx context.Context, path string) error {
	return finish(c.do(ctx, "MKCOL", path, nil, 0, http.StatusCreated))
}

func (c *client) delete(ctx context.Context, path string) error {
	return finish(c.do(ctx, http.MethodDelete, path, nil, 0, http.StatusNoContent, http.StatusOK))
}

// finish reads the rest of a response, so that its connection is reused.
func finish(resp *http.Response, err error) error {
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}
