package ftpd

import (
	"net"
	"strings"
	"testing"
)

// TestCtrlConnReadNoAlloc: a control connection's read that succeeds
// allocates nothing (the net.Error its timeout check fills escaped to the
// heap on every read, one allocation per command).
func TestCtrlConnReadNoAlloc(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	const runs = 100
	if _, err := client.Write([]byte(strings.Repeat("x", runs+1))); err != nil {
		t.Fatal(err)
	}
	c := &ctrlConn{Conn: server, onLoginTimeout: func() {}}
	defer c.Close()
	buf := make([]byte, 1)
	allocs := testing.AllocsPerRun(runs, func() {
		if _, err := c.Read(buf); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per read, want 0", allocs)
	}
}
