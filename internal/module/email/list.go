package email

import (
	"context"
	"html"
	"math"
	"regexp"
	"strconv"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

const bytesPerMB = 1 << 20

// nbsp separates a number from its unit in the human-readable sizes, as
// cPanel's documentation describes them.
const nbsp = "\u00a0"

// matches reports whether re (nil: no regex) matches a mailbox's address
// or its user name: cPanel's examples use both unanchored expressions on
// addresses and anchored ones meant for the user name.
func matches(re *regexp.Regexp, e *hosting.EmailAccount) bool {
	return re == nil || re.MatchString(e.Address()) || re.MatchString(e.User)
}

// regexArg compiles the regex parameter (already checked), or returns nil.
func regexArg(c *uapi.Call) *regexp.Regexp {
	if c.String("regex") == "" {
		return nil
	}
	re, _ := compileRegex(c.String("regex"))
	return re
}

// popListed is one record of list_pops.
type popListed struct {
	Email             string `json:"email"`
	Login             string `json:"login"`
	SuspendedIncoming int    `json:"suspended_incoming"`
	SuspendedLogin    int    `json:"suspended_login"`
}

// mainAccountLogin is the login list_pops gives the cPanel account's own
// record, as cPanel's documentation does.
const mainAccountLogin = "Main Account"

// listPops lists the mailboxes, then, unless skip_main=1, the cPanel
// account itself as cPanel documents it: email is the account's name and
// login is "Main Account". The regex selects that record by the name.
func (s *Service) listPops(ctx context.Context, c *uapi.Call) (any, error) {
	es, err := s.ListMailboxes(ctx, c.Account)
	if err != nil {
		return nil, err
	}
	re := regexArg(c)
	out := make([]popListed, 0, len(es)+1)
	for _, e := range es {
		if matches(re, e) {
			out = append(out, popListed{Email: e.Address(), Login: e.Address()})
		}
	}
	if !c.Bool("skip_main") && (re == nil || re.MatchString(c.Account.Name)) {
		out = append(out, popListed{Email: c.Account.Name, Login: mainAccountLogin})
	}
	return out, nil
}

// withDisk is one record of list_pops_with_disk, fields in cPanel's
// (sorted) order. diskquota and txtdiskquota are whole MB as numbers, or
// text for an unlimited quota, as the specification types them.
type withDisk struct {
	DiskQuotaBytes       int64   `json:"_diskquota"`
	DiskUsedBytes        int64   `json:"_diskused"`
	DiskQuota            any     `json:"diskquota"`
	DiskUsed             float64 `json:"diskused"`
	DiskUsedPercent      int64   `json:"diskusedpercent"`
	DiskUsedPercent20    int64   `json:"diskusedpercent20"`
	DiskUsedPercentFloat float64 `json:"diskusedpercent_float"`
	Domain               string  `json:"domain"`
	Email                string  `json:"email"`
	HasSuspended         *int    `json:"has_suspended,omitempty"`
	HoldOutgoing         *int    `json:"hold_outgoing,omitempty"`
	HumanDiskQuota       string  `json:"humandiskquota"`
	HumanDiskUsed        string  `json:"humandiskused"`
	Login                string  `json:"login"`
	MTime                int64   `json:"mtime"`
	SuspendedIncoming    int     `json:"suspended_incoming"`
	SuspendedLogin       int     `json:"suspended_login"`
	SuspendedOutgoing    int     `json:"suspended_outgoing"`
	TxtDiskQuota         any     `json:"txtdiskquota"`
	User                 string  `json:"user"`
}

// diskFilter holds list_pops_with_disk's selection parameters.
type diskFilter struct {
	user, domain string // "" selects all
	re           *regexp.Regexp
	max          int // 0: no limit
}

func diskFilterOf(c *uapi.Call) diskFilter {
	l := c.Login("email")
	f := diskFilter{user: l.User, domain: l.Domain, re: regexArg(c), max: int(c.Int("maxaccounts"))}
	if !c.Has("email") {
		f.domain = c.String("domain")
	}
	return f
}

func (f diskFilter) keep(e *hosting.EmailAccount) bool {
	return (f.user == "" || e.User == f.user) && (f.domain == "" || e.Domain == f.domain) && matches(f.re, e)
}

func (s *Service) listPopsWithDisk(ctx context.Context, c *uapi.Call) (any, error) {
	f := diskFilterOf(c)
	es, err := s.ListMailboxes(ctx, c.Account)
	if err != nil {
		return nil, err
	}
	root, err := homedir.Open(c.Account)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	out := make([]withDisk, 0, len(es))
	for _, e := range es {
		if f.max > 0 && len(out) >= f.max {
			break
		} else if !f.keep(e) {
			continue
		}
		r := withDisk{DiskQuota: unlimitedText(c), TxtDiskQuota: "unlimited", MTime: e.CreatedAt.Unix()}
		if !c.Bool("no_disk") {
			used, mtime, err := usage(ctx, root, e.Maildir())
			if err != nil {
				return nil, err
			}
			r.DiskUsedBytes = used
			if mtime > 0 {
				r.MTime = mtime
			}
		}
		out = append(out, diskRecord(r, e, c.Bool("get_restrictions")))
	}
	return out, nil
}

// unlimitedText is how diskquota shows an unlimited quota: "unlimited", or
// the legacy infinityimg / infinitylang forms.
func unlimitedText(c *uapi.Call) string {
	if img := c.String("infinityimg"); img != "" {
		return `<img src="` + html.EscapeString(img) + `" alt="∞" />`
	}
	if c.Bool("infinitylang") {
		return "∞"
	}
	return "unlimited"
}

// diskRecord fills in r's names and computed fields from the mailbox and
// r.DiskUsedBytes: MB used with two decimals, the used percentage rounded
// up (and in steps of 20, at most 100), and human-readable sizes.
func diskRecord(r withDisk, e *hosting.EmailAccount, restrictions bool) withDisk {
	r.Email, r.Login, r.User, r.Domain = e.Address(), e.Address(), e.User, e.Domain
	used := float64(r.DiskUsedBytes)
	r.DiskUsed = math.Round(used/bytesPerMB*100) / 100
	r.HumanDiskUsed, r.HumanDiskQuota = "None", "None"
	if r.DiskUsedBytes > 0 {
		r.HumanDiskUsed = humanBytes(r.DiskUsedBytes)
	}
	if e.QuotaMB > 0 {
		r.DiskQuotaBytes = e.QuotaMB * bytesPerMB
		r.DiskQuota, r.TxtDiskQuota = e.QuotaMB, e.QuotaMB
		r.HumanDiskQuota = humanBytes(r.DiskQuotaBytes)
		r.DiskUsedPercentFloat = used / float64(r.DiskQuotaBytes) * 100
		r.DiskUsedPercent = int64(math.Ceil(r.DiskUsedPercentFloat))
		r.DiskUsedPercent20 = min(r.DiskUsedPercent/20*20, 100)
	}
	if restrictions {
		zero := 0
		r.HasSuspended, r.HoldOutgoing = &zero, &zero
	}
	return r
}

// humanBytes formats a size as cPanel does: whole bytes below 1 KB, else
// at most two decimals in the largest binary unit that keeps the number at
// or above 1, the unit after a non-breaking space.
func humanBytes(n int64) string {
	if n == 1 {
		return "1" + nbsp + "byte"
	} else if n < 1024 {
		return strconv.FormatInt(n, 10) + nbsp + "bytes"
	}
	units := []string{"KB", "MB", "GB", "TB", "PB", "EB"}
	round := func(v float64) float64 { return math.Round(v*100) / 100 }
	v, i := float64(n)/1024, 0
	// Compare after rounding, so 1023.999 KB reads 1 MB, not 1024 KB.
	for round(v) >= 1024 && i < len(units)-1 {
		v, i = v/1024, i+1
	}
	return strconv.FormatFloat(round(v), 'f', -1, 64) + nbsp + units[i]
}
