package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create test schemas
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

// postgresEnv names the variable holding a PostgreSQL DSN; without it the
// suite runs against SQLite only.
const postgresEnv = "UAPID_TEST_POSTGRES"

// forEachDB runs fn against a fresh, migrated SQLite database and, when
// UAPID_TEST_POSTGRES is set, against a fresh PostgreSQL schema.
func forEachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	forEachDSN(t, func(t *testing.T, dsn string) {
		fn(t, mustOpen(t, dsn))
	})
}

// forEachDSN is forEachDB for tests that open the database themselves: dsn
// names an empty database (SQLite) or an empty schema (PostgreSQL).
func forEachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, "sqlite:"+filepath.Join(t.TempDir(), "uapid.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv(postgresEnv)
		if base == "" {
			t.Logf("%s is not set: PostgreSQL half skipped", postgresEnv)
			return
		}
		fn(t, mustPostgresSchema(t, base))
	})
}

// mustPostgresSchema creates a schema of its own for one test, dropped when
// the test ends, and returns base with search_path pointing at it, so tests
// and packages can run in parallel against one database.
func mustPostgresSchema(tb testing.TB, base string) string {
	tb.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open %s: %v", postgresEnv, err)
	}
	tb.Cleanup(func() { admin.Close() })
	schema := "uapid_test_" + hex.EncodeToString(randomBytes(tb, 6))
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	// Cleanups run last-in first-out: this one runs before admin closes and
	// after every store opened on the schema has closed.
	tb.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", postgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// mustOpen opens dsn and closes it when the test ends.
func mustOpen(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

// mustAccount creates an account called name owning domains, the first
// primary.
func mustAccount(tb testing.TB, db *store.DB, name string, domains ...string) *hosting.Account {
	tb.Helper()
	a := &hosting.Account{
		Name: name, PasswordHash: "$6$salt$hash", Domains: domains,
		HomeDir: "/home/" + name, QuotaMB: 100, Features: hosting.AllFeatures(),
	}
	if err := db.CreateAccount(context.Background(), a); err != nil {
		tb.Fatalf("CreateAccount(%s): %v", name, err)
	}
	return a
}

func randomBytes(tb testing.TB, n int) []byte {
	tb.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return b
}

// wantCode fails unless err carries the domain error code want ("" for nil)
// and, for a domain error, a message worth showing.
// wantStored checks a create of a service account or Subaccount: the error
// code it returned and, on success, that it set the id and the creation
// time and that reading the row back (read) gives want unchanged.
func wantStored(tb testing.TB, err error, code string, id int64, created time.Time, want any, read func() (any, error)) {
	tb.Helper()
	wantCode(tb, err, code)
	if err != nil {
		return
	}
	if id == 0 || time.Since(created) > time.Minute {
		tb.Fatalf("after create: id %d, created %v", id, created)
	}
	got, err := read()
	if err != nil || !reflect.DeepEqual(got, want) {
		tb.Fatalf("read back\n%+v, %v\nwant\n%+v", got, err, want)
	}
}

func wantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := hosting.ErrorCode(err); got != want {
		tb.Fatalf("error %v: code %q, want %q", err, got, want)
	}
	var herr *hosting.Error
	if want != "" && want != hosting.EINTERNAL && (!errors.As(err, &herr) || !strings.HasSuffix(herr.Message, ".")) {
		tb.Fatalf("error %v: want a *hosting.Error with a sentence for the caller", err)
	}
}

func TestOpenMigrates(t *testing.T) {
	t.Parallel()
	forEachDSN(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		if err := db.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		want := store.DialectSQLite
		if strings.HasPrefix(dsn, "postgres") {
			want = store.DialectPostgres
		}
		if db.Dialect() != want {
			t.Fatalf("Dialect() = %q, want %q", db.Dialect(), want)
		}
		first := schemaVersions(t, db)
		if len(first) == 0 || first[0] != 1 {
			t.Fatalf("schema_migrations after Open: %v", first)
		}
		// Opening again finds nothing to do.
		if again := schemaVersions(t, mustOpen(t, dsn)); fmt.Sprint(again) != fmt.Sprint(first) {
			t.Fatalf("second Open changed schema_migrations from %v to %v", first, again)
		}
	})
}

