package harness

import (
	"io"
	"testing"
)

func TestPatternLength(t *testing.T) {
	for _, size := range []int64{0, 1, 1 << 20, 3<<20 + 5} {
		n, err := io.Copy(io.Discard, NewPattern(size))
		if err != nil || n != size {
			t.Errorf("pattern(%d) gave %d bytes, %v", size, n, err)
		}
	}
}
