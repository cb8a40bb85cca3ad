package crash_test

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/vfs"
)

// world is what the last run left: rows of the database, by login name.
type world struct {
	subs    map[string]string           // username → guid
	links   map[string]map[string]int64 // username → service → service_id, for links to an existing user
	ftp     map[string]int64            // username → id
	email   map[string]int64
	webdisk map[string]int64
	intents int
}

// check reads the database and the home of the stopped child and reports
// every half-made or orphaned thing.
func (h *harness) check(t *testing.T) {
	t.Helper()
	w := h.load(t)
	home := filepath.Join(h.dir, "home", acctName)
	t.Logf("after the crashes: %d users, %d FTP, %d mailboxes, %d Web Disk logins; %d repairs logged; %d operations",
		len(w.subs), len(w.ftp), len(w.email), len(w.webdisk), h.repairs, h.ops())
	if w.intents != 0 {
		t.Errorf("%d intents were not repaired", w.intents)
	}
	services := map[string]map[string]int64{"email": w.email, "ftp": w.ftp, "webdisk": w.webdisk}
	for name := range w.subs {
		if strings.HasPrefix(name, "e") {
			continue // checkEdits
		}
		want := []string{"email", "ftp", "webdisk"}
		if strings.HasPrefix(name, "m") {
			want = []string{"email", "ftp"}
		}
		for _, svc := range want {
			id, ok := w.links[name][svc]
			if !ok || services[svc][name] != id {
				t.Errorf("half-made user %s: its %s account is missing or not linked (links %v)", name, svc, w.links[name])
			}
		}
	}
	for svc, rows := range services {
		for name, id := range rows {
			if (strings.HasPrefix(name, "u") || strings.HasPrefix(name, "e")) && w.links[name][svc] != id {
				t.Errorf("orphaned %s account %s: no user holds it", svc, name)
			}
		}
	}
	h.checkEdits(t, w)
	h.checkDirs(t, w, home)
	h.checkTempFiles(t, home)
	h.checkDovecot(t, w)
	h.checkUsage(t, home)
}

