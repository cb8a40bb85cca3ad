package svcacct_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/svcacct"
)

var errCommit = errors.New("commit failed")

// makeDirs is the Make of a login whose directory keeps its mode (FTP's).
func makeDirs(rel string) func(root *os.Root) (*svcacct.Change, error) {
	return func(root *os.Root) (*svcacct.Change, error) {
		created, err := homedir.MakeDirs(root, rel, svcacct.PublicMode, func(rel string, err error) error {
			return hosting.Errorf(hosting.EINVALID, "mkdir %s: %v", rel, homedir.Cause(err))
		})
		return &svcacct.Change{Created: created}, err
	}
}

// chmodPrivate is the Make of a Web Disk login made private: it changes
// the mode of an existing directory.
func chmodPrivate(rel string) func(root *os.Root) (*svcacct.Change, error) {
	return func(root *os.Root) (*svcacct.Change, error) {
		fi, err := root.Stat(rel)
		if err != nil {
			return nil, err
		}
		return &svcacct.Change{Chmod: rel, OldMode: fi.Mode().Perm()}, root.Chmod(rel, svcacct.PrivateMode)
	}
}

func TestWithNewDir(t *testing.T) {
	tests := []struct {
		name        string
		existing    string // made before the change, mode 0755
		rel         string
		make        func(rel string) func(*os.Root) (*svcacct.Change, error)
		commit      error
		wantErr     error
		wantCreated string
		wantExists  []string
		wantGone    []string
		wantMode    os.FileMode // of rel afterwards, when set
		// upload is a file a login puts in what was made while the
		// commit runs: the undo keeps it, with its directories.
		upload string
	}{
		{name: "committed: the directory stays", rel: "a/b", make: makeDirs, wantCreated: "a",
			wantExists: []string{"a/b"}, wantMode: svcacct.PublicMode},
		{name: "commit failed: what was made goes", rel: "a/b", make: makeDirs, commit: errCommit,
			wantErr: errCommit, wantGone: []string{"a"}},
		{name: "commit failed: a file put in what was made meanwhile stays", rel: "a/b", make: makeDirs,
			commit: errCommit, upload: "a/b/up.txt", wantErr: errCommit, wantExists: []string{"a/b/up.txt"}},
		{name: "commit failed: an existing parent stays", existing: "a", rel: "a/b", make: makeDirs,
			commit: errCommit, wantErr: errCommit, wantExists: []string{"a"}, wantGone: []string{"a/b"}},
		{name: "commit failed: an existing directory stays", existing: "a", rel: "a", make: makeDirs,
			commit: errCommit, wantErr: errCommit, wantExists: []string{"a"}},
		{name: "commit failed: a changed mode is restored", existing: "a", rel: "a", make: chmodPrivate,
			commit: errCommit, wantErr: errCommit, wantExists: []string{"a"}, wantMode: svcacct.PublicMode},
		{name: "committed: a changed mode stays", existing: "a", rel: "a", make: chmodPrivate,
			wantExists: []string{"a"}, wantMode: svcacct.PrivateMode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			if tt.existing != "" {
				e.mkdir(t, tt.existing)
				if err := os.Chmod(filepath.Join(e.acct.HomeDir, tt.existing), svcacct.PublicMode); err != nil {
					t.Fatal(err)
				}
			}
			d := e.dirs(svcacct.Config{})
			d.UseJournal(e.journal(t, "node"), e.db)
			commits := 0
			c, err := d.WithNewDir(context.Background(), e.acct, svcacct.NewDir{Rel: tt.rel, Make: tt.make(tt.rel)},
				func() error {
					commits++
					if tt.upload != "" {
						mustFile(t, filepath.Join(e.acct.HomeDir, tt.upload))
					}
					return tt.commit
				})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("WithNewDir error = %v, want %v", err, tt.wantErr)
			}
			if commits != 1 {
				t.Errorf("commit ran %d times, want 1", commits)
			}
			if err == nil && c.Created != tt.wantCreated {
				t.Errorf("Created = %q, want %q", c.Created, tt.wantCreated)
			}
			for _, p := range tt.wantExists {
				if !e.exists(p) {
					t.Errorf("%s is gone", p)
				}
			}
			for _, p := range tt.wantGone {
				if e.exists(p) {
					t.Errorf("%s survived", p)
				}
			}
			if tt.wantMode != 0 {
				fi, err := os.Stat(filepath.Join(e.acct.HomeDir, tt.rel))
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != tt.wantMode {
					t.Errorf("mode of %s = %v, want %v", tt.rel, fi.Mode().Perm(), tt.wantMode)
				}
			}
			if n := e.intents(t); n != 0 {
				t.Errorf("%d intents left, want 0", n)
			}
		})
	}
}

// TestWithNewDirUndoFailedLeavesTheIntent checks that a change whose undo
// fails leaves its intent, and that the repair then removes the directory.
func TestWithNewDirUndoFailedLeavesTheIntent(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	d := e.dirs(svcacct.Config{})
	d.UseJournal(e.journal(t, "node"), e.db)
	_, err := d.WithNewDir(context.Background(), e.acct, svcacct.NewDir{Rel: "a/b", Make: func(root *os.Root) (*svcacct.Change, error) {
		c, err := makeDirs("a/b")(root)
		c.Created = "../not-below-the-home" // os.Root refuses to remove it
		return c, err
	}}, func() error { return errCommit })
	if !errors.Is(err, errCommit) {
		t.Fatalf("error = %v, want %v", err, errCommit)
	}
	if n := e.intents(t); n != 1 {
		t.Fatalf("%d intents left, want 1", n)
	}
	if !e.exists("a/b") {
		t.Fatal("the undo removed a/b")
	}
	restarted := e.dirs(svcacct.Config{})
	j := e.journal(t, "restarted")
	restarted.UseJournal(j, e.db)
	if left, err := j.Recover(context.Background()); left != 0 || err != nil {
		t.Fatalf("Recover: %d left, %v", left, err)
	}
	if e.exists("a") {
		t.Error("the repair left the directory no login uses")
	}
}
