package vfs

import (
	"fmt"
	"sync"

	"github.com/uapid/uapid/internal/hosting"
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

// Unwrap gives the error its domain code, EQUOTA, so that every transport
// maps a stopped write through its one table (FTP 552, WebDAV 507).
func (e *QuotaError) Unwrap() error {
	return &hosting.Error{Code: hosting.EQUOTA, Message: "The disk quota is exceeded."}
}

// ReserveChunk is how many bytes a file being written first asks its
// Counter for; each next ask doubles, up to 64 MiB. Reserving ahead, not
// per write, keeps the counters' store out of the data path; a file being
// written holds at most its last ask counted ahead of the disk, and gives
// it back when it closes.
const ReserveChunk = 1 << 20

// Counter counts the bytes an Fs stores and holds them to a quota. Paths
// are root-relative, as Clean returns them. The Fs calls Begin before a
// change of a regular file (opening it for writing, removing it, renaming
// over it) and End once the change's usage is counted, so that a Counter
// can leave a durable mark that a crash in between leaves behind. An
// implementation must be safe for concurrent use.
type Counter interface {
	// Begin records that a change of rel begins.
	Begin(rel string) error
	// Reserve counts up to n more bytes at rel before they are written
	// and returns how many the quota grants (fewer when it is reached).
	Reserve(rel string, n int64) (int64, error)
	// Release uncounts n bytes at rel: freed, or reserved and not written.
	Release(rel string, n int64) error
	// End releases n bytes at rel, like Release, and ends the change that
	// Begin began.
	End(rel string, n int64) error
	// Move follows a rename of from to to; size is a regular file's size,
	// isDir tells a directory (whose size the Fs does not know).
	Move(from, to string, size int64, isDir bool) error
	// Limit returns the quota in bytes, 0 for none, for QuotaError.
	Limit() int64
}

// Quota is a Counter kept in memory: a limit and the bytes counted. One
// Quota may be shared by several Fs so that they cannot each fill the
// limit. It is safe for concurrent use.
type Quota struct {
	mu    sync.Mutex
	limit int64 // 0: unlimited, usage is still counted
	used  int64
}

// NewQuota returns a quota of limit bytes (0 for unlimited) with used bytes
// already stored.
func NewQuota(limit, used int64) *Quota {
	return &Quota{limit: max(limit, 0), used: max(used, 0)}
}

// Limit returns the limit in bytes, 0 for unlimited.
func (q *Quota) Limit() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.limit
}

// Used returns the bytes counted as stored (and reserved by open files).
func (q *Quota) Used() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.used
}

// Begin implements Counter; a Quota in memory has nothing to mark.
func (q *Quota) Begin(string) error { return nil }

// Reserve implements Counter.
func (q *Quota) Reserve(_ string, n int64) (int64, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.limit > 0 {
		n = min(n, max(q.limit-q.used, 0))
	}
	n = max(n, 0)
	q.used += n
	return n, nil
}

// Release implements Counter.
func (q *Quota) Release(_ string, n int64) error {
	if n > 0 {
		q.mu.Lock()
		q.used = max(q.used-n, 0)
		q.mu.Unlock()
	}
	return nil
}

// End implements Counter.
func (q *Quota) End(rel string, n int64) error { return q.Release(rel, n) }

// Move implements Counter; one Quota counts the whole root.
func (q *Quota) Move(string, string, int64, bool) error { return nil }

var _ Counter = (*Quota)(nil)
