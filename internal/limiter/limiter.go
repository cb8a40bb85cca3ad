// Package limiter is the brute-force protection every login path shares
// (HTTP Basic and session logins, API tokens, FTP, Web Disk): failed logins
// are counted per remote address and per account name, and a key that fails
// too often within a window is refused for a while, whatever the protocol.
package limiter

import (
	"sync"
	"time"
)

// Rule is how many failures within Window block a key for Block.
type Rule struct {
	MaxFailures int
	Window      time.Duration
	Block       time.Duration
}

// Config holds one rule per kind of key.
type Config struct {
	PerAddress Rule // a remote IP address
	PerAccount Rule // a login name, so a botnet cannot spread its guesses
}

// DefaultConfig is cPHulk-like: 10 failures from one address in 5 minutes
// block it for 15 minutes; 30 failures for one account in 15 minutes block
// that account's logins for 15 minutes.
func DefaultConfig() Config {
	return Config{
		PerAddress: Rule{MaxFailures: 10, Window: 5 * time.Minute, Block: 15 * time.Minute},
		PerAccount: Rule{MaxFailures: 30, Window: 15 * time.Minute, Block: 15 * time.Minute},
	}
}

type entry struct {
	failures     int
	windowStart  time.Time
	blockedUntil time.Time
}

// Limiter counts failures. It is safe for concurrent use.
type Limiter struct {
	cfg     Config
	now     func() time.Time
	mu      sync.Mutex
	entries map[string]*entry
}

// New returns a limiter. now may be nil (time.Now).
func New(cfg Config, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{cfg: cfg, now: now, entries: make(map[string]*entry)}
}

// Allowed reports whether a login attempt from addr for account may proceed.
// Either may be empty when unknown.
func (l *Limiter) Allowed(addr, account string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	return !l.blocked("a:"+addr, addr, now) && !l.blocked("u:"+account, account, now)
}

func (l *Limiter) blocked(key, raw string, now time.Time) bool {
	e, ok := l.entries[key]
	return raw != "" && ok && now.Before(e.blockedUntil)
}

// Failure records a failed login.
func (l *Limiter) Failure(addr, account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if addr != "" {
		l.fail("a:"+addr, l.cfg.PerAddress, now)
	}
	if account != "" {
		l.fail("u:"+account, l.cfg.PerAccount, now)
	}
	l.prune(now)
}

func (l *Limiter) fail(key string, r Rule, now time.Time) {
	e := l.entries[key]
	if e == nil || now.Sub(e.windowStart) > r.Window {
		e = &entry{windowStart: now}
		l.entries[key] = e
	}
	e.failures++
	if r.MaxFailures > 0 && e.failures >= r.MaxFailures {
		e.blockedUntil = now.Add(r.Block)
		e.failures = 0
		e.windowStart = now
	}
}

// Success forgets the account's failures. The address keeps its count, so
// an attacker cannot reset it by logging in to an account of their own.
func (l *Limiter) Success(account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.entries["u:"+account]; ok && !l.now().Before(e.blockedUntil) {
		delete(l.entries, "u:"+account)
	}
}

// prune drops stale entries once the map has grown, keeping memory bounded
// under a spray of addresses.
func (l *Limiter) prune(now time.Time) {
	if len(l.entries) < 4096 {
		return
	}
	longest := max(l.cfg.PerAddress.Window, l.cfg.PerAccount.Window)
	for k, e := range l.entries {
		if now.After(e.blockedUntil) && now.Sub(e.windowStart) > longest {
			delete(l.entries, k)
		}
	}
}
