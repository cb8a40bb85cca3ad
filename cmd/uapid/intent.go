package main

import (
	"context"
	"fmt"

	"github.com/uapid/uapid/internal/cluster"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/module/webdisk"
	"github.com/uapid/uapid/internal/store"
)

// intents makes the multi-step changes crash-safe: one journal, owned by
// this cluster node, that every service records its changes in and
// registers its repairs with. It then repairs what a previous run left
// half-done before any listener accepts a request, and starts the
// periodic reconciler.
func (m *Main) intents(ctx context.Context, ftpSvc *ftp.Service, emailSvc *email.Service, webdiskSvc *webdisk.Service) error {
	j, err := intent.New(intent.Config{Owner: m.cluster.Name(), Shared: m.db.Dialect() == store.DialectPostgres,
		DeadAfter: cluster.DefaultDeadAfter}, m.db, m.Log)
	if err != nil {
		return err
	}
	ftpSvc.UseJournal(j, m.db)
	emailSvc.UseJournal(j, m.db)
	webdiskSvc.UseJournal(j, m.db)
	m.accounts.UseJournal(j)
	m.users.UseJournal(j)
	left, err := j.Recover(ctx)
	if err != nil {
		return fmt.Errorf("repair interrupted changes: %w", err)
	}
	if left > 0 {
		m.Log.Warn("intent: changes left to repair later", "count", left)
	}
	m.goBackground(ctx, j.Run)
	return nil
}
