package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"
)

// driveFlood runs o.flood attackers, started over the first ten seconds,
// each trying to hold one slow-body POST /login/ from the flood's
// addresses: the head, then one byte of body every o.floodEvery. When the
// server refuses or cuts it, the attacker waits o.floodEvery and tries
// again.
func driveFlood(ctx context.Context, o options, s *server, r *results) {
	var wg sync.WaitGroup
	stagger := 10 * time.Second / time.Duration(max(1, o.flood))
	for i := range o.flood {
		wg.Go(func() {
			if !sleep(ctx, time.Duration(i)*stagger) {
				return
			}
			d := dialerFrom(sourceIP(2, i%max(1, o.floodIPs)))
			for ctx.Err() == nil {
				floodOnce(ctx, o, s, r, d)
				sleep(ctx, o.floodEvery+time.Duration(rand.Int64N(int64(time.Second))))
			}
		})
	}
	wg.Wait()
}

// floodTLS is the attackers' TLS: X25519 alone, as an attacker paying for
// its own handshakes would choose. Go's default, X25519 with ML-KEM-768,
// makes a client generate an ML-KEM key for every ClientHello, even for
// the connections the server closes unanswered: that key generation was
// 30 % of the load generator's CPU, taken from the server on a shared
// machine.
var floodTLS = &tls.Config{InsecureSkipVerify: true, CurvePreferences: []tls.CurveID{tls.X25519}} //nolint:gosec // self-signed

// floodOnce holds one slow-body connection as long as the server lets it
// and records how it ended.
func floodOnce(ctx context.Context, o options, s *server, r *results, d *net.Dialer) {
	c, err := tls.DialWithDialer(d, "tcp", s.https, floodTLS)
	if err != nil {
		if ctx.Err() == nil {
			r.floodOutcome("connect or handshake failed", 0)
		}
		return
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	start := time.Now()
	if _, err := fmt.Fprintf(c, "POST /login/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"); err != nil {
		r.floodOutcome("closed before the head was sent", 0)
		return
	}
	done := make(chan struct{})
	defer close(done)
	go trickle(c, o.floodEvery, done)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	held := time.Since(start)
	switch {
	case ctx.Err() != nil:
		r.floodOutcome("still held at the end", held)
	case err != nil && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		r.floodOutcome("closed without an answer", held)
	case err != nil:
		r.floodOutcome("cut: "+cutReason(err), held)
	default:
		_ = resp.Body.Close()
		r.floodOutcome(fmt.Sprintf("answered %d", resp.StatusCode), held)
	}
}

// trickle writes one byte every interval until done or a write fails.
func trickle(c net.Conn, every time.Duration, done <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			if _, err := c.Write([]byte("x")); err != nil {
				return
			}
		}
	}
}

// cutReason is an error's text without the connection's addresses, so
// that the report counts each kind of cut once instead of once per port.
func cutReason(err error) string {
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Op + ": " + op.Err.Error()
	}
	return shortErr(err)
}
