package ftpd

import (
	"bytes"
	"errors"
	"io"
	"net"
	"slices"
	"syscall"
	"testing"
)

// mustDataPair returns a wrapped server end and the plain client end of a
// loopback TCP connection.
func mustDataPair(tb testing.TB) (*dataConn, net.Conn) {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	client, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		tb.Fatal(err)
	}
	server, err := l.Accept()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { client.Close(); server.Close() })
	return newDataConn(server).(*dataConn), client
}

// rawWrite writes p to the socket itself, as sendfile and splice do.
func rawWrite(c syscall.Conn, p []byte) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var werr error
	if err := rc.Write(func(fd uintptr) bool { _, werr = syscall.Write(int(fd), p); return true }); err != nil {
		return err
	}
	return werr
}

// TestDataConnKeepsOrder: whatever mix of held-back writes, writes that go
// out at once and writes to the socket itself, the peer reads the bytes in
// the order they were written once the connection closes.
func TestDataConnKeepsOrder(t *testing.T) {
	t.Parallel()
	small := []byte("Type=file;Size=1;Modify=20261203213000; f.html\r\n")
	big := bytes.Repeat([]byte("B"), dataBufferSize)
	cases := []struct {
		name  string
		steps []string // "s": small write, "b": big write, "r": raw write
	}{
		{"small writes only", []string{"s", "s", "s"}},
		{"more small writes than the buffer holds", slices.Repeat([]string{"s"}, 3*dataBufferSize/len(small))},
		{"small, big, small", []string{"s", "b", "s"}},
		{"big first", []string{"b", "s", "b"}},
		{"small then the socket itself", []string{"s", "s", "r", "s"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server, client := mustDataPair(t)
			got := make(chan []byte, 1)
			go func() { b, _ := io.ReadAll(client); got <- b }()
			var want bytes.Buffer
			for _, step := range tc.steps {
				var err error
				switch step {
				case "s":
					_, err = server.Write(small)
					want.Write(small)
				case "b":
					_, err = server.Write(big)
					want.Write(big)
				case "r":
					err = rawWrite(server, []byte("raw"))
					want.WriteString("raw")
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := server.Close(); err != nil {
				t.Fatal(err)
			}
			if b := <-got; !bytes.Equal(b, want.Bytes()) {
				t.Errorf("peer read %d bytes, want %d", len(b), want.Len())
			}
		})
	}
}

// TestDataConnSendsBeforeReading: a peer that answers only what it got (a
// TLS handshake) gets it before the connection waits for the answer.
func TestDataConnSendsBeforeReading(t *testing.T) {
	t.Parallel()
	server, client := mustDataPair(t)
	go func() {
		b := make([]byte, 5)
		if _, err := io.ReadFull(client, b); err == nil {
			_, _ = client.Write([]byte("pong:" + string(b)))
		}
	}()
	if _, err := server.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 10)
	if _, err := io.ReadFull(server, b); err != nil || string(b) != "pong:hello" {
		t.Errorf("read %q, %v", b, err)
	}
}

// TestDataConnWriteAfterClose fails instead of holding the bytes back.
func TestDataConnWriteAfterClose(t *testing.T) {
	t.Parallel()
	server, _ := mustDataPair(t)
	if err := server.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Write([]byte("late")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
}

// TestDataConnCloseEndsBlockedSend: a kill's Close does not wait for a
// send to a client that does not read; it ends it.
func TestDataConnCloseEndsBlockedSend(t *testing.T) {
	t.Parallel()
	server, _ := mustDataPair(t)
	done := make(chan error, 1)
	go func() {
		// More than the socket buffers of both ends hold.
		_, err := server.Write(make([]byte, 64<<20))
		done <- err
	}()
	if err := server.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("the blocked send succeeded after Close")
	}
}