func schemaVersions(tb testing.TB, db *store.DB) []int {
	tb.Helper()
	rows, err := db.SQL().Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			tb.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

// TestOpenRefusesNewerSchema: a binary must not run against a schema written
// by a newer one, whose meaning it cannot know.
func TestOpenRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	forEachDSN(t, func(t *testing.T, dsn string) {
		db, err := store.Open(context.Background(), dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', 0)`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		db, err = store.Open(context.Background(), dsn, nil)
		if err == nil {
			db.Close()
			t.Fatal("Open accepted a schema newer than the binary")
		}
		if !strings.Contains(err.Error(), "version 9999") {
			t.Fatalf("error does not name the schema version: %v", err)
		}
	})
}

// TestOpenConcurrent: nodes starting together must migrate once, not fail.
func TestOpenConcurrent(t *testing.T) {
	t.Parallel()
	forEachDSN(t, func(t *testing.T, dsn string) {
		const nodes = 4
		dbs := make([]*store.DB, nodes)
		errs := make([]error, nodes)
		var wg sync.WaitGroup
		for i := range nodes {
			wg.Go(func() { dbs[i], errs[i] = store.Open(context.Background(), dsn, nil) })
		}
		wg.Wait()
		for i := range nodes {
			if errs[i] != nil {
				t.Fatalf("node %d: %v", i, errs[i])
			}
			t.Cleanup(func() { dbs[i].Close() })
		}
		if vs := schemaVersions(t, dbs[0]); len(vs) == 0 || vs[0] != 1 {
			t.Fatalf("schema_migrations: %v", vs)
		}
	})
}

// TestSQLiteFilesPrivate: the database holds password hashes.
func TestSQLiteFilesPrivate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "uapid.db")
	mustAccount(t, mustOpen(t, path), "alice", "alice.example")
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s: mode %o, want 600", filepath.Base(name), mode)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, dsn string }{
		{"empty", ""},
		{"sqlite missing directory", filepath.Join(t.TempDir(), "no", "such", "dir", "uapid.db")},
		{"postgres malformed", "postgres://%zz"},
		{"postgres unreachable", "postgres://postgres@127.0.0.1:1/x?connect_timeout=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := store.Open(context.Background(), tt.dsn, nil)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", tt.dsn)
			}
			if !strings.HasPrefix(err.Error(), "store: ") {
				t.Fatalf("error lacks context: %v", err)
			}
		})
	}
}

// TestInternalErrors: a failure that is no domain outcome surfaces as
// EINTERNAL, wrapped with what the store was doing.
func TestInternalErrors(t *testing.T) {
	t.Parallel()
	forEachDSN(t, func(t *testing.T, dsn string) {
		db, err := store.Open(context.Background(), dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		_, err = db.FindAccountByID(context.Background(), 1)
		wantCode(t, err, hosting.EINTERNAL)
		if !strings.HasPrefix(err.Error(), "store: ") {
			t.Fatalf("error lacks context: %v", err)
		}
	})
}

// TestConcurrentWriters: parallel writers on one database must all succeed,
// never SQLITE_BUSY, and their increments must all count.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mustAccount(t, db, "busy", "busy.example")
		f := &hosting.FTPAccount{AccountID: a.ID, User: "up", Domain: "busy.example", PasswordHash: "x"}
		if err := db.CreateFTPAccount(ctx, f); err != nil {
			t.Fatal(err)
		}
		const writers, rounds = 8, 15
		errs := make(chan error, writers*rounds*5)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for r := range rounds {
					name := fmt.Sprintf("w%d-r%d", w, r)
					errs <- db.CreateToken(ctx, &hosting.Token{AccountID: a.ID, Name: name, Hash: name, FullAccess: true})
					errs <- db.AddFTPUsage(ctx, f.ID, 1)
					// RemoveDomain reads before it writes: the case where a
					// deferred SQLite transaction would fail with SQLITE_BUSY.
					errs <- db.AddDomain(ctx, a.ID, name+".example")
					errs <- db.RemoveDomain(ctx, a.ID, name+".example")
					_, err := db.ListTokens(ctx, a.ID)
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if ts, _ := db.ListTokens(ctx, a.ID); len(ts) != writers*rounds {
			t.Fatalf("%d tokens, want %d", len(ts), writers*rounds)
		}
		if got, _ := db.FindFTPAccountByLogin(ctx, "up", "busy.example"); got.UsedBytes != writers*rounds {
			t.Fatalf("used bytes %d, want %d", got.UsedBytes, writers*rounds)
		}
	})
}

// TestConcurrentAccounts: writers creating accounts in parallel, with some
// of them racing for the same name, get exactly one winner per name.
func TestConcurrentAccounts(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		const writers, names = 6, 10
		var mu sync.Mutex
		created := map[string]int{}
		var wg sync.WaitGroup
		for range writers {
			wg.Go(func() {
				for i := range names {
					name := fmt.Sprintf("user%d", i)
					a := &hosting.Account{Name: name, Domain: name + ".example", HomeDir: "/home/" + name}
					err := db.CreateAccount(context.Background(), a)
					if code := hosting.ErrorCode(err); code != "" && code != hosting.ECONFLICT {
						t.Errorf("CreateAccount(%s): %v", name, err)
					} else if err == nil {
						mu.Lock()
						created[name]++
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		for i := range names {
			if n := created[fmt.Sprintf("user%d", i)]; n != 1 {
				t.Errorf("user%d created %d times", i, n)
			}
		}
	})
}
