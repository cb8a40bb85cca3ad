package mailauth

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// header starts every file; Dovecot skips lines that begin with #.
const header = "# Written by uapid from its database: edits are overwritten.\n"

// scheme returns Dovecot's name for the crypt(3) format of hash. Naming
// the scheme, instead of leaving Dovecot to guess CRYPT, makes a hash
// imported with password_hash work whatever the system's crypt() supports.
func scheme(hash string) string {
	switch {
	case strings.HasPrefix(hash, "$6$"):
		return "SHA512-CRYPT"
	case strings.HasPrefix(hash, "$5$"):
		return "SHA256-CRYPT"
	case strings.HasPrefix(hash, "$1$"):
		return "MD5-CRYPT"
	case strings.HasPrefix(hash, "$2a$"), strings.HasPrefix(hash, "$2b$"), strings.HasPrefix(hash, "$2y$"):
		return "BLF-CRYPT"
	}
	return "CRYPT"
}

// entry is one mailbox as Dovecot sees it.
type entry struct {
	address  string // user@domain, lower-case
	hash     string // crypt(3)
	uid, gid int
	home     string // absolute maildir
	quotaMB  int64  // 0: unlimited
	nologin  bool   // the hosting account is suspended
}

// newEntry builds the entry of mailbox e of account acct.
func newEntry(acct *hosting.Account, e *hosting.EmailAccount, uid, gid int) entry {
	return entry{address: e.Address(), hash: e.PasswordHash, uid: uid, gid: gid,
		home: filepath.Join(acct.HomeDir, filepath.FromSlash(e.Maildir())), quotaMB: e.QuotaMB,
		nologin: acct.Suspended}
}

// line formats the entry. A field holding the file's separators would let
// one mailbox's data forge another line or field, so it is refused; the
// store's validation makes that a bug or a hand-edited database.
func (e entry) line() (string, error) {
	for _, f := range []string{e.address, e.hash, e.home} {
		if f == "" || strings.ContainsAny(f, ":\r\n\x00") {
			return "", fmt.Errorf("mailauth: mailbox %q: field %q cannot be written to a passwd-file", e.address, f)
		}
	}
	if strings.ContainsAny(e.address+e.hash, " \t%") {
		return "", fmt.Errorf("mailauth: mailbox %q: address or hash holds a space or %%", e.address)
	}
	// A limit of 0 is Dovecot's "unlimited"; stating it overrides any
	// global quota_rule, as cPanel's unlimited means.
	quota := "0"
	if e.quotaMB > 0 {
		quota = strconv.FormatInt(e.quotaMB, 10) + "M"
	}
	extra := "userdb_mail=maildir:~ userdb_quota_rule=*:storage=" + quota
	if e.nologin {
		// Login processes refuse the user; delivery (a userdb lookup) goes on.
		extra += " nologin=y"
	}
	return fmt.Sprintf("%s:{%s}%s:%d:%d::%s::%s\n", e.address, scheme(e.hash), e.hash, e.uid, e.gid, e.home, extra), nil
}

// render returns the file for a domain's entries, in the given order.
func render(entries []entry) ([]byte, error) {
	var b strings.Builder
	b.WriteString(header)
	for _, e := range entries {
		l, err := e.line()
		if err != nil {
			return nil, err
		}
		b.WriteString(l)
	}
	return []byte(b.String()), nil
}
