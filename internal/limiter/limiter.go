// Package limiter is the brute-force protection every login path shares
// (HTTP Basic and session logins, FTP, Web Disk, password changes): failed
// password logins are counted per remote address and per identity, and a
// key that fails too often within a window is refused for a while,
// whatever the protocol. Bad API tokens are counted apart, per address, so
// that password guesses against an account never lock out its tokens.
//
// The counts live in memory (one node, SQLite) or in a
// hosting.LoginFailureStore (PostgreSQL), where every node shares them.
package limiter

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// Rule is how many failures within Window block a key for Block.
type Rule struct {
	MaxFailures int
	Window      time.Duration
	Block       time.Duration
}

// Config holds one rule per kind of key.
type Config struct {
	PerAddress Rule // password failures from a remote IP address
	PerAccount Rule // password failures of one identity, so a botnet cannot spread its guesses
	PerToken   Rule // bad API tokens from a remote IP address
}

// DefaultConfig is cPHulk-like: 10 failures from one address in 5 minutes
// block it for 15 minutes; 30 failures for one identity in 15 minutes block
// that identity's password logins for 15 minutes. API tokens (32 random
// characters, beyond guessing) only need a bound on the lookups one address
// can cause: 20 bad tokens in 5 minutes block its token logins for 15.
func DefaultConfig() Config {
	return Config{
		PerAddress: Rule{MaxFailures: 10, Window: 5 * time.Minute, Block: 15 * time.Minute},
		PerAccount: Rule{MaxFailures: 30, Window: 15 * time.Minute, Block: 15 * time.Minute},
		PerToken:   Rule{MaxFailures: 20, Window: 5 * time.Minute, Block: 15 * time.Minute},
	}
}

// Limiter counts failures. It is safe for concurrent use.
type Limiter struct {
	cfg    Config
	counts hosting.LoginFailureStore
	now    func() time.Time
}

// New returns a limiter that counts in memory, for one node. now may be
// nil (time.Now).
func New(cfg Config, now func() time.Time) *Limiter {
	return Shared(cfg, newMemory(), now)
}

// Shared returns a limiter whose counts live in counts, which every node
// of a cluster shares. now may be nil (time.Now).
func Shared(cfg Config, counts hosting.LoginFailureStore, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{cfg: cfg, counts: counts, now: now}
}

// Key prefixes keep the kinds of key apart in one table.
func addrKey(addr string) string      { return "a:" + client(addr) }
func identityKey(name string) string  { return "u:" + name }
func tokenAddrKey(addr string) string { return "t:" + client(addr) }

// client is the client an address counts for: an IPv4 address, or the /64
// of an IPv6 one, as internal/netlimit counts connections (a single host
// usually holds a whole /64; counting single addresses would give it 2^64
// budgets). Anything else is its own key.
func client(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			ip = net.ParseIP(host)
		}
	}
	if ip == nil || ip.To4() != nil {
		return addr
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// Allowed reports whether a password login from addr for identity may
// proceed. Either may be empty when unknown.
func (l *Limiter) Allowed(ctx context.Context, addr, identity string) (bool, error) {
	var keys []string
	if addr != "" {
		keys = append(keys, addrKey(addr))
	}
	if identity != "" {
		keys = append(keys, identityKey(identity))
	}
	return l.allowed(ctx, keys)
}

// Failure records a failed password login, counting the address and the
// identity in one store transaction. Either may be empty.
func (l *Limiter) Failure(ctx context.Context, addr, identity string) error {
	fails := make([]hosting.LoginFailure, 0, 2)
	if addr != "" {
		fails = append(fails, failure(addrKey(addr), l.cfg.PerAddress))
	}
	if identity != "" {
		fails = append(fails, failure(identityKey(identity), l.cfg.PerAccount))
	}
	return l.fail(ctx, fails)
}

// Success forgets the identity's failures. The address keeps its count, so
// an attacker cannot reset it by logging in to an account of their own.
func (l *Limiter) Success(ctx context.Context, identity string) error {
	if err := l.counts.ClearLoginFailures(ctx, identityKey(identity), l.now()); err != nil {
		return fmt.Errorf("limiter: clear failures: %w", err)
	}
	return nil
}

// TokenAllowed reports whether an API-token login from addr may proceed.
// Password failures do not count here: they must not lock out tokens.
func (l *Limiter) TokenAllowed(ctx context.Context, addr string) (bool, error) {
	if addr == "" {
		return true, nil
	}
	return l.allowed(ctx, []string{tokenAddrKey(addr)})
}

// TokenFailure records a bad API token from addr. It is not counted
// against the account: anyone could then lock its owner's automation out.
func (l *Limiter) TokenFailure(ctx context.Context, addr string) error {
	if addr == "" {
		return nil
	}
	return l.fail(ctx, []hosting.LoginFailure{failure(tokenAddrKey(addr), l.cfg.PerToken)})
}

// Prune deletes counts that neither block nor lie within a window; the
// daemon runs it periodically so that a spray of addresses does not make
// the table grow without bound.
func (l *Limiter) Prune(ctx context.Context) (int, error) {
	now := l.now()
	longest := max(l.cfg.PerAddress.Window, l.cfg.PerAccount.Window, l.cfg.PerToken.Window)
	n, err := l.counts.PruneLoginFailures(ctx, now, now.Add(-longest))
	if err != nil {
		return 0, fmt.Errorf("limiter: prune: %w", err)
	}
	return n, nil
}

func (l *Limiter) allowed(ctx context.Context, keys []string) (bool, error) {
	if len(keys) == 0 {
		return true, nil
	}
	blocked, err := l.counts.LoginBlocked(ctx, keys, l.now())
	if err != nil {
		return false, fmt.Errorf("limiter: check: %w", err)
	}
	return !blocked, nil
}

func (l *Limiter) fail(ctx context.Context, fails []hosting.LoginFailure) error {
	if len(fails) == 0 {
		return nil
	}
	if err := l.counts.AddLoginFailures(ctx, fails, l.now()); err != nil {
		return fmt.Errorf("limiter: count failure: %w", err)
	}
	return nil
}

func failure(key string, r Rule) hosting.LoginFailure {
	return hosting.LoginFailure{Key: key, Max: r.MaxFailures, Window: r.Window, Block: r.Block}
}
