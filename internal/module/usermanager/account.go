package usermanager

import (
	"fmt"
	"math"

	"github.com/uapid/uapid/internal/hosting"
)

// serviceAccount is one email, FTP or Web Disk login as UserManager sees
// it: its name, what records show about it, and what merging needs (its id
// and password hash). It is built once per call from the service's own
// record and then only read.
type serviceAccount struct {
	service    string // hosting.ServiceEmail, ServiceFTP or ServiceWebDisk
	user       string
	domain     string // "" only for the account's NAME_logs FTP login
	id         int64  // the service's store id; 0 for special logins
	hash       string // password hash
	special    bool   // system-managed: cannot be deleted, re-passworded or merged
	fixedQuota bool   // the quota follows the hosting account (main and _logs)
	email      EmailInfo
	ftp        FTPInfo
	webDisk    WebDiskInfo
	issues     []Issue
	stored     state // what an edit may change, as stored
}

// state is what edit_user may change on one service account, as stored:
// what rolling an interrupted edit back puts back. It holds password
// hashes (what the stores keep), never passwords.
type state struct {
	Service string `json:"service"`
	User    string `json:"user"`
	Domain  string `json:"domain"`
	ID      int64  `json:"id"`
	Hash    string `json:"hash"`
	HA1     string `json:"ha1,omitempty"` // Web Disk Digest hash
	settings
	// Dir is the top-most directory (relative to the home) that the edit's
	// change of home directory may make, removed when it is rolled back.
	Dir string `json:"dir,omitempty"`
	// NewHash is the hash the edit gives the service ("" when it changes
	// no password), so that a roll-back puts Hash back only while the
	// service still holds it: a repair retried late must not undo a
	// password changed since. nil in intents of earlier versions.
	NewHash *string `json:"new_hash,omitempty"`
	// After is what the edit leaves the settings at (those it does not
	// change as they were), so that a roll-back puts a setting back only
	// while the service still holds the edit's value, as NewHash does for
	// the password. nil in intents of earlier versions.
	After *settings `json:"after,omitempty"`
}

// settings are the service settings an edit may change besides the
// password (those a service does not have stay zero).
type settings struct {
	QuotaMB int64  `json:"quota_mb,omitempty"`
	HomeDir string `json:"homedir,omitempty"`
	Perms   string `json:"perms,omitempty"`
	Private bool   `json:"private,omitempty"`
}

// restoreTo returns the settings rolling the edit back gives a service
// that holds cur now: each of was's own while the service still holds the
// value the edit wrote (After), and cur's where it changed since, so that
// a repair retried late never undoes a later change. Intents of earlier
// versions did not record After: every setting goes back, as those
// versions did.
func (was state) restoreTo(cur settings) settings {
	if was.After == nil {
		return was.settings
	}
	to := cur
	if cur.QuotaMB == was.After.QuotaMB {
		to.QuotaMB = was.QuotaMB
	}
	if cur.HomeDir == was.After.HomeDir {
		to.HomeDir = was.HomeDir
	}
	if cur.Perms == was.After.Perms {
		to.Perms = was.Perms
	}
	if cur.Private == was.After.Private {
		to.Private = was.Private
	}
	return to
}

// restoresCredentials reports whether rolling the edit back puts was's
// hashes back on its service, which holds hash and ha1 now: when the edit
// gave it a new hash, only while it still has that one; when it gave none,
// only the Digest hash it cleared, while the password is still the one of
// before. A later change stays, and is logged by the caller. Intents of
// earlier versions did not record the new hash: any difference is put
// back, as those versions did.
func (was state) restoresCredentials(hash, ha1 string) bool {
	switch {
	case was.NewHash == nil:
		return hash != was.Hash || ha1 != was.HA1
	case *was.NewHash != "":
		return hash == *was.NewHash
	}
	return hash == was.Hash && ha1 != was.HA1
}

// name is the grouping key: "user@domain", or "user" without a domain.
func (sa *serviceAccount) name() string {
	if sa.domain == "" {
		return sa.user
	}
	return sa.user + "@" + sa.domain
}

