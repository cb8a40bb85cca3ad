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
// suspension), until the store's credentials version changes where the
// store vouches for it (SQLite: any committed change of an account or a
// login), and at most Config.LoginRecheck, which bounds how long a change
// whose kill did not arrive (PostgreSQL, another node unreachable) goes
// unnoticed on an open connection. A new connection always checks afresh.
type connLogin struct {
	sum   [sha256.Size]byte // of the Authorization header, not the password itself
	p     *principal
	at    loginState // when the login was checked
	until time.Time
}

// loginState is what a reused login must still match: the registry's kill
// counter and, when trusted, the store's credentials version.
type loginState struct {
	gen     uint64
	version uint64
	trusted bool // version is the store's; false: no version to compare
}

// loginState returns the current state, the kill counter being gen.
func (s *Server) loginState(gen uint64) loginState {
	st := loginState{gen: gen}
	if s.cfg.Versions != nil {
		st.version, st.trusted = s.cfg.Versions.CredentialsVersion()
	}
	return st
}

// cachedLogin returns the principal the connection proved with the same
// header, if it is still good in state now (at time t).
func (lc *liveConn) cachedLogin(header string, now loginState, t time.Time) *principal {
	cl := lc.login.Load()
	if cl == nil || cl.at != now || !t.Before(cl.until) {
		return nil
	}
	sum := sha256.Sum256([]byte(header))
	if subtle.ConstantTimeCompare(sum[:], cl.sum[:]) != 1 {
		return nil
	}
	return cl.p
}

// rememberLogin keeps p, checked with header in state at (read before
// the check), for the connection's next requests until until.
func (lc *liveConn) rememberLogin(header string, p *principal, at loginState, until time.Time) {
	lc.login.Store(&connLogin{sum: sha256.Sum256([]byte(header)), p: p, at: at, until: until})
}
