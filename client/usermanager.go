package client

import "context"

// UserManagerModule calls the UserManager module: Subaccounts, the users
// that hold one password for their email, FTP and Web Disk accounts.
type UserManagerModule struct{ c *Client }

// UserManager returns the UserManager module's methods.
func (c *Client) UserManager() UserManagerModule { return UserManagerModule{c} }

// CreateUserParams are UserManager::create_user's arguments.
type CreateUserParams struct {
	Username string // without the domain
	Domain   string
	Password string // or PasswordHash, or SendInvite
	// PasswordHash is a crypt(3) hash to use instead of Password (not with
	// SendInvite or Digest authentication).
	PasswordHash   string
	RealName       string
	AlternateEmail string
	PhoneNumber    string // E.164, such as "+15551234567"
	AvatarURL      string // https://
	// SendInvite mails AlternateEmail a link where the user chooses the
	// password.
	SendInvite bool
	Services   UserServicesParams
}

// CreateUser runs UserManager::create_user and returns the new user. A
// Subaccount that exists already is an *Error whose Type is
// ErrAlreadyExists.
func (m UserManagerModule) CreateUser(ctx context.Context, p CreateUserParams) (*User, error) {
	f := nameForm(p.Username, p.Domain)
	f.str("password", p.Password)
	f.str("password_hash", p.PasswordHash)
	f.str("real_name", p.RealName)
	f.str("alternate_email", p.AlternateEmail)
	f.str("phone_number", p.PhoneNumber)
	f.str("avatar_url", p.AvatarURL)
	f.flag("send_invite", p.SendInvite)
	p.Services.addTo(f)
	return m.user(ctx, "create_user", f)
}

// EditUserParams are UserManager::edit_user's arguments. Nil fields are
// left as they are; a contact field set to "" is cleared.
type EditUserParams struct {
	Username string
	Domain   string
	// Password, when not empty, becomes the password of the user and of
	// every service it has.
	Password       string
	RealName       *string
	AlternateEmail *string
	PhoneNumber    *string
	AvatarURL      *string
	SendInvite     bool
	// Services enable (creating the account), disable (deleting it) or
	// change the user's services.
	Services UserServicesParams
}

// EditUser runs UserManager::edit_user and returns the user as it is now.
func (m UserManagerModule) EditUser(ctx context.Context, p EditUserParams) (*User, error) {
	f := nameForm(p.Username, p.Domain)
	f.str("password", p.Password)
	for k, v := range map[string]*string{"real_name": p.RealName, "alternate_email": p.AlternateEmail,
		"phone_number": p.PhoneNumber, "avatar_url": p.AvatarURL} {
		if v != nil {
			f.always(k, *v)
		}
	}
	f.flag("send_invite", p.SendInvite)
	p.Services.addTo(f)
	return m.user(ctx, "edit_user", f)
}

// DeleteUser runs UserManager::delete_user: it deletes the Subaccount and
// its linked service accounts, and returns what is left with that name (a
// service record or a hypothetical user), or nil when nothing is.
func (m UserManagerModule) DeleteUser(ctx context.Context, username, domain string) (*User, error) {
	var out *User
	if err := m.c.CallInto(ctx, "UserManager", "delete_user", nameForm(username, domain).values(), &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ListUsers runs UserManager::list_users. flat lists every service account
// as a record of its own, without hypothetical users or merge candidates.
func (m UserManagerModule) ListUsers(ctx context.Context, flat bool) ([]User, error) {
	f := form{}
	f.flag("flat", flat)
	var out []User
	err := m.c.CallInto(ctx, "UserManager", "list_users", f.values(), &out)
	return out, err
}

// LookupUser runs UserManager::lookup_user: one Subaccount by its GUID,
// with its merge candidates.
func (m UserManagerModule) LookupUser(ctx context.Context, guid string) (*User, error) {
	f := form{}
	f.always("guid", guid)
	return m.user(ctx, "lookup_user", f)
}

// LookupServiceAccount runs UserManager::lookup_service_account: the
// service account fullUsername ("bob@example.com") of service
// (ServiceEmail, ServiceFTP or ServiceWebDisk) as a service record.
func (m UserManagerModule) LookupServiceAccount(ctx context.Context, fullUsername, service string) (*User, error) {
	f := form{}
	f.always("full_username", fullUsername)
	f.always("type", service)
	return m.user(ctx, "lookup_service_account", f)
}

// CheckAccountConflicts runs UserManager::check_account_conflicts for
// fullUsername ("bob@example.com").
func (m UserManagerModule) CheckAccountConflicts(ctx context.Context, fullUsername string) (*AccountConflicts, error) {
	f := form{}
	f.always("full_username", fullUsername)
	var out AccountConflicts
	if err := m.c.CallInto(ctx, "UserManager", "check_account_conflicts", f.values(), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// user runs a function whose data is one User.
func (m UserManagerModule) user(ctx context.Context, function string, f form) (*User, error) {
	var out User
	if err := m.c.CallInto(ctx, "UserManager", function, f.values(), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// nameForm is the username and domain that name a user.
func nameForm(username, domain string) form {
	f := form{}
	f.always("username", username)
	f.always("domain", domain)
	return f
}
