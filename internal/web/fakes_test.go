package web_test

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/module/webdisk"
)

// fakeClock is the authenticator's time, moved by session tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeSessions is the FTP server's session registry for these tests: live
// sessions in memory, closed by removing them. The product's is in ftpd.
type fakeSessions struct {
	mu   sync.Mutex
	live []hosting.FTPSession
}

func (f *fakeSessions) add(s hosting.FTPSession) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.live = append(f.live, s)
}

func (f *fakeSessions) ids() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int64
	for _, s := range f.live {
		out = append(out, s.ID)
	}
	slices.Sort(out)
	return out
}

func (f *fakeSessions) ListFTPSessions(_ context.Context, accountID int64) ([]hosting.FTPSession, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []hosting.FTPSession
	for _, s := range f.live {
		if s.AccountID == accountID {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeSessions) KillFTPSessions(_ context.Context, accountID int64, flt hosting.FTPSessionFilter) (int, error) {
	return f.remove(func(s hosting.FTPSession) bool {
		return s.AccountID == accountID && (flt.ID == 0 || s.ID == flt.ID) && (flt.Login == "" || s.Login == flt.Login)
	}), nil
}

func (f *fakeSessions) KillLogin(_ context.Context, accountID int64, login string) (int, error) {
	return f.remove(func(s hosting.FTPSession) bool { return s.AccountID == accountID && s.Login == login }), nil
}

func (f *fakeSessions) remove(match func(hosting.FTPSession) bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.live)
	f.live = slices.DeleteFunc(f.live, match)
	return n - len(f.live)
}

var _ ftp.Sessions = (*fakeSessions)(nil)

// noWebDAV is the WebDAV server's connection registry for these tests:
// there are no connections to close.
type noWebDAV struct{}

func (noWebDAV) KillLogin(context.Context, int64, string) (int, error) { return 0, nil }

var _ webdisk.Sessions = noWebDAV{}
