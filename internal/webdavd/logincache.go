package webdavd

import (
	"crypto/sha256"
	"crypto/subtle"
	"time"
)

// DefaultLoginRecheck is the default of Config.LoginRecheck.
const DefaultLoginRecheck = time.Second

// connLogin is the Basic login a keep-alive connection last proved.
//
// Basic clients send the same Authorization header with every request,
// and each full check costs two store reads (the login and its account)
// and the limiter: a third of a small GET's CPU (docs/benchmarks.md). A
// connection therefore reuses the principal it proved while nothing can
// have changed it: until any kill on this server (every change that
// revokes rights kills: password, directory, permissions, deletion,
// suspension), and at most Config.LoginRecheck, which bounds how long a
// change whose kill did not arrive (another node unreachable) goes
// unnoticed on an open connection. A new connection always checks afresh.
type connLogin struct {
	sum   [sha256.Size]byte // of the Authorization header, not the password itself
	p     *principal
	gen   uint64 // the registry's kill counter when the login was checked
	until time.Time
}

// cachedLogin returns the principal the connection proved with the same
// header, if it is still good at kill counter gen and time now.
func (lc *liveConn) cachedLogin(header string, gen uint64, now time.Time) *principal {
	cl := lc.login.Load()
	if cl == nil || cl.gen != gen || !now.Before(cl.until) {
		return nil
	}
	sum := sha256.Sum256([]byte(header))
	if subtle.ConstantTimeCompare(sum[:], cl.sum[:]) != 1 {
		return nil
	}
	return cl.p
}

// rememberLogin keeps p, checked with header at kill counter gen, for
// the connection's next requests until until.
func (lc *liveConn) rememberLogin(header string, p *principal, gen uint64, until time.Time) {
	lc.login.Store(&connLogin{sum: sha256.Sum256([]byte(header)), p: p, gen: gen, until: until})
}
