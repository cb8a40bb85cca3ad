package harness

import (
	"bytes"
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

// TestPatternsAgree checks that every Pattern gives the same bytes (they
// share one block) and that the block is not all zero.
func TestPatternsAgree(t *testing.T) {
	a, err := io.ReadAll(NewPattern(3<<20 + 5))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(NewPattern(3<<20 + 5))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two patterns of the same size differ")
	}
	if bytes.Count(a[:1<<20], []byte{0}) > 1<<14 {
		t.Error("the pattern's block is mostly zero: not random")
	}
}
