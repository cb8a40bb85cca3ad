package limiter

import (
	"context"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// memory keeps the counts of one node in a map.
type memory struct {
	mu        sync.Mutex
	entries   map[string]*entry
	pruneNext int // the size at which a failure drops stale entries
}

type entry struct {
	failures     int
	windowStart  time.Time
	window       time.Duration // the rule's, for pruning on growth
	blockedUntil time.Time
}

// pruneAt is the smallest size at which a failure also drops stale
// entries, keeping memory bounded under a spray of addresses between two
// Prune calls. After a pass the next one waits for twice the entries left,
// so that live entries are not scanned on every failure.
const pruneAt = 4096

func newMemory() *memory { return &memory{entries: make(map[string]*entry), pruneNext: pruneAt} }

// LoginBlocked implements hosting.LoginFailureStore.
func (m *memory) LoginBlocked(_ context.Context, keys []string, now time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		if e, ok := m.entries[k]; ok && now.Before(e.blockedUntil) {
			return true, nil
		}
	}
	return false, nil
}

// AddLoginFailures implements hosting.LoginFailureStore.
func (m *memory) AddLoginFailures(_ context.Context, fails []hosting.LoginFailure, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, f := range fails {
		m.add(f.Key, f.Max, f.Window, f.Block, now)
	}
	return nil
}

func (m *memory) add(key string, maxFailures int, window, block time.Duration, now time.Time) {
	e := m.entries[key]
	if e == nil {
		e = &entry{windowStart: now, window: window}
		m.entries[key] = e
	} else if now.Sub(e.windowStart) > window {
		e.failures, e.windowStart = 0, now
	}
	e.failures++
	if maxFailures > 0 && e.failures >= maxFailures {
		e.blockedUntil = now.Add(block)
		e.failures = 0
		e.windowStart = now
	}
	if len(m.entries) >= m.pruneNext {
		m.pruneExpired(now)
		m.pruneNext = max(pruneAt, 2*len(m.entries))
	}
}

// ClearLoginFailures implements hosting.LoginFailureStore.
func (m *memory) ClearLoginFailures(_ context.Context, key string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[key]; ok && !now.Before(e.blockedUntil) {
		delete(m.entries, key)
	}
	return nil
}

// PruneLoginFailures implements hosting.LoginFailureStore.
func (m *memory) PruneLoginFailures(_ context.Context, now, windowStart time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k, e := range m.entries {
		if !now.Before(e.blockedUntil) && e.windowStart.Before(windowStart) {
			delete(m.entries, k)
			n++
		}
	}
	return n, nil
}

// pruneExpired drops the entries whose own window has passed.
func (m *memory) pruneExpired(now time.Time) {
	for k, e := range m.entries {
		if !now.Before(e.blockedUntil) && now.Sub(e.windowStart) > e.window {
			delete(m.entries, k)
		}
	}
}

var _ hosting.LoginFailureStore = (*memory)(nil)
