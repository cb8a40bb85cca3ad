package client

import (
	"context"
	"encoding/json"
	"strconv"
)

// ListPopsParams are Email::list_pops' arguments.
type ListPopsParams struct {
	// Regex keeps the accounts whose address or user name it matches.
	Regex string
	// SkipMain leaves out the record of the cPanel account itself (login
	// "Main Account"), which is listed by default.
	SkipMain bool
	// NoValidate is cPanel's cache switch; uapid ignores it.
	NoValidate bool
}

// EmailAccount is one record of Email::list_pops.
type EmailAccount struct {
	Email             string `json:"email"`
	Login             string `json:"login"`
	SuspendedIncoming int    `json:"suspended_incoming"`
	SuspendedLogin    int    `json:"suspended_login"`
}

// ListPops runs Email::list_pops.
func (m EmailModule) ListPops(ctx context.Context, p ListPopsParams) ([]EmailAccount, error) {
	f := form{}
	f.str("regex", p.Regex)
	f.flag("skip_main", p.SkipMain)
	f.flag("no_validate", p.NoValidate)
	var out []EmailAccount
	err := m.c.CallInto(ctx, "Email", "list_pops", f.values(), &out)
	return out, err
}

// ListPopsWithDiskParams are Email::list_pops_with_disk's arguments.
type ListPopsWithDiskParams struct {
	Domain string // only this domain's accounts
	// Email keeps one user name (on every domain, or on Domain) or one
	// address.
	Email       string
	Regex       string
	MaxAccounts int  // at most this many; 0 for all
	NoDisk      bool // skip measuring disk usage (reported as 0)
	// NoValidate is cPanel's cache switch; uapid ignores it.
	NoValidate bool
	// GetRestrictions adds HasSuspended and HoldOutgoing.
	GetRestrictions bool
	// InfinityImg shows an unlimited diskquota as an <img> of this URL.
	InfinityImg string
	// InfinityLang shows an unlimited diskquota as "∞".
	InfinityLang bool
}

// EmailAccountDisk is one record of Email::list_pops_with_disk. Numbers
// are json.Number because cPanel sends some of them as strings.
type EmailAccountDisk struct {
	Email  string `json:"email"`
	Login  string `json:"login"`
	User   string `json:"user"`
	Domain string `json:"domain"`
	// DiskQuota is the quota in MB, or "unlimited" (or the InfinityImg and
	// InfinityLang forms); TxtDiskQuota is the same without those forms.
	DiskQuota            Text        `json:"diskquota"`
	TxtDiskQuota         Text        `json:"txtdiskquota"`
	DiskQuotaBytes       json.Number `json:"_diskquota"` // 0 when unlimited
	DiskUsed             json.Number `json:"diskused"`   // MB, two decimals
	DiskUsedBytes        json.Number `json:"_diskused"`
	DiskUsedPercent      json.Number `json:"diskusedpercent"`
	DiskUsedPercent20    json.Number `json:"diskusedpercent20"`
	DiskUsedPercentFloat json.Number `json:"diskusedpercent_float"`
	HumanDiskQuota       string      `json:"humandiskquota"`
	HumanDiskUsed        string      `json:"humandiskused"`
	MTime                json.Number `json:"mtime"`
	SuspendedIncoming    int         `json:"suspended_incoming"`
	SuspendedLogin       int         `json:"suspended_login"`
	SuspendedOutgoing    int         `json:"suspended_outgoing"`
	// HasSuspended and HoldOutgoing are set only with GetRestrictions.
	HasSuspended *int `json:"has_suspended,omitempty"`
	HoldOutgoing *int `json:"hold_outgoing,omitempty"`
}

// ListPopsWithDisk runs Email::list_pops_with_disk.
func (m EmailModule) ListPopsWithDisk(ctx context.Context, p ListPopsWithDiskParams) ([]EmailAccountDisk, error) {
	f := form{}
	f.str("domain", p.Domain)
	f.str("email", p.Email)
	f.str("regex", p.Regex)
	if p.MaxAccounts > 0 {
		f.always("maxaccounts", strconv.Itoa(p.MaxAccounts))
	}
	f.flag("no_disk", p.NoDisk)
	f.flag("no_validate", p.NoValidate)
	f.flag("get_restrictions", p.GetRestrictions)
	f.str("infinityimg", p.InfinityImg)
	f.flag("infinitylang", p.InfinityLang)
	var out []EmailAccountDisk
	err := m.c.CallInto(ctx, "Email", "list_pops_with_disk", f.values(), &out)
	return out, err
}
