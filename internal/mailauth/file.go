package mailauth

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// File and directory modes: Dovecot's auth process reads the files through
// the group (Config.FileGID); nobody else needs to see password hashes.
const (
	dirMode  = 0o750
	fileMode = 0o640
)

// tmpMarker follows the leading dot of every temporary file's name;
// PublishAll removes leftovers of an interrupted write by the two. A domain
// name may contain the marker but never starts with a dot.
const tmpMarker = ".tmp-"

func isTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tmpMarker)
}

// fileName checks that domain is a normalised domain name, which can never
// be ".", ".." or contain a slash, and returns it as the file's name.
func fileName(domain string) (string, error) {
	if n, err := hosting.NormalizeDomain(domain); err != nil || n != domain {
		return "", fmt.Errorf("mailauth: %q is not a normalised domain name", domain)
	}
	return domain, nil
}

// openDir opens the publishing directory as the root of every file
// operation, so that no name can reach outside it.
func (p *Publisher) openDir() (*os.Root, error) {
	root, err := os.OpenRoot(p.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("mailauth: open %s: %w", p.cfg.Dir, err)
	}
	return root, nil
}

// replace makes name hold body: an unchanged file is left alone; otherwise
// body is written to a temporary file, synced and renamed over name, and
// the directory is synced so that the rename survives a crash.
func (p *Publisher) replace(root *os.Root, name string, body []byte) error {
	if old, err := root.ReadFile(name); err == nil && bytes.Equal(old, body) {
		return nil
	}
	tmp, err := p.writeTemp(root, name, body)
	if err != nil {
		return err
	}
	err = advanceMtime(root, tmp, name)
	if err == nil {
		err = root.Rename(tmp, name)
	}
	if err != nil {
		_ = root.Remove(tmp)
		return fmt.Errorf("mailauth: replace %s: %w", name, err)
	}
	return syncDir(root)
}

// advanceMtime gives the new file tmp a modification time, in whole
// seconds, later than the file it replaces. Dovecot re-reads a passwd-file
// only when its st_mtime (seconds) or size differs from what it read last,
// so two same-sized versions written within one second would leave it on
// the older one; strictly increasing seconds rule that out.
func advanceMtime(root *os.Root, tmp, name string) error {
	old, err := root.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	next := old.ModTime().Truncate(time.Second).Add(time.Second)
	if time.Now().After(next) {
		return nil
	}
	return root.Chtimes(tmp, next, next)
}

// writeTemp writes body to a new temporary file beside name, with the
// final mode and group, and syncs it.
func (p *Publisher) writeTemp(root *os.Root, name string, body []byte) (string, error) {
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := "." + name + tmpMarker + hex.EncodeToString(rnd[:])
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if err != nil {
		return "", fmt.Errorf("mailauth: create %s: %w", tmp, err)
	}
	err = writeSynced(f, body, p.cfg.FileGID)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = root.Remove(tmp)
		return "", fmt.Errorf("mailauth: write %s: %w", tmp, err)
	}
	return tmp, nil
}

func writeSynced(f *os.File, body []byte, gid int) error {
	if _, err := f.Write(body); err != nil {
		return err
	}
	// OpenFile's mode passes through the umask; the group must read.
	if err := f.Chmod(fileMode); err != nil {
		return err
	}
	if gid > 0 {
		if err := f.Chown(-1, gid); err != nil {
			return err
		}
	}
	return f.Sync()
}

// empty replaces an existing domain file with one that holds no mailbox.
// It never removes the file: Dovecot 2.3 keeps answering from the last
// contents of a passwd-file that disappears, so a removed file would keep
// deleted mailboxes logging in. A missing file stays missing.
func (p *Publisher) empty(root *os.Root, name string) error {
	if _, err := root.Lstat(name); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return p.replace(root, name, []byte(header))
}

// syncDir makes renames and removals in the directory durable.
func syncDir(root *os.Root) error {
	d, err := root.Open(".")
	if err != nil {
		return fmt.Errorf("mailauth: sync directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("mailauth: sync directory: %w", err)
	}
	return nil
}

// sweep empties the files of domains without mailboxes (keep holds the
// others) and removes temporary files of interrupted writes. Other names
// (an operator's notes) are left alone.
func (p *Publisher) sweep(root *os.Root, keep map[string]bool) error {
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return fmt.Errorf("mailauth: read %s: %w", p.cfg.Dir, err)
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		_, nameErr := fileName(name)
		switch {
		case !e.Type().IsRegular():
		case isTemp(name):
			if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("mailauth: remove %s: %w", name, err))
			}
		case nameErr == nil && !keep[name]:
			errs = append(errs, p.empty(root, name))
		}
	}
	if err := syncDir(root); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
