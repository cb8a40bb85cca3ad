package harness

import (
	"os"
	"testing"
	"time"
)

// TestCPUTimeMatchesRusage compares CPUTime of this process with what
// getrusage says of it (SelfCPUTime), after some work, and checks that a
// process that does not exist counts nothing.
func TestCPUTimeMatchesRusage(t *testing.T) {
	var x uint64
	for start := time.Now(); CPUTime([]int{os.Getpid()}) < 100*time.Millisecond && time.Since(start) < 10*time.Second; {
		for i := range 100000 {
			x += uint64(i) * x
		}
	}
	got := CPUTime([]int{os.Getpid()})
	want := SelfCPUTime()
	// /proc counts in 10 ms ticks; threads may run between the two reads.
	if d := want - got; got < 100*time.Millisecond || d < -20*time.Millisecond || d > 100*time.Millisecond {
		t.Errorf("CPUTime = %s, getrusage = %s (%d)", got, want, x)
	}
	if got := CPUTime([]int{1 << 30}); got != 0 {
		t.Errorf("CPUTime of no process = %s", got)
	}
}
