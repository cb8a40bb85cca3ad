package usermanager

import (
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// Record types as the type field spells them.
const (
	TypeSub          = "sub"          // a stored Subaccount
	TypeService      = "service"      // one email, FTP or Web Disk account
	TypeHypothetical = "hypothetical" // service accounts that share a name and could become a Subaccount
	TypeCPanel       = "cpanel"       // the hosting account itself
)

// Record is one user as list_users, lookup_user and the other functions
// return it (SPEC 3.2). Fields are in cPanel's (sorted) order; booleans are
// the integers 0 and 1; pointers are null when unset. No password or hash
// is ever part of it.
type Record struct {
	AlternateEmail           *string   `json:"alternate_email"`
	AvatarURL                *string   `json:"avatar_url"`
	CanDelete                int       `json:"can_delete"`
	CanSetPassword           int       `json:"can_set_password"`
	CanSetQuota              int       `json:"can_set_quota"`
	Dismissed                int       `json:"dismissed"`
	DismissedMergeCandidates []*Record `json:"dismissed_merge_candidates"`
	Domain                   *string   `json:"domain"`
	FullUsername             string    `json:"full_username"`
	GUID                     string    `json:"guid"`
	HasExpiredInvite         int       `json:"has_expired_invite"`
	HasInvite                int       `json:"has_invite"`
	HasSiblings              int       `json:"has_siblings"`
	InviteExpiration         *int64    `json:"invite_expiration"`
	Issues                   []Issue   `json:"issues"`
	MergeCandidates          []*Record `json:"merge_candidates"`
	ParentType               *string   `json:"parent_type"`
	PhoneNumber              *string   `json:"phone_number"`
	RealName                 *string   `json:"real_name"`
	Services                 Services  `json:"services"`
	Special                  int       `json:"special"`
	SubAccountExists         int       `json:"sub_account_exists"`
	SyncedPassword           int       `json:"synced_password"`
	TeamOwner                *string   `json:"team_owner"`
	Type                     string    `json:"type"`
	Username                 string    `json:"username"`
}

// Services is a record's services object: always all three keys; the zero
// value of each is {"enabled":0}. The detail pointers of an enabled service
// are shared by every record that shows the same service account, so they
// are never written after the account is loaded.
type Services struct {
	Email   EmailInfo   `json:"email"`
	FTP     FTPInfo     `json:"ftp"`
	WebDisk WebDiskInfo `json:"webdisk"`
}

// EmailInfo is services.email: the quota (MiB, 0 unlimited) when enabled.
type EmailInfo struct {
	Enabled int    `json:"enabled"`
	Quota   *int64 `json:"quota,omitempty"`
}

// FTPInfo is services.ftp: the home directory relative to the account home
// and the quota as list_ftp_with_disk's _diskquota ("0.00" unlimited).
type FTPInfo struct {
	Enabled int     `json:"enabled"`
	Homedir *string `json:"homedir,omitempty"`
	Quota   *string `json:"quota,omitempty"`
}

// WebDiskInfo is services.webdisk: directory, permissions ("ro" or "rw"),
// private (0700) and Digest authentication.
type WebDiskInfo struct {
	Enabled      int     `json:"enabled"`
	EnableDigest *int    `json:"enabledigest,omitempty"`
	Homedir      *string `json:"homedir,omitempty"`
	Perms        *string `json:"perms,omitempty"`
	Private      *int    `json:"private,omitempty"`
}

// Issue is one problem list_users reports on an account, such as an FTP
// login near or over its quota (used and limit in MiB).
type Issue struct {
	Area    string `json:"area"`
	Limit   int64  `json:"limit"`
	Message string `json:"message"`
	Service string `json:"service"`
	Type    string `json:"type"`
	Used    int64  `json:"used"`
}

// set enables one service in s with the details of a service account.
func (s *Services) set(sa *serviceAccount) {
	switch sa.service {
	case hosting.ServiceEmail:
		s.Email = sa.email
	case hosting.ServiceFTP:
		s.FTP = sa.ftp
	case hosting.ServiceWebDisk:
		s.WebDisk = sa.webDisk
	}
}

// baseRecord returns a record with every list empty and every flag 0.
func baseRecord(typ, user string, domain *string, guid string) *Record {
	full := user
	if domain != nil {
		full = user + "@" + *domain
	}
	return &Record{Type: typ, Username: user, Domain: domain, FullUsername: full, GUID: guid,
		Issues: []Issue{}, MergeCandidates: []*Record{}, DismissedMergeCandidates: []*Record{}}
}

// subRecord is a stored Subaccount without its services.
func subRecord(s *hosting.Subaccount, now time.Time) *Record {
	domain := s.Domain
	r := baseRecord(TypeSub, s.User, &domain, s.GUID)
	r.RealName, r.AlternateEmail, r.PhoneNumber, r.AvatarURL = s.RealName, s.AlternateEmail, s.PhoneNumber, s.AvatarURL
	r.CanDelete, r.CanSetPassword, r.SyncedPassword = 1, 1, b2i(s.SyncedPassword)
	if s.InviteHash != "" && s.InviteExpires != nil {
		// invite_expiration is only shown while the invitation can be used,
		// as cPanel documents it.
		if now.Before(*s.InviteExpires) {
			exp := s.InviteExpires.Unix()
			r.HasInvite, r.InviteExpiration = 1, &exp
		} else {
			r.HasExpiredInvite = 1
		}
	}
	return r
}

// serviceRecord is one service account on its own.
func serviceRecord(sa *serviceAccount, guid string) *Record {
	r := baseRecord(TypeService, sa.user, sa.domainPtr(), guid)
	r.Services.set(sa)
	r.Issues = sa.issues
	r.Special = b2i(sa.special)
	r.CanDelete, r.CanSetPassword = b2i(!sa.special), b2i(!sa.special)
	r.CanSetQuota = b2i(!sa.fixedQuota)
	return r
}

// hypotheticalRecord is the Subaccount that service accounts sharing a name
// could become.
func hypotheticalRecord(user, domain, guid string) *Record {
	return baseRecord(TypeHypothetical, user, &domain, guid)
}

// cpanelRecord is the hosting account itself, always last in list_users.
func cpanelRecord(acct *hosting.Account, guid string) *Record {
	r := baseRecord(TypeCPanel, acct.Name, nil, guid)
	r.Services = Services{Email: EmailInfo{Enabled: 1}, FTP: FTPInfo{Enabled: 1}, WebDisk: WebDiskInfo{Enabled: 1}}
	r.Special = 1
	return r
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
