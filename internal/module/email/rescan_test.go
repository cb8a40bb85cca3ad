package email_test

import (
	"sync"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/module/email"
)

// rescans records the accounts whose usage recount was asked for.
type rescans struct {
	mu  sync.Mutex
	ids []int64
}

func (r *rescans) Schedule(acct *hosting.Account) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, acct.ID)
}

// Removing a maildir behind the file layer asks for a recount of the
// account's usage; keeping it (flags=passwd) does not.
func TestDeletePopRescansUsage(t *testing.T) {
	t.Parallel()
	r := &rescans{}
	e := mustEnvWith(t, email.Config{Rescans: r}, nil)
	e.mustAdd(t, e.a, "kept@example.com", "s3cret-pass")
	e.mustAdd(t, e.a, "gone@example.com", "s3cret-pass")
	mustOK(t, e.call(e.a, "delete_pop", "email=kept", "flags=passwd"))
	if len(r.ids) != 0 {
		t.Errorf("a kept maildir asked for recounts %v", r.ids)
	}
	mustOK(t, e.call(e.a, "delete_pop", "email=gone"))
	if len(r.ids) != 1 || r.ids[0] != e.a.ID {
		t.Errorf("recounts %v, want one of account %d", r.ids, e.a.ID)
	}
}
