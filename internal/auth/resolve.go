package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// resolve finds the principal a normalised login names for proto, or
// errUnknown. A bare name is the hosting account (and, on FTP, NAME_logs
// its logs); user@domain is the protocol's service account, or on FTP
// ftp@domain and anonymous@domain the domain's anonymous FTP.
func (a *Authenticator) resolve(ctx context.Context, proto Protocol, login string) (*Principal, error) {
	user, domain, virtual := strings.Cut(login, "@")
	switch {
	case !virtual:
		return a.resolveAccount(ctx, proto, user)
	case proto == FTP && IsAnonymous(user):
		return a.resolveAnonymous(ctx, domain)
	case proto == FTP && a.ftp != nil:
		f, err := a.ftp.FindFTPAccountByLogin(ctx, user, domain)
		if err != nil {
			return nil, lookupError(err)
		}
		return a.owned(ctx, &Principal{Kind: KindFTP, Login: f.Login(), FTP: f}, f.AccountID)
	case proto == WebDAV && a.webDisk != nil:
		w, err := a.webDisk.FindWebDiskAccountByLogin(ctx, user, domain)
		if err != nil {
			return nil, lookupError(err)
		}
		return a.owned(ctx, &Principal{Kind: KindWebDisk, Login: w.Login(), WebDisk: w}, w.AccountID)
	}
	return nil, errUnknown
}

// resolveAccount finds a bare name: the account's own login first, then,
// on FTP, NAME_logs (its log files, with the account's password).
func (a *Authenticator) resolveAccount(ctx context.Context, proto Protocol, name string) (*Principal, error) {
	acct, err := a.accounts.FindAccountByName(ctx, name)
	if err == nil {
		return &Principal{Kind: KindAccount, Login: acct.Name, Account: acct}, nil
	}
	owner, logs := strings.CutSuffix(name, "_logs")
	if proto != FTP || !logs || owner == "" || !isNotFound(err) {
		return nil, lookupError(err)
	}
	acct, err = a.accounts.FindAccountByName(ctx, owner)
	if err != nil {
		return nil, lookupError(err)
	}
	return &Principal{Kind: KindLogs, Login: name, Account: acct}, nil
}

// resolveAnonymous finds the account owning domain; a client that types
// the host name it connected to ("ftp.example.com", "www.example.com") is
// understood too.
func (a *Authenticator) resolveAnonymous(ctx context.Context, domain string) (*Principal, error) {
	acct, err := a.accounts.FindAccountByDomain(ctx, domain)
	for _, prefix := range []string{"ftp.", "www."} {
		if bare, ok := strings.CutPrefix(domain, prefix); ok && isNotFound(err) {
			acct, err = a.accounts.FindAccountByDomain(ctx, bare)
		}
	}
	if err != nil {
		return nil, lookupError(err)
	}
	return &Principal{Kind: KindAnonymous, Login: "ftp", Account: acct}, nil
}

// owned fills in the hosting account of a service account's principal.
func (a *Authenticator) owned(ctx context.Context, p *Principal, accountID int64) (*Principal, error) {
	acct, err := a.accounts.FindAccountByID(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("auth: find account %d of %s: %w", accountID, p.Login, err)
	}
	p.Account = acct
	return p, nil
}

func isNotFound(err error) bool { return hosting.ErrorCode(err) == hosting.ENOTFOUND }

// lookupError turns a missing login into errUnknown and wraps a store
// failure, which is not a failed guess.
func lookupError(err error) error {
	if isNotFound(err) {
		return errUnknown
	}
	return fmt.Errorf("auth: find login: %w", err)
}
