package store

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

// BenchmarkListFTPLogins measures ListFTPLogins on SQLite for an account
// with 5 logins (BenchmarkListFTP50's) and 250 (the soak's), from the cache
// and read from the database (a miss: what every call cost before the
// cache, and what the first call after a credentials write costs). The
// context is cancellable, as an HTTP request's is.
func BenchmarkListFTPLogins(b *testing.B) {
	for _, n := range []int{5, 250} {
		db, acct := benchLogins(b, n)
		ctx, cancel := context.WithCancel(context.Background())
		b.Cleanup(cancel)
		b.Run(fmt.Sprintf("%d/cached", n), func(b *testing.B) {
			benchCPU(b, func() error { _, err := db.ListFTPLogins(ctx, acct); return err })
		})
		b.Run(fmt.Sprintf("%d/read", n), func(b *testing.B) {
			benchCPU(b, func() error { _, err := listFTPLogins(ctx, db, acct); return err })
		})
	}
}

// benchCPU runs f b.N times and reports, beside ns/op, cpu-us/op: the
// process's CPU time per call, the goroutines the call starts included,
// which other programs on a shared machine barely change.
func benchCPU(b *testing.B, f func() error) {
	b.ReportAllocs()
	var before, after syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	used := after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano()
	b.ReportMetric(float64(used)/1e3/float64(b.N), "cpu-us/op")
}

// benchLogins opens a SQLite store holding one account with n FTP logins.
func benchLogins(b *testing.B, n int) (*DB, int64) {
	b.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "uapid.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	a := &hosting.Account{Name: "bench", PasswordHash: "$6$s$h", Domains: []string{"bench.example"},
		HomeDir: "/home/bench", Features: hosting.AllFeatures()}
	if err := db.CreateAccount(ctx, a); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		err := db.CreateFTPAccount(ctx, &hosting.FTPAccount{AccountID: a.ID, User: fmt.Sprintf("user%d", i),
			Domain: "bench.example", PasswordHash: "$6$s$h", HomeDir: fmt.Sprintf("public_html/user%d", i), QuotaMB: 100})
		if err != nil {
			b.Fatal(err)
		}
	}
	return db, a.ID
}
