package netlimit_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/netlimit"
)

// A body sent a byte at a time is cut (the handler's read fails and the
// connection closes, counted as a timeout), a stalled one too, and a
// large body at a normal speed is not.
func TestMinRateCutsSlowBodies(t *testing.T) {
	got := make(chan error, 10)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.Copy(io.Discard, r.Body)
		got <- err
		_, _ = io.WriteString(w, "stored")
	})
	// The cut cases use a short stall so that they end quickly; the normal
	// upload gets a long one, so that a machine too busy to schedule the
	// reader for a moment does not look like a stalled client.
	short := mustServer(t, netlimit.Limits{}, nil, netlimit.MinRate(h, netlimit.Rate{Stall: 300 * time.Millisecond, MinBytesPerSec: 1000}))
	long := mustServer(t, netlimit.Limits{}, nil, netlimit.MinRate(h, netlimit.Rate{Stall: 10 * time.Second, MinBytesPerSec: 1000}))
	tests := []struct {
		name  string
		s     *server
		send  func(c net.Conn)
		size  int
		isCut bool
	}{
		{"1 byte every 100 ms", short, func(c net.Conn) { trickle(c, 100, 100*time.Millisecond) }, 100, true},
		{"stalled after the head", short, func(c net.Conn) { time.Sleep(2 * time.Second) }, 100, true},
		{"4 MB at once", long, func(c net.Conn) { _, _ = c.Write(bytes.Repeat([]byte("x"), 4<<20)) }, 4 << 20, false},
	}
	for _, tt := range tests {
		s := tt.s
		t.Run(tt.name, func(t *testing.T) {
			before := metricValue(t, s.reg, "uapid_listener_timeouts_total", "server=https")
			c, err := net.Dial("tcp", s.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: %d\r\n\r\n", tt.size)
			go tt.send(c)
			var readErr error
			select {
			case readErr = <-got:
			case <-time.After(20 * time.Second):
				t.Fatal("handler never finished reading")
			}
			if (readErr != nil) != tt.isCut {
				t.Fatalf("body read error %v, want cut %v", readErr, tt.isCut)
			}
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if !tt.isCut && (err != nil || resp.StatusCode != http.StatusOK) {
				t.Fatalf("normal upload: %v %v", resp, err)
			}
			after := metricValue(t, s.reg, "uapid_listener_timeouts_total", "server=https")
			if tt.isCut && after <= before {
				t.Errorf("timeouts metric %v → %v, want an increase", before, after)
			}
		})
	}
}

func trickle(c net.Conn, n int, every time.Duration) {
	for range n {
		if _, err := c.Write([]byte("x")); err != nil {
			return
		}
		time.Sleep(every)
	}
}

// A response read a byte at a time by a client that stops reading is cut
// too, so a slow reader cannot hold a download's connection forever.
func TestMinRateCutsStalledReaders(t *testing.T) {
	done := make(chan error, 1)
	big := strings.Repeat("y", 64<<20)
	h := netlimit.MinRate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.WriteString(w, big)
		done <- err
	}), netlimit.Rate{Stall: 300 * time.Millisecond, MinBytesPerSec: 1000})
	s := mustServer(t, netlimit.Limits{}, nil, h)
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: test\r\n\r\n")
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("64 MB written to a client that never reads")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("write to a stalled reader never cut")
	}
}
