package ftpd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
)

// Refusals of FTP's own; internal/auth's ErrInvalid, ErrLimited and
// ErrSuspended are the others.
var (
	// errAnonymousOff refuses an anonymous login to a domain whose
	// ~/public_ftp is not world-readable: anonymous FTP is off there.
	errAnonymousOff = errors.New("anonymous FTP is off")
	// errTooManySessions refuses a correct login that has
	// Config.MaxSessionsPerLogin sessions already.
	errTooManySessions = errors.New("too many sessions for this login")
)

// principal is who a login turned out to be and what it may reach.
type principal struct {
	kind      auth.Kind
	login     string // normalised, as list_sessions shows it
	account   *hosting.Account
	ftp       *hosting.FTPAccount // auth.KindFTP only
	dir       string              // root, relative to the account's home
	readOnly  bool
	dropBoxes []string // relative to the root
}

// normaliseLogin normalises a login as internal/auth does and names
// anonymous logins "ftp", as list_sessions shows them.
func normaliseLogin(login string) string {
	login = auth.NormaliseLogin(login)
	user, domain, ok := strings.Cut(login, "@")
	if user == "anonymous" && !ok {
		return "ftp"
	} else if user == "anonymous" {
		return "ftp@" + domain
	}
	return login
}

// login authenticates through internal/auth, which owns every login rule,
// and turns the principal into what the session may reach: the whole home
// for the main login, logs/ read-only for NAME_logs, the FTP account's
// directory, or anonymous FTP's public_ftp.
func (d *driver) login(ctx context.Context, ip, login, pass string) (*principal, error) {
	ap, err := d.auth.Authenticate(ctx, auth.FTP, login, pass, ip)
	if err != nil {
		return nil, err
	}
	p := &principal{kind: ap.Kind, login: ap.Login, account: ap.Account}
	switch ap.Kind {
	case auth.KindLogs:
		p.dir, p.readOnly = "logs", true
	case auth.KindFTP:
		p.ftp, p.dir = ap.FTP, ap.FTP.HomeDir
	case auth.KindAnonymous:
		return anonymous(p)
	}
	return p, nil
}

// anonymous opens the domain's ~/public_ftp, read-only, when it is
// world-readable and searchable, with incoming/ as an upload-only drop box
// when that is world-writable: the modes set_anonymous_ftp and
// set_anonymous_ftp_incoming set.
func anonymous(p *principal) (*principal, error) {
	root, err := os.OpenRoot(p.account.HomeDir)
	if err != nil {
		return nil, fmt.Errorf("ftpd: open home of %s: %w", p.account.Name, err)
	}
	defer root.Close()
	if !worldMode(root, "public_ftp", 0o005) {
		return nil, errAnonymousOff
	}
	p.dir, p.readOnly = "public_ftp", true
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

// loginFailure is the reason a login was refused, for the log, or "" for
// an error that is not a refusal (a store outage). The client gets one
// generic 530 for every one of them.
func loginFailure(err error) string {
	for _, refusal := range []error{auth.ErrInvalid, auth.ErrLimited, auth.ErrSuspended, errAnonymousOff} {
		if errors.Is(err, refusal) {
			return refusal.Error()
		}
	}
	return ""
}
