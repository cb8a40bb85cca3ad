package usage

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/vfs"
)

func mustFs(tb testing.TB, e *env, k *Keeper, base string, login *hosting.FTPAccount) *vfs.Fs {
	tb.Helper()
	v, err := vfs.OpenIn(e.acct.HomeDir, base, vfs.Options{Usage: k.Counter(e.acct, base, login)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = v.Close() })
	return v
}

func put(tb testing.TB, v *vfs.Fs, name string, n int) {
	tb.Helper()
	f, err := v.Create(name)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(f, strings.NewReader(strings.Repeat("x", n))); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// Changes through vfs move the counts exactly as the bytes on disk move
// (read through the keeper, which settles the idle leases first), and
// leave no mark once done.
func TestCounterFollowsChanges(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	k := e.keeper(t, Config{Node: func() int64 { return 7 }})
	if _, err := k.Rescan(context.Background(), e.acct); err != nil {
		t.Fatal(err)
	}
	main, web := mustFs(t, e, k, "", nil), mustFs(t, e, k, "site", e.login)
	steps := []struct {
		name            string
		do              func(t *testing.T)
		home, pub, site int64
	}{
		{"start", func(*testing.T) {}, 127, 20, 7},
		{"login uploads 3 MiB", func(t *testing.T) { put(t, web, "big.bin", 3<<20) }, 127 + 3<<20, 20, 7 + 3<<20},
		{"login overwrites it shorter", func(t *testing.T) { put(t, web, "big.bin", 10) }, 137, 20, 17},
		{"main uploads to public_ftp", func(t *testing.T) { put(t, main, "public_ftp/new.txt", 30) }, 167, 50, 17},
		{"main moves a file out of public_ftp", func(t *testing.T) { must(t, main.Rename("public_ftp/new.txt", "out.txt")) }, 167, 20, 17},
		{"login removes its file", func(t *testing.T) { must(t, web.Remove("big.bin")) }, 157, 20, 7},
		{"main removes a tree", func(t *testing.T) { must(t, main.RemoveAll("public_ftp")) }, 137, 0, 7},
	}
	for _, s := range steps {
		s.do(t)
		c, err := k.Counts(context.Background(), e.acct)
		must(t, err)
		if c.Dirs[hosting.UsageHome] != s.home || c.Dirs[hosting.UsagePublicFTP] != s.pub || c.FTP[e.login.ID] != s.site {
			t.Errorf("%s: counts %+v; want home %d, public_ftp %d, web %d", s.name, c, s.home, s.pub, s.site)
		}
	}
	if marks, _ := e.db.StaleUsageMarks(context.Background(), 0, time.Now().Add(time.Hour)); len(marks) != 0 {
		t.Errorf("marks left: %+v", marks)
	}
}

// The login's quota, read from the store, stops its uploads.
func TestCounterQuota(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	one := int64(1)
	if err := e.db.UpdateFTPAccount(context.Background(), e.login.ID, hosting.FTPAccountUpdate{QuotaMB: &one}); err != nil {
		t.Fatal(err)
	}
	e.login.QuotaMB = 1
	k := e.keeper(t, Config{})
	if _, err := k.Rescan(context.Background(), e.acct); err != nil { // counts the 7 bytes already there
		t.Fatal(err)
	}
	web := mustFs(t, e, k, "site", e.login)
	f, err := web.Create("up.bin")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(f, strings.NewReader(strings.Repeat("x", 2<<20)))
	var qe *vfs.QuotaError
	if !errors.As(err, &qe) || qe.Limit != 1<<20 || n != 1<<20-7 {
		t.Errorf("upload = %d, %v; want %d bytes and a QuotaError", n, err, 1<<20-7)
	}
	_ = f.Close()
	if c := e.counts(t); c.FTP[e.login.ID] != 1<<20 {
		t.Errorf("login counts %d, want its quota", c.FTP[e.login.ID])
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
