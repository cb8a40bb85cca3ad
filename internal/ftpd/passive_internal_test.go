package ftpd

import "testing"

// TestPassivePortsRoundRobin checks that every port of the range comes out
// once per cycle, whatever the random start, so a busy port never hides a
// free one for longer than one cycle.
func TestPassivePortsRoundRobin(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 2, 7, 64, 2200} {
		p := newPassivePorts(40000, 40000+size-1)
		seen := make(map[int]int)
		for range 2 * size {
			port, _, _ := p.FetchNext()
			seen[port]++
		}
		if len(seen) != size {
			t.Errorf("size %d: %d distinct ports in two cycles", size, len(seen))
		}
		for port, n := range seen {
			if n != 2 || port < 40000 || port >= 40000+size {
				t.Errorf("size %d: port %d came %d times", size, port, n)
			}
		}
		if want := min(size, passiveAttempts); p.NumberAttempts() != want {
			t.Errorf("size %d: NumberAttempts = %d, want %d", size, p.NumberAttempts(), want)
		}
	}
}
