package client

import "encoding/json"

// User record types, as User.Type spells them.
const (
	UserTypeSub          = "sub"          // a Subaccount
	UserTypeService      = "service"      // one email, FTP or Web Disk account on its own
	UserTypeHypothetical = "hypothetical" // service accounts sharing a name, not yet a Subaccount
	UserTypeCPanel       = "cpanel"       // the hosting account itself
)

// Service names, as UserManager's arguments spell them.
const (
	ServiceEmail   = "email"
	ServiceFTP     = "ftp"
	ServiceWebDisk = "webdisk"
)

// User is the record UserManager's functions return: a Subaccount, a
// service account, a hypothetical Subaccount or the cPanel account itself
// (see Type). Flags are the integers 0 and 1, as cPanel sends them.
type User struct {
	GUID         string  `json:"guid"`
	Type         string  `json:"type"` // UserTypeSub, …
	Username     string  `json:"username"`
	Domain       *string `json:"domain"` // nil for the cPanel account
	FullUsername string  `json:"full_username"`

	RealName       *string `json:"real_name"`
	AlternateEmail *string `json:"alternate_email"`
	PhoneNumber    *string `json:"phone_number"`
	AvatarURL      *string `json:"avatar_url"`

	Services UserServices `json:"services"`
	Issues   []UserIssue  `json:"issues"`

	// MergeCandidates are the same-named service accounts that could be
	// linked to this user; each has ParentType set.
	MergeCandidates          []User  `json:"merge_candidates"`
	DismissedMergeCandidates []User  `json:"dismissed_merge_candidates"`
	ParentType               *string `json:"parent_type"`

	CanDelete        int `json:"can_delete"`
	CanSetPassword   int `json:"can_set_password"`
	CanSetQuota      int `json:"can_set_quota"`
	Dismissed        int `json:"dismissed"`
	HasExpiredInvite int `json:"has_expired_invite"`
	HasInvite        int `json:"has_invite"`
	HasSiblings      int `json:"has_siblings"`
	Special          int `json:"special"`
	SubAccountExists int `json:"sub_account_exists"`
	SyncedPassword   int `json:"synced_password"`
	// InviteExpiration is the Unix time a pending invitation expires.
	InviteExpiration *int64  `json:"invite_expiration"`
	TeamOwner        *string `json:"team_owner"`
}

// UserServices is a User's services object; a service's details are set
// only when it is enabled.
type UserServices struct {
	Email struct {
		Enabled int         `json:"enabled"`
		Quota   json.Number `json:"quota,omitempty"` // MB; 0 unlimited
	} `json:"email"`
	FTP struct {
		Enabled int    `json:"enabled"`
		Homedir string `json:"homedir,omitempty"` // relative to the home directory
		Quota   string `json:"quota,omitempty"`   // MB with two decimals; "0.00" unlimited
	} `json:"ftp"`
	WebDisk struct {
		Enabled      int    `json:"enabled"`
		Homedir      string `json:"homedir,omitempty"` // relative to the home directory
		Perms        string `json:"perms,omitempty"`   // WebDiskReadOnly or WebDiskReadWrite
		Private      int    `json:"private,omitempty"`
		EnableDigest int    `json:"enabledigest,omitempty"`
	} `json:"webdisk"`
}

// UserIssue is a problem reported on a user's service, such as an FTP
// login near or over its quota (Used and Limit in MB).
type UserIssue struct {
	Type    string      `json:"type"` // "error", "warning" or "info"
	Area    string      `json:"area"` // "quota"
	Service string      `json:"service"`
	Message string      `json:"message"`
	Used    json.Number `json:"used"`
	Limit   json.Number `json:"limit"`
}

// AccountConflicts is the data of UserManager::check_account_conflicts.
type AccountConflicts struct {
	// Conflict is 1 when a Subaccount of the name exists.
	Conflict int `json:"conflict"`
	// Accounts groups the service accounts of the name, when there are
	// some and no Subaccount; nil otherwise.
	Accounts *User `json:"accounts"`
}

// UserEmailParams are the services.email.* arguments.
type UserEmailParams struct {
	// Enabled true gives the user an email account, false removes it; nil
	// leaves it as it is.
	Enabled *bool
	// Quota is in MB, 0 for unlimited; nil for the server's default (or,
	// when editing, the current quota).
	Quota *int64
	// SendWelcomeEmail asks cPanel to mail set-up instructions; uapid
	// sends none.
	SendWelcomeEmail *bool
}

// UserFTPParams are the services.ftp.* arguments.
type UserFTPParams struct {
	// Enabled true gives the user an FTP login (Homedir is then needed),
	// false removes it; nil leaves it as it is.
	Enabled *bool
	Homedir string // relative to the home directory; empty: unchanged
	Quota   *int64 // MB; 0 for unlimited; nil: the default or unchanged
}

// UserWebDiskParams are the services.webdisk.* arguments.
type UserWebDiskParams struct {
	// Enabled true gives the user a Web Disk login (Homedir is then
	// needed), false removes it; nil leaves it as it is.
	Enabled      *bool
	Homedir      string // relative to the home directory; empty: unchanged
	Perms        string // WebDiskReadOnly or WebDiskReadWrite; empty: read-write or unchanged
	Private      *bool  // 0700 instead of 0755
	EnableDigest *bool  // Digest authentication (needs Password)
}

// UserServicesParams are the services.* arguments of create_user and
// edit_user, sent as dotted keys (services.ftp.enabled=1) as cPanel's
// command line does.
type UserServicesParams struct {
	Email   UserEmailParams
	FTP     UserFTPParams
	WebDisk UserWebDiskParams
}

func (p UserServicesParams) addTo(f form) {
	f.optBit("services.email.enabled", p.Email.Enabled)
	f.optInt("services.email.quota", p.Email.Quota)
	f.optBit("services.email.send_welcome_email", p.Email.SendWelcomeEmail)
	f.optBit("services.ftp.enabled", p.FTP.Enabled)
	f.str("services.ftp.homedir", p.FTP.Homedir)
	f.optInt("services.ftp.quota", p.FTP.Quota)
	f.optBit("services.webdisk.enabled", p.WebDisk.Enabled)
	f.str("services.webdisk.homedir", p.WebDisk.Homedir)
	f.str("services.webdisk.perms", p.WebDisk.Perms)
	f.optBit("services.webdisk.private", p.WebDisk.Private)
	f.optBit("services.webdisk.enabledigest", p.WebDisk.EnableDigest)
}