func (sa *serviceAccount) domainPtr() *string {
	if sa.domain == "" {
		return nil
	}
	return &sa.domain
}

func emailAccount(e *hosting.EmailAccount) *serviceAccount {
	quota := e.QuotaMB
	return &serviceAccount{service: hosting.ServiceEmail, user: e.User, domain: e.Domain, id: e.ID,
		hash: e.PasswordHash, email: EmailInfo{Enabled: 1, Quota: &quota}, issues: []Issue{},
		stored: state{Service: hosting.ServiceEmail, User: e.User, Domain: e.Domain, ID: e.ID, Hash: e.PasswordHash,
			settings: settings{QuotaMB: e.QuotaMB}}}
}

func ftpAccount(f *hosting.FTPAccount) *serviceAccount {
	sa := &serviceAccount{service: hosting.ServiceFTP, user: f.User, domain: f.Domain, id: f.ID,
		hash: f.PasswordHash, ftp: ftpInfo(f.HomeDir, f.QuotaMB),
		stored: state{Service: hosting.ServiceFTP, User: f.User, Domain: f.Domain, ID: f.ID, Hash: f.PasswordHash,
			settings: settings{QuotaMB: f.QuotaMB, HomeDir: f.HomeDir}}}
	sa.issues = ftpIssues(f.UsedBytes, f.QuotaMB)
	return sa
}

// specialFTP returns the hosting account's logins that are not stored but
// that User Manager lists (SPEC 3.1): NAME_logs (no domain; its quota is the
// account's) and anonymous FTP, whose server login is ftp@primary-domain.
// The main login is the cpanel record and is not repeated.
func specialFTP(acct *hosting.Account) []*serviceAccount {
	return []*serviceAccount{
		{service: hosting.ServiceFTP, user: acct.Name + "_logs", special: true, fixedQuota: true,
			ftp: ftpInfo("logs", acct.QuotaMB), issues: []Issue{}},
		{service: hosting.ServiceFTP, user: "ftp", domain: acct.Domain, special: true,
			ftp: ftpInfo("public_ftp", 0), issues: []Issue{}},
	}
}

func ftpInfo(homedir string, quotaMB int64) FTPInfo {
	quota := fmt.Sprintf("%.2f", float64(quotaMB))
	return FTPInfo{Enabled: 1, Homedir: &homedir, Quota: &quota}
}

func webDiskAccount(w *hosting.WebDiskAccount) *serviceAccount {
	homedir, perms := w.HomeDir, w.Perms
	digest, private := b2i(w.EnableDigest), b2i(w.Private)
	return &serviceAccount{service: hosting.ServiceWebDisk, user: w.User, domain: w.Domain, id: w.ID,
		hash: w.PasswordHash, issues: []Issue{},
		webDisk: WebDiskInfo{Enabled: 1, EnableDigest: &digest, Homedir: &homedir, Perms: &perms, Private: &private},
		stored: state{Service: hosting.ServiceWebDisk, User: w.User, Domain: w.Domain, ID: w.ID, Hash: w.PasswordHash,
			HA1: w.DigestHA1, settings: settings{HomeDir: w.HomeDir, Perms: w.Perms, Private: w.Private}}}
}

// Quota thresholds of the FTP issues list_users reports [IMPL].
const (
	warnRatio  = 0.8
	bytesPerMB = 1 << 20
)

// ftpIssues reports an FTP login at or over its quota (error) or at 80 %
// of it (warning); unlimited logins have none.
func ftpIssues(usedBytes, quotaMB int64) []Issue {
	if quotaMB <= 0 {
		return []Issue{}
	}
	usedMB := float64(usedBytes) / bytesPerMB
	issue := Issue{Area: "quota", Service: hosting.ServiceFTP, Limit: quotaMB, Used: int64(math.Round(usedMB))}
	switch {
	case usedMB >= float64(quotaMB):
		issue.Type, issue.Message = "error", "The FTP account has reached its quota."
	case usedMB >= warnRatio*float64(quotaMB):
		issue.Type, issue.Message = "warning", "The FTP account is close to its quota."
	default:
		return []Issue{}
	}
	return []Issue{issue}
}
