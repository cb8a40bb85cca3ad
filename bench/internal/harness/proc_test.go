package harness

import (
	"os"
	"testing"
	"time"
)

// TestCPUTimeCountsOwnWork spins this process for 200 ms of CPU and
// checks that /proc saw most of it, and that a process that does not
// exist counts nothing.
func TestCPUTimeCountsOwnWork(t *testing.T) {
	before := CPUTime([]int{os.Getpid()})
	var x uint64
	for start := time.Now(); time.Since(start) < 200*time.Millisecond; {
		for i := range 100000 {
			x += uint64(i) * x
		}
	}
	if got := CPUTime([]int{os.Getpid()}) - before; got < 50*time.Millisecond {
		t.Errorf("CPUTime grew by %s after 200 ms of spinning (%d)", got, x)
	}
	if got := CPUTime([]int{1 << 30}); got != 0 {
		t.Errorf("CPUTime of no process = %s", got)
	}
}
