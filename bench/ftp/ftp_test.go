package ftp

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	ftpserver "github.com/fclairamb/ftpserverlib"
	"github.com/jlaffaye/ftp"
	"github.com/spf13/afero"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/vfs"
)

const fileSize = 1 << 20

// uapid starts the real server with an account and a quota-limited FTP
// account holding a 1 MiB file; it returns the address and the login.
func uapid(b *testing.B) (addr, user, pass string) {
	b.Helper()
	db := fixture.Store(b)
	acct := fixture.Account(b, fixture.Accounts(b, db), "bench", "bench.example", "bench-password")
	hash, err := password.Hash("ftp-password")
	if err != nil {
		b.Fatal(err)
	}
	mustFile(b, filepath.Join(acct.HomeDir, "files", "one.bin"))
	fa := &hosting.FTPAccount{AccountID: acct.ID, User: "up", Domain: "bench.example", PasswordHash: hash,
		HomeDir: "files", QuotaMB: 1 << 20}
	if err := db.CreateFTPAccount(context.Background(), fa); err != nil {
		b.Fatal(err)
	}
	lim := limiter.New(limiter.DefaultConfig(), nil)
	srv, err := ftpd.New(ftpd.Config{Addr: "127.0.0.1:0"}, fixture.Authenticator(b, db, lim, nil), fixture.Logger(b))
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	return srv.Addr().String(), "up@bench.example", "ftp-password"
}

// bare starts the baseline: ftpserverlib over afero's BasePathFs, with a
// fixed login and nothing else.
func bare(b *testing.B) (addr, user, pass string) {
	b.Helper()
	dir := b.TempDir()
	mustFile(b, filepath.Join(dir, "one.bin"))
	s := ftpserver.NewFtpServer(&bareDriver{fs: afero.NewBasePathFs(afero.NewOsFs(), dir)})
	if err := s.Listen(); err != nil {
		b.Fatal(err)
	}
	go func() { _ = s.Serve() }()
	b.Cleanup(func() { _ = s.Stop() })
	return s.Addr(), "bare", "bare"
}

type bareDriver struct{ fs afero.Fs }

func (d *bareDriver) GetSettings() (*ftpserver.Settings, error) {
	return &ftpserver.Settings{ListenAddr: "127.0.0.1:0", DefaultTransferType: ftpserver.TransferTypeBinary}, nil
}
func (d *bareDriver) ClientConnected(ftpserver.ClientContext) (string, error) { return "bare", nil }
func (d *bareDriver) ClientDisconnected(ftpserver.ClientContext)              {}
func (d *bareDriver) GetTLSConfig() (*tls.Config, error)                      { return nil, errors.New("no TLS") }
func (d *bareDriver) AuthUser(_ ftpserver.ClientContext, user, pass string) (ftpserver.ClientDriver, error) {
	if user != "bare" || pass != "bare" {
		return nil, errors.New("denied")
	}
	return d.fs, nil
}

func mustFile(b *testing.B, name string) {
	b.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(name, make([]byte, fileSize), 0o644); err != nil {
		b.Fatal(err)
	}
}

func login(b *testing.B, addr, user, pass string) *ftp.ServerConn {
	b.Helper()
	c, err := ftp.Dial(addr, ftp.DialWithTimeout(10*time.Second))
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Login(user, pass); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Quit() })
	return c
}

func benchDownload(b *testing.B, start func(*testing.B) (string, string, string)) {
	addr, user, pass := start(b)
	c := login(b, addr, user, pass)
	b.SetBytes(fileSize)
	for b.Loop() {
		r, err := c.Retr("one.bin")
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, r); err != nil || n != fileSize {
			b.Fatal(n, err)
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchUpload(b *testing.B, start func(*testing.B) (string, string, string)) {
	addr, user, pass := start(b)
	c := login(b, addr, user, pass)
	data := make([]byte, fileSize)
	b.SetBytes(fileSize)
	// A new file each time, so that uapid records the usage change in the
	// store as a real upload does (overwriting with the same size does not).
	for i := 0; b.Loop(); i++ {
		if err := c.Stor(fmt.Sprintf("up-%d.bin", i), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDownload1MiBBare(b *testing.B)  { benchDownload(b, bare) }
func BenchmarkDownload1MiBUapid(b *testing.B) { benchDownload(b, uapid) }
func BenchmarkUpload1MiBBare(b *testing.B)    { benchUpload(b, bare) }
func BenchmarkUpload1MiBUapid(b *testing.B)   { benchUpload(b, uapid) }

// BenchmarkLoginUapid is a full connect, login (SHA512-crypt, limiter, store
// lookups, vfs root) and QUIT.
func BenchmarkLoginUapid(b *testing.B) {
	addr, user, pass := uapid(b)
	for b.Loop() {
		c, err := ftp.Dial(addr, ftp.DialWithTimeout(10*time.Second))
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Login(user, pass); err != nil {
			b.Fatal(err)
		}
		_ = c.Quit()
	}
}

// BenchmarkVFSWrite is the file layer alone: 32 KiB writes (io.Copy's
// chunk) through a quota-counting vfs.File, against os.File below.
func BenchmarkVFSWrite(b *testing.B) {
	v, err := vfs.Open(b.TempDir(), vfs.Options{Usage: vfs.NewQuota(0, 0)})
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	f, err := v.Create("w.bin")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	benchWrite(b, f)
}

func BenchmarkOSWrite(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "w.bin"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	benchWrite(b, f)
}

func benchWrite(b *testing.B, w io.WriteSeeker) {
	chunk := make([]byte, 32<<10)
	b.SetBytes(int64(len(chunk)))
	for i := 0; b.Loop(); i++ {
		if i%256 == 0 { // stay within 8 MiB so the page cache, not the disk, is measured
			if _, err := w.Seek(0, io.SeekStart); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := w.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
}