// checkUsage compares the usage counters with the bytes on disk: the
// uploads the kills cut must be counted as what they left.
func (h *harness) checkUsage(t *testing.T, home string) {
	t.Helper()
	ctx := context.Background()
	db, acct := h.openAccount(t)
	up, err := db.FindFTPAccount(ctx, acct.ID, "up", domain)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := db.UsageCounts(ctx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	marks, err := db.StaleUsageMarks(ctx, -1, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	wantHome, err := vfs.DiskUsage(home)
	if err != nil {
		t.Fatal(err)
	}
	wantUp, err := vfs.DiskUsage(filepath.Join(home, "uploads"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("usage: %d bytes on disk in the home, %d below the uploading login's root", wantHome, wantUp)
	if wantUp == 0 {
		t.Error("no upload reached the disk: the usage check checks nothing")
	}
	if len(marks) != 0 || counts.Dirs[hosting.UsageHome] != wantHome || counts.FTP[up.ID] != wantUp {
		t.Errorf("usage: home %d, up %d, marks %v; the bytes on disk: home %d, up %d",
			counts.Dirs[hosting.UsageHome], counts.FTP[up.ID], marks, wantHome, wantUp)
	}
}

// checkDirs compares the directories of the names with the logins that
// own them. delete_user keeps files, as cPanel does, so a deleted user's
// directories may stay; nothing else may outlive its login or be missing.
func (h *harness) checkDirs(t *testing.T, w *world, home string) {
	t.Helper()
	exists := func(rel string) bool {
		_, err := os.Lstat(filepath.Join(home, rel))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		return err == nil
	}
	names := h.names(t, home)
	for _, name := range names {
		kept := h.deleted[name] && strings.HasPrefix(name, "u")
		edited := strings.HasPrefix(name, "e")
		for _, d := range []struct {
			rel   string
			owner map[string]int64
			what  string
		}{
			{"public_html/" + name, w.ftp, "FTP home"},
			{"public_html/" + name + "dav", w.webdisk, "Web Disk directory"},
			{"mail/" + domain + "/" + name, w.email, "maildir"},
		} {
			_, owned := d.owner[name]
			dav := strings.HasSuffix(d.rel, "dav")
			if dav && !strings.HasPrefix(name, "u") && !edited {
				continue
			}
			switch has := exists(d.rel); {
			case owned && !has:
				t.Errorf("%s %s is missing for a login that exists", d.what, d.rel)
			case !owned && has && !kept && !(edited && dav): // turning Web Disk off keeps files
				t.Errorf("orphaned %s %s: no login owns it", d.what, d.rel)
			}
		}
	}
}

// names returns every name the driver used or that left a directory.
func (h *harness) names(t *testing.T, home string) []string {
	t.Helper()
	set := map[string]bool{}
	for i := 0; i < h.next; i++ {
		for _, p := range []string{"u", "m", "d"} {
			set[p+strconv.Itoa(i)] = true
		}
	}
	for _, dir := range []string{"public_html", "mail/" + domain} {
		ents, _ := os.ReadDir(filepath.Join(home, dir))
		for _, e := range ents {
			set[strings.TrimSuffix(e.Name(), "dav")] = true
		}
	}
	var out []string
	for n := range set {
		if n != "up" && n != "cgi-bin" && n != "uploads" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// checkDovecot compares the domain's passwd-file with the mailboxes.
func (h *harness) checkDovecot(t *testing.T, w *world) {
	t.Helper()
	f, err := os.Open(filepath.Join(h.dir, "mail", "passwd.d", domain))
	if errors.Is(err, fs.ErrNotExist) && len(w.email) == 0 {
		return
	} else if err != nil {
		t.Fatalf("Dovecot passwd-file: %v", err)
	}
	defer f.Close()
	published := map[string]bool{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := s.Text(); line != "" && !strings.HasPrefix(line, "#") {
			addr, _, _ := strings.Cut(line, ":")
			published[addr] = true
		}
	}
	for name := range w.email {
		if !published[name+"@"+domain] {
			t.Errorf("mailbox %s@%s has no Dovecot entry", name, domain)
		}
		delete(published, name+"@"+domain)
	}
	for addr := range published {
		t.Errorf("orphaned Dovecot entry %s: no mailbox", addr)
	}
}

// load reads the rows of the account from the database.
func (h *harness) load(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(h.dir, "uapid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := &world{subs: map[string]string{}, links: map[string]map[string]int64{}}
	q := func(query string, scan func(s func(...any) error) error) {
		rows, err := db.SQL().QueryContext(ctx, query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows.Scan); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	q(`SELECT username, guid FROM subaccounts`, func(s func(...any) error) error {
		var u, g string
		err := s(&u, &g)
		w.subs[u] = g
		return err
	})
	q(`SELECT a.username, a.service, a.service_id FROM subaccount_annotations a
		JOIN subaccounts s ON s.guid = a.owner_guid AND s.username = a.username WHERE NOT a.dismissed`,
		func(s func(...any) error) error {
			var u, svc string
			var id int64
			err := s(&u, &svc, &id)
			if w.links[u] == nil {
				w.links[u] = map[string]int64{}
			}
			w.links[u][svc] = id
			return err
		})
	w.ftp, w.email, w.webdisk = ids(t, q, "ftp_accounts"), ids(t, q, "email_accounts"), ids(t, q, "webdisk_accounts")
	delete(w.ftp, "up")
	q(`SELECT COUNT(*) FROM intents`, func(s func(...any) error) error { return s(&w.intents) })
	return w
}

func ids(t *testing.T, q func(string, func(func(...any) error) error), table string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	q(`SELECT username, id FROM `+table, func(s func(...any) error) error {
		var u string
		var id int64
		err := s(&u, &id)
		out[u] = id
		return err
	})
	return out
}

// openAccount opens the stopped child's database (closed when the test
// ends) and finds the suite's hosting account.
func (h *harness) openAccount(t *testing.T) (*store.DB, *hosting.Account) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(h.dir, "uapid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	acct, err := db.FindAccountByName(context.Background(), acctName)
	if err != nil {
		t.Fatal(err)
	}
	return db, acct
}

// checkEdits checks that every user of editUser is as one round left it,
// never half-edited: the quota of its mailbox tells the round g; its FTP
// login has the same quota, every hash (the user's own included) takes
// that round's password, and it has a linked Web Disk login exactly in
// odd rounds.
func (h *harness) checkEdits(t *testing.T, w *world) {
	t.Helper()
	ctx := context.Background()
	db, acct := h.openAccount(t)
	edited := 0
	for name := range w.subs {
		if !strings.HasPrefix(name, "e") {
			continue
		}
		sub, err1 := db.FindSubaccount(ctx, acct.ID, name, domain)
		mbox, err2 := db.FindEmailAccount(ctx, acct.ID, name, domain)
		login, err3 := db.FindFTPAccount(ctx, acct.ID, name, domain)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Errorf("half-made user %s: %v", name, err)
			continue
		}
		g := int(mbox.QuotaMB) - 10
		pass := editPassword(g)
		hashes := []string{sub.PasswordHash, mbox.PasswordHash, login.PasswordHash}
		dav, err := db.FindWebDiskAccount(ctx, acct.ID, name, domain)
		if err == nil {
			hashes = append(hashes, dav.PasswordHash)
		}
		_, linked := w.links[name]["webdisk"]
		switch {
		case g < 0 || g > editRounds:
			t.Errorf("user %s: mailbox quota %d MiB is no round's", name, mbox.QuotaMB)
		case login.QuotaMB != mbox.QuotaMB:
			t.Errorf("half-edited user %s: FTP quota %d MiB, mailbox %d MiB", name, login.QuotaMB, mbox.QuotaMB)
		case (err == nil) != (g%2 == 1) || linked != (g%2 == 1):
			t.Errorf("half-edited user %s: round %d, Web Disk login %v (%v), linked %v", name, g, err == nil, err, linked)
		}
		for i, hash := range hashes {
			if !password.Verify(hash, pass) {
				t.Errorf("half-edited user %s: round %d, hash %d of %d does not take its password", name, g, i, len(hashes))
			}
		}
		if g > 0 {
			edited++
		}
	}
	t.Logf("edit loops: %d users checked, %d of them edited", countPrefix(w.subs, "e"), edited)
}

func countPrefix(m map[string]string, p string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, p) {
			n++
		}
	}
	return n
}

// checkTempFiles looks for the temporary files of Web Disk PUTs: the
// repair of a cut PUT removes its own, found from its usage mark.
func (h *harness) checkTempFiles(t *testing.T, home string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), hosting.UploadTempPrefix) {
			t.Errorf("a PUT's temporary file was left: %s", p)
		}
		if d.Type().IsRegular() && strings.HasPrefix(p, filepath.Join(home, "davup")+"/") {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("no Web Disk PUT reached the disk: the temporary-file check checks nothing")
	}
}
