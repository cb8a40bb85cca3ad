package ftpserver

import (
	"crypto/tls"
	"errors"
	"net"
	"net/textproto"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// Patch 7: a transfer command runs on the command loop's goroutine; the
// loop goes on on a new goroutine only when the command outlives
// transferReaderDelay. The tests drive a real server over TCP with a
// memory file system.

type memDriver struct{ settings *Settings }

func (d *memDriver) GetSettings() (*Settings, error)               { return d.settings, nil }
func (d *memDriver) ClientConnected(ClientContext) (string, error) { return "ready", nil }
func (d *memDriver) ClientDisconnected(ClientContext)              {}
func (d *memDriver) GetTLSConfig() (*tls.Config, error)            { return nil, errors.New("no TLS") }

func (d *memDriver) AuthUser(ClientContext, string, string) (ClientDriver, error) {
	return afero.NewMemMapFs(), nil
}

type ftpTestClient struct {
	t    *testing.T
	text *textproto.Conn
}

func startTestServer(t *testing.T, readerDelay time.Duration) *ftpTestClient {
	t.Helper()
	old := transferReaderDelay
	transferReaderDelay = readerDelay
	t.Cleanup(func() { transferReaderDelay = old })

	server := NewFtpServer(&memDriver{settings: &Settings{ListenAddr: "127.0.0.1:0", ConnectionTimeout: 3600}})
	if err := server.Listen(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = server.Serve() }()
	t.Cleanup(func() { _ = server.Stop() })

	conn, err := net.Dial("tcp", server.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	c := &ftpTestClient{t: t, text: textproto.NewConn(conn)}
	c.expect(StatusServiceReady)
	c.cmd(StatusUserOK, "USER test")
	c.cmd(StatusUserLoggedIn, "PASS test")
	c.cmd(StatusOK, "TYPE I")

	return c
}

// expect reads one reply and checks its code.
func (c *ftpTestClient) expect(code int) string {
	c.t.Helper()
	_, msg, err := c.text.ReadResponse(code)
	if err != nil {
		c.t.Fatalf("want %d: %v", code, err)
	}

	return msg
}

func (c *ftpTestClient) cmd(code int, line string) string {
	c.t.Helper()
	if err := c.text.PrintfLine("%s", line); err != nil {
		c.t.Fatal(err)
	}

	return c.expect(code)
}

// epsv sends EPSV and dials the data connection.
func (c *ftpTestClient) epsv() net.Conn {
	c.t.Helper()
	msg := c.cmd(StatusEnteringEPSV, "EPSV")
	port := strings.TrimSuffix(msg[strings.Index(msg, "|||")+3:], "|)")
	data, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { _ = data.Close() })

	return data
}

// TestTransferRunsOnCommandLoop: while a STOR transfers, the session has
// no goroutine more than when idle; its file arrives whole and the next
// commands are answered as before.
func TestTransferRunsOnCommandLoop(t *testing.T) {
	c := startTestServer(t, time.Hour)
	idle := runtime.NumGoroutine()

	for i := range 3 {
		data := c.epsv()
		c.cmd(StatusFileStatusOK, "STOR f"+strconv.Itoa(i))
		if during := runtime.NumGoroutine(); during > idle { // earlier tests' goroutines may still be ending
			t.Errorf("STOR %d: %d goroutines during the transfer, %d idle", i, during, idle)
		}
		if _, err := data.Write([]byte(strings.Repeat("x", 4096))); err != nil {
			t.Fatal(err)
		}
		_ = data.Close()
		c.expect(StatusClosingDataConn)
		if msg := c.cmd(StatusFileStatus, "SIZE f"+strconv.Itoa(i)); msg != "4096" {
			t.Fatalf("SIZE = %q, want 4096", msg)
		}
	}
}

// TestTransferOutlivingDelayReadsCommands: a transfer that waits (its
// client sends no data) does not hold the commands back after the delay:
// ABOR is read and answered while it runs, and ends it.
func TestTransferOutlivingDelayReadsCommands(t *testing.T) {
	c := startTestServer(t, time.Millisecond)

	data := c.epsv()
	c.cmd(StatusFileStatusOK, "STOR waiting")
	c.cmd(StatusTransferAborted, "ABOR")
	c.expect(StatusClosingDataConn)
	if _, err := data.Read(make([]byte, 1)); err == nil {
		t.Fatal("data connection still open after ABOR")
	}
	c.cmd(StatusOK, "NOOP")
}
