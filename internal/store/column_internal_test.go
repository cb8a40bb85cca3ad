package store

import (
	"strings"
	"testing"
)

// TestCompareLogins checks compareLogins against comparing the joined
// strings, for users that are prefixes of each other and bytes on both
// sides of '@'.
func TestCompareLogins(t *testing.T) {
	t.Parallel()
	parts := []string{"", "a", "a.b", "a-", "a0", "aa", "ab", "a@", "b", "z", "a.example", "ab.example"}
	for _, ua := range parts {
		for _, da := range parts {
			for _, ub := range parts {
				for _, db := range parts {
					got := compareLogins(ua, da, ub, db)
					if want := strings.Compare(ua+"@"+da, ub+"@"+db); got != want {
						t.Errorf("compareLogins(%q, %q, %q, %q) = %d, want %d", ua, da, ub, db, got, want)
					}
				}
			}
		}
	}
}
