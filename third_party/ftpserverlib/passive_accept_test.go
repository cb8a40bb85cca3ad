package ftpserver

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Patch 5: a shared passive port has no accept goroutine; the Accept of a
// reservation accepts for every reservation of the port. These tests use
// 127.0.0.1 and 127.0.0.2 as two client addresses (Linux routes 127/8 to
// lo).

func newTestSharedListener(t *testing.T) (*sharedPassiveListener, string) {
	t.Helper()
	l, err := newSharedPassiveListener(0, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.close() })

	return l, "127.0.0.1:" + strconv.Itoa(l.listener.Addr().(*net.TCPAddr).Port)
}

// dialFrom connects to addr from the local IP from.
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Skipf("dial from %s: %v", from, err)
	}
	t.Cleanup(func() { _ = c.Close() })

	return c
}

func reserveFor(t *testing.T, l *sharedPassiveListener, ip string, wait time.Duration) *passiveReservationListener {
	t.Helper()
	r, err := l.reserve(net.ParseIP(ip))
	if err != nil {
		t.Fatal(err)
	}
	_ = r.SetDeadline(time.Now().Add(wait))

	return r
}

// TestPassiveAcceptHandsOver: two reservations of one port wait at once;
// whichever accepts, each gets the connection from its own address, in
// either arrival order.
func TestPassiveAcceptHandsOver(t *testing.T) {
	l, addr := newTestSharedListener(t)
	ips := []string{"127.0.0.1", "127.0.0.2"}

	for round := range 20 {
		rs := make([]*passiveReservationListener, len(ips))
		for i, ip := range ips {
			rs[i] = reserveFor(t, l, ip, time.Minute)
		}

		got := make([]net.Conn, len(ips))
		errs := make([]error, len(ips))
		var wg sync.WaitGroup
		for i, r := range rs {
			wg.Go(func() { got[i], errs[i] = r.Accept() })
		}

		clients := make(map[string]string) // client IP -> its local address
		for i := range ips {
			ip := ips[(i+round)%len(ips)]
			clients[ip] = dialFrom(t, ip, addr).LocalAddr().String()
		}
		wg.Wait()

		for i, ip := range ips {
			if errs[i] != nil {
				t.Fatalf("round %d: Accept for %s: %v", round, ip, errs[i])
			}
			if got[i].RemoteAddr().String() != clients[ip] {
				t.Fatalf("round %d: reservation of %s got %s, want %s", round, ip, got[i].RemoteAddr(), clients[ip])
			}
			_ = got[i].Close()
			_ = rs[i].Close()
		}
	}
}

// TestPassiveAcceptEnds: an Accept ends with a timeout error at its
// deadline, with net.ErrClosed when its reservation or the port closes,
// and a connection from an address without a reservation is closed.
func TestPassiveAcceptEnds(t *testing.T) {
	t.Run("deadline", func(t *testing.T) {
		l, _ := newTestSharedListener(t)
		r := reserveFor(t, l, "127.0.0.1", 10*time.Millisecond)
		var netErr net.Error
		if _, err := r.Accept(); !errors.As(err, &netErr) || !netErr.Timeout() {
			t.Fatalf("Accept = %v, want a timeout", err)
		}
	})

	for _, tc := range []struct {
		name  string
		close func(l *sharedPassiveListener, r *passiveReservationListener)
	}{
		{"reservation closed", func(_ *sharedPassiveListener, r *passiveReservationListener) { _ = r.Close() }},
		{"port closed", func(l *sharedPassiveListener, _ *passiveReservationListener) { _ = l.close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := newTestSharedListener(t)
			r := reserveFor(t, l, "127.0.0.1", time.Hour)
			done := make(chan error, 1)
			go func() {
				_, err := r.Accept()
				done <- err
			}()
			// the Accept may or may not have started accepting: both must end
			tc.close(l, r)
			if err := <-done; !errors.Is(err, net.ErrClosed) {
				t.Fatalf("Accept = %v, want net.ErrClosed", err)
			}
		})
	}

	t.Run("no reservation", func(t *testing.T) {
		l, addr := newTestSharedListener(t)
		r := reserveFor(t, l, "127.0.0.1", time.Minute)
		defer r.Close()
		stranger := dialFrom(t, "127.0.0.2", addr)
		own := dialFrom(t, "127.0.0.1", addr)
		conn, err := r.Accept()
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if conn.RemoteAddr().String() != own.LocalAddr().String() {
			t.Fatalf("got %s, want %s", conn.RemoteAddr(), own.LocalAddr())
		}
		_ = stranger.SetReadDeadline(time.Now().Add(time.Minute))
		if _, err := stranger.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
			t.Fatalf("connection without a reservation: read %v, want EOF", err)
		}
	})
}

// TestSharedPassiveListenerNoGoroutine: a shared port starts no goroutine
// (v0.32.0 started an accept goroutine per port, and each data connection
// woke it before the transfer's own goroutine).
func TestSharedPassiveListenerNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	l, _ := newTestSharedListener(t)
	r := reserveFor(t, l, "127.0.0.1", time.Minute)
	defer r.Close()
	if after := runtime.NumGoroutine(); after > before { // earlier tests' goroutines may still be ending
		t.Fatalf("goroutines %d -> %d after a shared listener and a reservation, want none more", before, after)
	}
}
