package httpapi

import (
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
)

// TestCodeLabel checks the metric's code label against strconv.Itoa, at
// the ends of the precomputed range and outside it.
func TestCodeLabel(t *testing.T) {
	t.Parallel()
	for _, code := range []int{0, 99, 100, 200, 404, 599, 600, 999, -1} {
		if got, want := codeLabel(code), strconv.Itoa(code); got != want {
			t.Errorf("codeLabel(%d) = %q, want %q", code, got, want)
		}
	}
}

// TestNewRequestID checks the id's form: 16 lower-case hex digits, fresh
// each time.
func TestNewRequestID(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		id := newRequestID()
		if _, err := hex.DecodeString(id); err != nil || len(id) != 16 || strings.ToLower(id) != id || seen[id] {
			t.Fatalf("newRequestID() = %q (seen before: %v)", id, seen[id])
		}
		seen[id] = true
	}
}
