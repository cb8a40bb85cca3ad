package client

import "context"

// WebDiskModule calls the WebDisk module: Web Disk (WebDAV) logins.
// AddUser and ListUsers are uapid extensions (cPanel has them only in API
// 2, as addwebdisk and listwebdisks); cPanel answers them with an *Error.
type WebDiskModule struct{ c *Client }

// WebDisk returns the WebDisk module's methods.
func (c *Client) WebDisk() WebDiskModule { return WebDiskModule{c} }

// Web Disk permissions, as the perms argument and field spell them.
const (
	WebDiskReadOnly  = "ro"
	WebDiskReadWrite = "rw"
)

// WebDiskAddUserParams are WebDisk::add_user's arguments. User is
// "bob@example.com", or "bob" on Domain (or the primary domain).
type WebDiskAddUserParams struct {
	User         string
	Domain       string
	Password     string // or PasswordHash
	PasswordHash string // a crypt(3) hash such as "$6$…", instead of Password
	// DigestAuthHash is, with PasswordHash and EnableDigest, the hex MD5
	// of "user@domain:realm:password".
	DigestAuthHash string
	// Homedir is relative to the home directory; empty means
	// public_html/USER.
	Homedir string
	// Private makes the directory 0700 instead of 0755.
	Private bool
	// EnableDigest turns on Digest authentication (Windows over plain
	// HTTP).
	EnableDigest bool
	// Perms is WebDiskReadOnly or WebDiskReadWrite; empty means read-write.
	Perms string
}

// WebDiskAdded is the data of WebDisk::add_user.
type WebDiskAdded struct {
	Login        string `json:"login"` // user@domain
	User         string `json:"user"`
	Domain       string `json:"domain"`
	Perms        string `json:"perms"`
	EnableDigest int    `json:"enabledigest"`
}

// AddUser runs WebDisk::add_user.
func (m WebDiskModule) AddUser(ctx context.Context, p WebDiskAddUserParams) (*WebDiskAdded, error) {
	f := form{}
	f.always("user", p.User)
	f.str("domain", p.Domain)
	f.str("password", p.Password)
	f.str("password_hash", p.PasswordHash)
	f.str("digest_auth_hash", p.DigestAuthHash)
	f.str("homedir", p.Homedir)
	f.flag("private", p.Private)
	f.flag("enabledigest", p.EnableDigest)
	f.str("perms", p.Perms)
	var out WebDiskAdded
	if err := m.c.CallInto(ctx, "WebDisk", "add_user", f.values(), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// WebDiskAccount is one record of WebDisk::list_users.
type WebDiskAccount struct {
	Login     string `json:"login"` // user@domain
	User      string `json:"user"`
	Domain    string `json:"domain"`
	HomeDir   string `json:"homedir"` // absolute
	RelDir    string `json:"reldir"`  // relative to the home directory
	Perms     string `json:"perms"`
	Private   int    `json:"private"`
	HasDigest int    `json:"hasdigest"`
	// MainPort and SSLPort are the Web Disk ports, as strings as cPanel's
	// API 2 sends them.
	MainPort string `json:"mainport"`
	SSLPort  string `json:"sslport"`
}

// ListUsers runs WebDisk::list_users; regex (case-insensitive, may be
// empty) keeps the logins it matches.
func (m WebDiskModule) ListUsers(ctx context.Context, regex string) ([]WebDiskAccount, error) {
	f := form{}
	f.str("regex", regex)
	var out []WebDiskAccount
	err := m.c.CallInto(ctx, "WebDisk", "list_users", f.values(), &out)
	return out, err
}

// WebDiskDeleteUserParams are WebDisk::delete_user's arguments.
type WebDiskDeleteUserParams struct {
	User string
	// Destroy also removes the login's directory and everything in it.
	Destroy bool
}

// DeleteUser runs WebDisk::delete_user, which also closes the login's
// connections.
func (m WebDiskModule) DeleteUser(ctx context.Context, p WebDiskDeleteUserParams) error {
	f := form{}
	f.always("user", p.User)
	f.bit("destroy", p.Destroy)
	return m.c.CallInto(ctx, "WebDisk", "delete_user", f.values(), nil)
}

// WebDiskSetHomedirParams are WebDisk::set_homedir's arguments.
type WebDiskSetHomedirParams struct {
	User    string
	Homedir string // relative to the home directory; created if missing
	// Private makes the directory 0700; false makes it 0755.
	Private bool
}

// SetHomedir runs WebDisk::set_homedir.
func (m WebDiskModule) SetHomedir(ctx context.Context, p WebDiskSetHomedirParams) error {
	f := form{}
	f.always("user", p.User)
	f.always("homedir", p.Homedir)
	f.flag("private", p.Private)
	return m.c.CallInto(ctx, "WebDisk", "set_homedir", f.values(), nil)
}

// WebDiskSetPasswordParams are WebDisk::set_password's arguments.
type WebDiskSetPasswordParams struct {
	User     string
	Password string
	// EnableDigest keeps Digest authentication on (with the new password);
	// false turns it off.
	EnableDigest bool
}

// SetPassword runs WebDisk::set_password, which also closes the login's
// connections.
func (m WebDiskModule) SetPassword(ctx context.Context, p WebDiskSetPasswordParams) error {
	f := form{}
	f.always("user", p.User)
	f.always("password", p.Password)
	f.flag("enabledigest", p.EnableDigest)
	return m.c.CallInto(ctx, "WebDisk", "set_password", f.values(), nil)
}

// SetPermissions runs WebDisk::set_permissions; perms is WebDiskReadOnly
// or WebDiskReadWrite.
func (m WebDiskModule) SetPermissions(ctx context.Context, user, perms string) error {
	f := form{}
	f.always("user", user)
	f.always("perms", perms)
	return m.c.CallInto(ctx, "WebDisk", "set_permissions", f.values(), nil)
}
