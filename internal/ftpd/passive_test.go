package ftpd_test

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/ftpd"
)

// TestPassiveRangeSkipsBusyPorts runs transfers through a three-port
// passive range of which one port is taken by another program: every
// transfer must find one of the two free ports.
func TestPassiveRangeSkipsBusyPorts(t *testing.T) {
	t.Parallel()
	ports := freeConsecutivePorts(t, 3)
	busy, err := net.Listen("tcp", fmt.Sprintf("0.0.0.0:%d", ports[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	f := mustServer(t, ftpd.Config{PassivePortRange: fmt.Sprintf("%d-%d", ports[0], ports[2])}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 0)
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	for i := range 12 {
		name := fmt.Sprintf("f%d.txt", i)
		mustStor(t, c, name, strings.Repeat("x", i))
		if got := mustRetr(t, c, name); got != strings.Repeat("x", i) {
			t.Fatalf("%s: read %q", name, got)
		}
	}
}

// freeConsecutivePorts finds n consecutive ports that are free now.
func freeConsecutivePorts(tb testing.TB, n int) []int {
	tb.Helper()
	for base := 42000; base < 60000; base += 97 {
		var lns []net.Listener
		for p := base; p < base+n; p++ {
			ln, err := net.Listen("tcp", fmt.Sprintf("0.0.0.0:%d", p))
			if err != nil {
				break
			}
			lns = append(lns, ln)
		}
		for _, ln := range lns {
			ln.Close()
		}
		if len(lns) == n {
			ports := make([]int, n)
			for i := range ports {
				ports[i] = base + i
			}
			return ports
		}
	}
	tb.Fatal("no free consecutive ports")
	return nil
}
