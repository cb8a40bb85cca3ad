package ftpd

import (
	"strings"
	"testing"
)

// TestCtrlConnReadNoAlloc: a control connection's read that succeeds
// allocates nothing (the net.Error its timeout check fills escaped to the
// heap on every read, one allocation per command).
func TestCtrlConnReadNoAlloc(t *testing.T) {
	server, client := mustDataPair(t)
	const runs = 100
	if _, err := client.Write([]byte(strings.Repeat("x", runs+1))); err != nil {
		t.Fatal(err)
	}
	c := &ctrlConn{Conn: server.Conn, onLoginTimeout: func() {}}
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
