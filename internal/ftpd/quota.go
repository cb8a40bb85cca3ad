package ftpd

import (
	"context"
	"sync"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/vfs"
)

// quotaTable shares one vfs.Quota among the live sessions of each FTP
// account, so that two sessions of one login cannot each fill its quota.
type quotaTable struct {
	store hosting.FTPAccountStore

	mu      sync.Mutex
	entries map[int64]*quotaEntry // FTP account id → quota
}

type quotaEntry struct {
	quota *vfs.Quota
	refs  int
}

func newQuotaTable(store hosting.FTPAccountStore) *quotaTable {
	return &quotaTable{store: store, entries: make(map[int64]*quotaEntry)}
}

// acquire returns the quota of a virtual FTP account, nil for the other
// logins. The first session loads it from f; later ones share it and take
// f's limit, which may have been changed since.
func (t *quotaTable) acquire(f *hosting.FTPAccount) *vfs.Quota {
	if f == nil {
		return nil
	}
	limit := f.QuotaMB << 20 // MiB, as cPanel's ftpquota counts
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.entries[f.ID]
	if e == nil {
		e = &quotaEntry{quota: vfs.NewQuota(limit, f.UsedBytes, t.persister(f.ID))}
		t.entries[f.ID] = e
	} else {
		e.quota.SetLimit(limit)
	}
	e.refs++
	return e.quota
}

// release drops a session's hold on a quota.
func (t *quotaTable) release(id int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.entries[id]; e != nil {
		if e.refs--; e.refs <= 0 {
			delete(t.entries, id)
		}
	}
}

// persister returns the function that records usage changes of one FTP
// account, for list_ftp_with_disk.
func (t *quotaTable) persister(id int64) func(int64) error {
	return func(delta int64) error {
		ctx, cancel := context.WithTimeout(context.Background(), persistTimeout)
		defer cancel()
		return t.store.AddFTPUsage(ctx, id, delta)
	}
}
