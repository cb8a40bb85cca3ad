package ftpd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

// Login kinds, as Ftp::list_ftp names them.
const (
	kindMain      = "main"
	kindLogs      = "logaccess"
	kindAnonymous = "anonymous"
	kindSub       = "sub"
)

// Login failure reasons. The client sees one generic message for all of
// them; the reason goes to the log.
var (
	errInvalid   = errors.New("invalid credentials")
	errSuspended = errors.New("account suspended")
	errLimited   = errors.New("too many failed logins")
	// errTooManySessions refuses a correct login that has
	// Config.MaxSessionsPerLogin sessions already.
	errTooManySessions = errors.New("too many sessions for this login")
)

// principal is who a login turned out to be and what it may reach.
type principal struct {
	kind      string
	login     string // normalised, as list_sessions shows it
	account   *hosting.Account
	ftp       *hosting.FTPAccount // kindSub only
	dir       string              // root, relative to the account's home
	readOnly  bool
	dropBoxes []string // relative to the root
}

// normaliseLogin lower-cases a login, accepts "user+domain" for clients
// that cannot send "@", and names anonymous logins "ftp".
func normaliseLogin(login string) string {
	login = strings.ToLower(strings.TrimSpace(login))
	if !strings.Contains(login, "@") {
		login = strings.Replace(login, "+", "@", 1)
	}
	user, domain, ok := strings.Cut(login, "@")
	if user == "anonymous" && !ok {
		return "ftp"
	} else if user == "anonymous" {
		return "ftp@" + domain
	}
	return login
}

// isAnonymous reports whether user is one of anonymous FTP's names.
func isAnonymous(user string) bool { return user == "ftp" || user == "anonymous" }

// authenticate resolves a normalised login and checks its password.
func (d *driver) authenticate(ctx context.Context, login, pass string) (*principal, error) {
	user, domain, virtual := strings.Cut(login, "@")
	switch {
	case !virtual:
		return d.accountLogin(ctx, user, pass)
	case isAnonymous(user):
		return d.anonymousLogin(ctx, domain)
	}
	return d.virtualLogin(ctx, user, domain, pass)
}

// accountLogin resolves a bare name: the account's own name first (its main
// login, the whole home), then NAME_logs (its log files, read-only). Both
// take the account's password.
func (d *driver) accountLogin(ctx context.Context, name, pass string) (*principal, error) {
	p := &principal{kind: kindMain, login: name}
	acct, err := d.accounts.FindAccountByName(ctx, name)
	if owner, ok := strings.CutSuffix(name, "_logs"); ok && owner != "" && isNotFound(err) {
		p = &principal{kind: kindLogs, login: name, dir: "logs", readOnly: true}
		acct, err = d.accounts.FindAccountByName(ctx, owner)
	}
	if err != nil {
		return nil, d.lookupFailed(err, pass)
	}
	if !password.Verify(acct.PasswordHash, pass) {
		return nil, errInvalid
	}
	if err := d.usable(acct); err != nil {
		return nil, err
	}
	p.account = acct
	return p, nil
}

// virtualLogin resolves user@domain, a virtual FTP account.
func (d *driver) virtualLogin(ctx context.Context, user, domain, pass string) (*principal, error) {
	f, err := d.ftpAccounts.FindFTPAccountByLogin(ctx, user, domain)
	if err != nil {
		return nil, d.lookupFailed(err, pass)
	}
	if !password.Verify(f.PasswordHash, pass) {
		return nil, errInvalid
	}
	acct, err := d.accounts.FindAccountByID(ctx, f.AccountID)
	if err != nil {
		return nil, fmt.Errorf("ftpd: find account %d: %w", f.AccountID, err)
	}
	if err := d.usable(acct); err != nil {
		return nil, err
	}
	return &principal{kind: kindSub, login: f.Login(), account: acct, ftp: f, dir: f.HomeDir}, nil
}

// anonymousLogin opens the domain's ~/public_ftp, read-only, when it is
// world-readable and searchable, with incoming/ as an upload-only drop box
// when that is world-writable: the modes set_anonymous_ftp and
// set_anonymous_ftp_incoming set. Any password is accepted.
func (d *driver) anonymousLogin(ctx context.Context, domain string) (*principal, error) {
	acct, err := d.findAccountByDomain(ctx, domain)
	if err != nil {
		return nil, d.lookupFailed(err, "")
	}
	if err := d.usable(acct); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(acct.HomeDir)
	if err != nil {
		return nil, fmt.Errorf("ftpd: open home of %s: %w", acct.Name, err)
	}
	defer root.Close()
	if !worldMode(root, "public_ftp", 0o005) {
		return nil, errInvalid // anonymous FTP is off
	}
	p := &principal{kind: kindAnonymous, login: "ftp", account: acct, dir: "public_ftp", readOnly: true}
	if worldMode(root, "public_ftp/incoming", 0o002) {
		p.dropBoxes = []string{"incoming"}
	}
	return p, nil
}

// worldMode reports whether the directory rel has all of the "other"
// permission bits in bits.
func worldMode(root *os.Root, rel string, bits fs.FileMode) bool {
	fi, err := root.Stat(rel)
	return err == nil && fi.IsDir() && fi.Mode().Perm()&bits == bits
}

// findAccountByDomain finds the account owning domain; a client that types
// the host name it connected to ("ftp.example.com", "www.example.com") is
// understood too.
func (d *driver) findAccountByDomain(ctx context.Context, domain string) (*hosting.Account, error) {
	acct, err := d.accounts.FindAccountByDomain(ctx, domain)
	for _, prefix := range []string{"ftp.", "www."} {
		if bare, ok := strings.CutPrefix(domain, prefix); ok && isNotFound(err) {
			acct, err = d.accounts.FindAccountByDomain(ctx, bare)
		}
	}
	return acct, err
}

func isNotFound(err error) bool { return hosting.ErrorCode(err) == hosting.ENOTFOUND }

// lookupFailed turns a failed lookup into the login failure. For a login
// that does not exist it spends a password check on a dummy hash, so that
// timing does not tell a missing login from a wrong password; other errors
// are the store's and are returned wrapped.
func (d *driver) lookupFailed(err error, pass string) error {
	if isNotFound(err) {
		password.Verify(d.dummyHash, pass)
		return errInvalid
	}
	return fmt.Errorf("ftpd: find login: %w", err)
}

// usable refuses a suspended account.
func (d *driver) usable(acct *hosting.Account) error {
	if acct.Suspended {
		return errSuspended
	}
	return nil
}
