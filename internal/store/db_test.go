package store

import "testing"

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
