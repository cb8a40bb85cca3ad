package usermanager

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// tripleSnapshot has names user0…user(n-1)@example.com, each with an email,
// an FTP and a Web Disk account and no Subaccount.
func tripleSnapshot(n int) *snapshot {
	services := make([]*serviceAccount, 0, 3*n)
	for _, mk := range []func(string, int64) *serviceAccount{em, fa, wd} {
		for i := range n {
			services = append(services, mk("user"+strconv.Itoa(i)+"@example.com", int64(len(services)+1)))
		}
	}
	return newSnapshot(nil, services, nil)
}

// mixedSnapshot has about n service accounts in four equal kinds of names:
// a Subaccount with linked email and FTP; an email and an FTP account that
// make a hypothetical Subaccount; a lone FTP account; a Web Disk account
// beside a dismissed email account.
func mixedSnapshot(n int) *snapshot {
	var subs []*hosting.Subaccount
	var email, ftp, disk []*serviceAccount
	var notes []*hosting.ServiceAnnotation
	id := int64(0)
	next := func() int64 { id++; return id }
	for i := 0; int(id) < n; i++ {
		name := fmt.Sprintf("user%d@example.com", i)
		switch i % 4 {
		case 0:
			sub := sb(name)
			e, f := em(name, next()), fa(name, next())
			subs, email, ftp = append(subs, sub), append(email, e), append(ftp, f)
			notes = append(notes, linkNote(e, sub), linkNote(f, sub))
		case 1:
			email, ftp = append(email, em(name, next())), append(ftp, fa(name, next()))
		case 2:
			ftp = append(ftp, fa(name, next()))
		case 3:
			e := em(name, next())
			email, disk = append(email, e), append(disk, wd(name, next()))
			notes = append(notes, dismissNote(e))
		}
	}
	return newSnapshot(subs, append(append(email, ftp...), disk...), notes)
}

// BenchmarkListUsers measures list_users' grouping and record building
// (group) and the whole function through the engine over a real SQLite
// store with the real Ftp, Email and WebDisk services (store), for 1,000,
// 10,000 and 100,000 service accounts.
func BenchmarkListUsers(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		snap := mixedSnapshot(n)
		b.Run(fmt.Sprintf("group/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				testBuilder().listUsers(snap, false)
			}
		})
	}
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("store/%d", n), func(b *testing.B) {
			e := mustEnv(b)
			mustBulkLoad(b, e, mixedSnapshot(n))
			req := uapi.Request{Account: e.a, Module: module, Function: "list_users", Args: uapi.Args{}, Transport: "bench"}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if r := e.eng.Execute(context.Background(), req); r.Status != 1 {
					b.Fatalf("list_users: %v", r.Errors)
				}
			}
		})
	}
}

// mustBulkLoad writes snap's users for e.a straight into the SQLite store in
// one transaction: creating 100,000 accounts through the services would
// make the benchmark's setup take minutes.
func mustBulkLoad(tb testing.TB, e *env, snap *snapshot) {
	tb.Helper()
	tx, err := e.db.SQL().Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) int64 {
		res, err := tx.Exec(q, args...)
		if err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
		id, _ := res.LastInsertId()
		return id
	}
	acct := e.a.ID
	for _, s := range snap.subs {
		exec(`INSERT INTO subaccounts (account_id, guid, username, domain, password_hash, synced_password, created_at)
			VALUES (?, ?, ?, ?, ?, TRUE, 0)`, acct, s.GUID, s.User, s.Domain, s.PasswordHash)
	}
	ids := make(map[int64]int64, len(snap.services))
	for _, sa := range snap.services {
		switch sa.service {
		case hosting.ServiceEmail:
			ids[sa.id] = exec(`INSERT INTO email_accounts (account_id, username, domain, password_hash, quota_mb, created_at)
				VALUES (?, ?, ?, ?, 250, 0)`, acct, sa.user, sa.domain, sa.hash)
		case hosting.ServiceFTP:
			ids[sa.id] = exec(`INSERT INTO ftp_accounts (account_id, username, domain, password_hash, home_dir, created_at)
				VALUES (?, ?, ?, ?, ?, 0)`, acct, sa.user, sa.domain, sa.hash, sa.user)
		case hosting.ServiceWebDisk:
			ids[sa.id] = exec(`INSERT INTO webdisk_accounts (account_id, username, domain, password_hash, home_dir, perms, created_at)
				VALUES (?, ?, ?, ?, ?, 'rw', 0)`, acct, sa.user, sa.domain, sa.hash, "public_html/"+sa.user)
		}
	}
	for _, sa := range snap.services {
		n := snap.notes[noteKey{sa.service, sa.name()}]
		if n == nil || n.ServiceID != sa.id {
			continue
		}
		var owner any
		if n.OwnerGUID != "" {
			owner = n.OwnerGUID
		}
		exec(`INSERT INTO subaccount_annotations (account_id, service, username, domain, service_id, owner_guid, dismissed)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, acct, sa.service, sa.user, sa.domain, ids[sa.id], owner, n.Dismissed)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}
