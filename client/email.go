package client

import (
	"context"
	"encoding/json"
	"fmt"
)

// EmailModule calls the Email module's POP functions: email accounts
// (mailboxes), their passwords and quotas.
type EmailModule struct{ c *Client }

// Email returns the Email module's methods.
func (c *Client) Email() EmailModule { return EmailModule{c} }

// AddPopParams are Email::add_pop's arguments. Email is the user name
// alone (on Domain, or the primary domain) or the full address.
type AddPopParams struct {
	Email        string
	Password     string // or PasswordHash
	PasswordHash string // a crypt(3) hash such as "$6$…", instead of Password
	Domain       string
	// Quota is in MB, 0 for unlimited; nil gives the server's default.
	Quota *int64
	// SendWelcomeEmail asks cPanel to mail client set-up instructions;
	// uapid sends no mail and answers with a warning.
	SendWelcomeEmail bool
	// SkipUpdateDB is cPanel's cache switch; uapid ignores it.
	SkipUpdateDB bool
}

// AddPop runs Email::add_pop and returns its data, "user+domain".
func (m EmailModule) AddPop(ctx context.Context, p AddPopParams) (string, error) {
	f := emailDomain(p.Email, p.Domain)
	f.str("password", p.Password)
	f.str("password_hash", p.PasswordHash)
	f.optInt("quota", p.Quota)
	f.flag("send_welcome_email", p.SendWelcomeEmail)
	f.flag("skip_update_db", p.SkipUpdateDB)
	var out string
	err := m.c.CallInto(ctx, "Email", "add_pop", f.values(), &out)
	return out, err
}

// DeletePopParams are Email::delete_pop's arguments.
type DeletePopParams struct {
	Email  string
	Domain string
	// Flags "passwd" keeps the mail directory; anything else removes it.
	Flags string
	// SkipQuota is cPanel's quota switch; uapid ignores it.
	SkipQuota bool
}

// DeletePop runs Email::delete_pop.
func (m EmailModule) DeletePop(ctx context.Context, p DeletePopParams) error {
	f := emailDomain(p.Email, p.Domain)
	f.str("flags", p.Flags)
	f.flag("skip_quota", p.SkipQuota)
	return m.c.CallInto(ctx, "Email", "delete_pop", f.values(), nil)
}

// PasswdPopParams are Email::passwd_pop's arguments.
type PasswdPopParams struct {
	Email    string
	Domain   string
	Password string
}

// PasswdPop runs Email::passwd_pop.
func (m EmailModule) PasswdPop(ctx context.Context, p PasswdPopParams) error {
	f := emailDomain(p.Email, p.Domain)
	f.always("password", p.Password)
	return m.c.CallInto(ctx, "Email", "passwd_pop", f.values(), nil)
}

// EditPopQuotaParams are Email::edit_pop_quota's arguments.
type EditPopQuotaParams struct {
	Email  string
	Domain string
	// Quota is in MB, 0 for unlimited; nil gives the server's default.
	// Above the server's maximum, the maximum applies (and a message says
	// so).
	Quota *int64
}

// EditPopQuota runs Email::edit_pop_quota.
func (m EmailModule) EditPopQuota(ctx context.Context, p EditPopQuotaParams) error {
	f := emailDomain(p.Email, p.Domain)
	f.optInt("quota", p.Quota)
	return m.c.CallInto(ctx, "Email", "edit_pop_quota", f.values(), nil)
}

// GetPopQuotaParams are Email::get_pop_quota's arguments.
type GetPopQuotaParams struct {
	Email  string
	Domain string
	// AsBytes returns the quota in bytes instead of MB.
	AsBytes bool
}

// GetPopQuota runs Email::get_pop_quota.
func (m EmailModule) GetPopQuota(ctx context.Context, p GetPopQuotaParams) (Quota, error) {
	f := emailDomain(p.Email, p.Domain)
	f.flag("as_bytes", p.AsBytes)
	var q Quota
	err := m.c.CallInto(ctx, "Email", "get_pop_quota", f.values(), &q)
	return q, err
}

// CountPops runs Email::count_pops: how many email accounts there are.
func (m EmailModule) CountPops(ctx context.Context) (int, error) {
	var n json.Number
	if err := m.c.CallInto(ctx, "Email", "count_pops", nil, &n); err != nil {
		return 0, err
	}
	v, err := n.Int64()
	if err != nil {
		return 0, fmt.Errorf("client: Email::count_pops: the count %q is not a whole number", n)
	}
	return int(v), nil
}

// emailDomain is the email and optional domain most functions take.
func emailDomain(email, domain string) form {
	f := form{}
	f.always("email", email)
	f.str("domain", domain)
	return f
}
