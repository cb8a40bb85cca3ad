package store

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
)

func TestRebind(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, dialect, in, want string }{
		{"sqlite untouched", DialectSQLite, `SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = ? AND c = ?`},
		{"postgres numbered", DialectPostgres, `SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		{"postgres literal kept", DialectPostgres, `SELECT '?', 'it''s ?' WHERE x = ?`, `SELECT '?', 'it''s ?' WHERE x = $1`},
		{"postgres many", DialectPostgres, `VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`},
		{"postgres none", DialectPostgres, `SELECT 1`, `SELECT 1`},
		{"postgres unicode", DialectPostgres, `SELECT '“é”' WHERE x = ?`, `SELECT '“é”' WHERE x = $1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rebind(tt.dialect, tt.in); got != tt.want {
				t.Fatalf("rebind(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestSQLitePragmas checks the settings every pooled SQLite connection gets
// from sqliteParams, on a connection of the pool.
func TestSQLitePragmas(t *testing.T) {
	t.Parallel()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "uapid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
		{"busy_timeout", "10000"},
		{"cache_size", strconv.Itoa(-sqliteCacheKiB)}, // negative: KiB, not pages
	} {
		t.Run(tc.pragma, func(t *testing.T) {
			var got string
			if err := db.sql.QueryRow("PRAGMA " + tc.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
			}
		})
	}
}
