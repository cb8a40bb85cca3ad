package store

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadMigrations(t *testing.T) {
	t.Parallel()
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name     string
		fsys     fstest.MapFS
		wantErr  string
		wantVers []int
	}{
		{"ordered by version", fstest.MapFS{
			"migrations/0010_later.sql": file("SELECT 10"),
			"migrations/0002_next.sql":  file("SELECT 2"),
			"migrations/0001_init.sql":  file("CREATE TABLE t (id {{id}})"),
			"migrations/README":         file("not a migration"),
		}, "", []int{1, 2, 10}},
		{"none", fstest.MapFS{"migrations/README": file("")}, "no migrations", nil},
		{"no number", fstest.MapFS{"migrations/init.sql": file("")}, "NNNN_name.sql", nil},
		{"short number", fstest.MapFS{"migrations/1_init.sql": file("")}, "NNNN_name.sql", nil},
		{"zero", fstest.MapFS{"migrations/0000_init.sql": file("")}, "NNNN_name.sql", nil},
		{"repeated version", fstest.MapFS{
			"migrations/0001_a.sql": file(""),
			"migrations/0001_b.sql": file(""),
		}, "share a version", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.fsys, DialectSQLite)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var vers []int
			for _, m := range ms {
				vers = append(vers, m.version)
			}
			if !slices.Equal(vers, tt.wantVers) || !strings.Contains(ms[0].sql, "AUTOINCREMENT") {
				t.Fatalf("loaded %+v", ms)
			}
		})
	}
}

// TestEmbeddedMigrations: the shipped files load on both dialects and leave
// no dialect placeholder behind.
func TestEmbeddedMigrations(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{DialectSQLite, DialectPostgres} {
		ms, err := loadMigrations(migrationFiles, dialect)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 || ms[0].version != 1 {
			t.Fatalf("%s: migrations %+v", dialect, ms)
		}
		for _, m := range ms {
			if strings.Contains(m.sql, "{{") {
				t.Errorf("%s: %s keeps a placeholder", dialect, m.name)
			}
		}
	}
}
