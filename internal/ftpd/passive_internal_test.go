package ftpd

import "testing"

// TestPassivePortsRoundRobin checks that every port of the window (the
// range, or its first passiveAttempts ports) comes out once per cycle,
// whatever the random start, so a busy port never hides a free one for
// longer than one cycle, and that no port beyond the window ever does:
// each gets a listener that stays open.
func TestPassivePortsRoundRobin(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 2, 7, 64, 2200} {
		p := newPassivePorts(40000, 40000+size-1)
		window := min(size, passiveAttempts)
		seen := make(map[int]int)
		for range 2 * window {
			port, _, _ := p.FetchNext()
			seen[port]++
		}
		if len(seen) != window {
			t.Errorf("size %d: %d distinct ports in two cycles, want %d", size, len(seen), window)
		}
		for port, n := range seen {
			if n != 2 || port < 40000 || port >= 40000+window {
				t.Errorf("size %d: port %d came %d times", size, port, n)
			}
		}
		if p.NumberAttempts() != window {
			t.Errorf("size %d: NumberAttempts = %d, want %d", size, p.NumberAttempts(), window)
		}
	}
}
