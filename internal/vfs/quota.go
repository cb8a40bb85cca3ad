package vfs

import (
	"fmt"
	"sync"
)

// QuotaError is returned by a write that the quota stops. The bytes written
// before the limit was reached stay in the file and are counted.
type QuotaError struct {
	Limit int64 // bytes
}

// Error implements the error interface.
func (e *QuotaError) Error() string {
	return fmt.Sprintf("disk quota exceeded (limit %d bytes)", e.Limit)
}

// Quota counts the bytes stored under one login's home and stops writes at
// a limit. One Quota may be shared by several Fs (several sessions of the
// same login) so that they cannot each fill the limit. It is safe for
// concurrent use; a nil *Quota counts nothing and limits nothing.
type Quota struct {
	mu      sync.Mutex
	limit   int64 // 0: unlimited, usage is still counted
	used    int64
	pending int64 // usage change not yet persisted
	persist func(delta int64) error
}

// NewQuota returns a quota of limit bytes (0 for unlimited) with used bytes
// already stored. persist, which may be nil, is called by Flush with the
// usage change since the last successful call.
func NewQuota(limit, used int64, persist func(delta int64) error) *Quota {
	return &Quota{limit: max(limit, 0), used: max(used, 0), persist: persist}
}

// Limit returns the limit in bytes, 0 for unlimited.
func (q *Quota) Limit() int64 {
	if q == nil {
		return 0
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.limit
}

// SetLimit changes the limit, for a login whose quota was edited while a
// session holds this Quota.
func (q *Quota) SetLimit(limit int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.limit = max(limit, 0)
}

// Used returns the bytes counted as stored.
func (q *Quota) Used() int64 {
	if q == nil {
		return 0
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.used
}

// reserve counts up to n more bytes and returns how many fit under the limit.
func (q *Quota) reserve(n int64) int64 {
	if q == nil || n <= 0 {
		return max(n, 0)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.limit > 0 {
		n = min(n, max(q.limit-q.used, 0))
	}
	q.used += n
	q.pending += n
	return n
}

// release uncounts n bytes that were freed or reserved but not written.
func (q *Quota) release(n int64) {
	if q == nil || n <= 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.used = max(q.used-n, 0)
	q.pending -= n
}

// Flush persists the usage change counted since the last successful Flush.
// On failure the change is kept and retried by the next Flush.
func (q *Quota) Flush() error {
	if q == nil || q.persist == nil {
		return nil
	}
	q.mu.Lock()
	delta := q.pending
	q.pending = 0
	q.mu.Unlock()
	if delta == 0 {
		return nil
	}
	if err := q.persist(delta); err != nil {
		q.mu.Lock()
		q.pending += delta
		q.mu.Unlock()
		return fmt.Errorf("vfs: persist usage change %d: %w", delta, err)
	}
	return nil
}

// error returns the QuotaError for q's current limit.
func (q *Quota) error() error {
	return &QuotaError{Limit: q.Limit()}
}
