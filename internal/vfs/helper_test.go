package vfs

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// tree is a temporary home directory next to a secret the Fs must never
// reach, with symlinks that try to.
type tree struct {
	base   string // parent of home and secret.txt
	home   string
	secret string
}

const secretText = "SECRET"

func mustTree(tb testing.TB) tree {
	tb.Helper()
	base := tb.TempDir()
	t := tree{base: base, home: filepath.Join(base, "home"), secret: filepath.Join(base, "secret.txt")}
	mustWrite(tb, t.secret, secretText)
	mustMkdir(tb, filepath.Join(base, "outside"))
	mustWrite(tb, filepath.Join(t.home, "file.txt"), "hello")
	mustWrite(tb, filepath.Join(t.home, "dir", "sub.txt"), "sub")
	mustMkdir(tb, filepath.Join(t.home, "public_ftp", "incoming"))
	mustWrite(tb, filepath.Join(t.home, "public_ftp", "pub.txt"), "pub")
	for link, target := range map[string]string{
		"out":    "../secret.txt",
		"abs":    t.secret,
		"outdir": "../outside",
		"up":     "..",
		"in":     "file.txt",
		"indir":  "dir",
	} {
		if err := os.Symlink(target, filepath.Join(t.home, link)); err != nil {
			tb.Fatal(err)
		}
	}
	return t
}

func mustWrite(tb testing.TB, name, content string) {
	tb.Helper()
	mustMkdir(tb, filepath.Dir(name))
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func mustMkdir(tb testing.TB, dir string) {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
}

func mustOpen(tb testing.TB, dir string, opts Options) *Fs {
	tb.Helper()
	v, err := Open(dir, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = v.Close() })
	return v
}

// mustRead returns the content of name in v.
func mustRead(tb testing.TB, v *Fs, name string) string {
	tb.Helper()
	f, err := v.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func mustReadHost(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// fixedTime returns any valid time for Chtimes.
func fixedTime() time.Time { return time.Unix(1_700_000_000, 0) }
