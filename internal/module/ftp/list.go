package ftp

import (
	"context"
	"fmt"
	"html"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// entry is one login of list_ftp and list_ftp_with_disk.
type entry struct {
	login       string // as listed: "cpuser", "cpuser_logs", "ftp", "bob@example.com"
	serverLogin string // what the daemon expects at USER
	typ         string
	rel         string // root relative to the account home
	quotaMB     int64  // 0: unlimited
	usedDir     string // the account's counter of the bytes used: hosting.UsageHome or UsagePublicFTP
	ftpID       int64  // a virtual login, whose count is its own
}

// entries returns the account's logins in cPanel's order: the main login,
// the log-access login, anonymous FTP, then the virtual logins by login.
// Disk usage is read from the counters (internal/usage) only when a caller
// asks for it (diskUse); nothing walks a tree.
func (s *Service) entries(ctx context.Context, acct *hosting.Account, types typeFilter) ([]entry, error) {
	subs, err := s.store.ListFTPLogins(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	all := make([]entry, 0, 3+len(subs))
	all = append(all,
		entry{login: acct.Name, serverLogin: acct.Name, typ: typeMain, quotaMB: acct.QuotaMB,
			usedDir: hosting.UsageHome},
		entry{login: acct.Name + logsSuffix, serverLogin: acct.Name + logsSuffix, typ: typeLogAccess, rel: "logs",
			quotaMB: acct.QuotaMB, usedDir: hosting.UsageHome},
		// cPanel appends the primary domain to every bare login but the main
		// and _logs ones, anonymous included.
		entry{login: anonymousLogin, serverLogin: anonymousLogin + "@" + acct.Domain, typ: typeAnonymous, rel: "public_ftp",
			usedDir: hosting.UsagePublicFTP})
	for i := range subs {
		f := &subs[i]
		login := f.Login()
		all = append(all, entry{login: login, serverLogin: login, typ: typeSub, rel: f.HomeDir,
			quotaMB: f.QuotaMB, ftpID: f.ID})
	}
	out := all[:0]
	for _, e := range all {
		if types.keep(e.typ) {
			out = append(out, e)
		}
	}
	return out, nil
}

// diskUse reads the bytes entries' logins use. One read of the counts
// serves every login; it goes through the keeper, which first settles what
// this node's idle sessions hold reserved, so a login's count is what its
// files hold.
type diskUse struct {
	s      *Service
	acct   *hosting.Account
	counts *hosting.UsageCounts
}

func (u *diskUse) of(ctx context.Context, e entry) (int64, error) {
	if u.counts == nil {
		c, err := u.s.usage.Counts(ctx, u.acct)
		if err != nil {
			return 0, err
		}
		u.counts = &c
	}
	if e.ftpID != 0 {
		return u.counts.FTP[e.ftpID], nil
	}
	return u.counts.Dirs[e.usedDir], nil
}

// typeFilter holds include_acct_types and skip_acct_types.
type typeFilter struct{ include, skip []string }

func typeFilterOf(c *uapi.Call) typeFilter {
	split := func(v string) []string {
		var out []string
		for _, t := range strings.Split(v, "|") {
			if t != "" {
				out = append(out, t)
			}
		}
		return out
	}
	return typeFilter{include: split(c.String("include_acct_types")), skip: split(c.String("skip_acct_types"))}
}

func (f typeFilter) keep(typ string) bool {
	if len(f.include) > 0 && !slices.Contains(f.include, typ) {
		return false
	}
	return !slices.Contains(f.skip, typ)
}

// listed is one record of list_ftp; fields in cPanel's (sorted) order.
type listed struct {
	Homedir string `json:"homedir"`
	Type    string `json:"type"`
	User    string `json:"user"`
}

func (s *Service) listFTP(ctx context.Context, c *uapi.Call) (any, error) {
	es, err := s.entries(ctx, c.Account, typeFilterOf(c))
	if err != nil {
		return nil, err
	}
	out := make([]listed, 0, len(es))
	for _, e := range es {
		out = append(out, listed{Homedir: filepath.Join(c.Account.HomeDir, e.rel), Type: e.typ, User: e.login})
	}
	return out, nil
}

// withDisk is one record of list_ftp_with_disk; fields in cPanel's (sorted)
// order.
type withDisk struct {
	DiskQuotaMB       string  `json:"_diskquota"`
	DiskUsedMB        string  `json:"_diskused"`
	AcctType          string  `json:"accttype"`
	Deleteable        int     `json:"deleteable"`
	Dir               string  `json:"dir"`
	DiskQuota         string  `json:"diskquota"`
	DiskUsed          string  `json:"diskused"`
	DiskUsedPercent   int64   `json:"diskusedpercent"`
	DiskUsedPercent20 int64   `json:"diskusedpercent20"`
	HTMLDir           *string `json:"htmldir"`
	HumanDiskQuota    string  `json:"humandiskquota"`
	HumanDiskUsed     string  `json:"humandiskused"`
	Login             string  `json:"login"`
	RelDir            string  `json:"reldir"`
	ServerLogin       string  `json:"serverlogin"`
	Type              string  `json:"type"`
	User              string  `json:"user"`
}

func (s *Service) listFTPWithDisk(ctx context.Context, c *uapi.Call) (any, error) {
	es, err := s.entries(ctx, c.Account, typeFilterOf(c))
	if err != nil {
		return nil, err
	}
	var re *regexp.Regexp
	if c.String("regex") != "" {
		re = regexp.MustCompile("(?i)" + c.String("regex")) // checked by checkRegex
	}
	unlimited := unlimitedText(c)
	u := diskUse{s: s, acct: c.Account}
	out := make([]withDisk, 0, len(es))
	for _, e := range es {
		if re != nil && !re.MatchString(e.login) {
			continue
		}
		used, err := u.of(ctx, e)
		if err != nil {
			return nil, fmt.Errorf("ftp: disk usage of %s: %w", e.login, err)
		}
		out = append(out, diskRecord(c.Account, e, used, unlimited))
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

const bytesPerMB = 1 << 20

// diskRecord computes cPanel's disk fields: MB with two decimals as
// strings, whole MB for the human forms, the used percentage rounded up and
// that percentage in steps of 20 (rounded down, at most 100).
func diskRecord(acct *hosting.Account, e entry, used int64, unlimited string) withDisk {
	usedMB := float64(used) / bytesPerMB
	r := withDisk{AcctType: e.typ, Type: e.typ, Deleteable: 1, Dir: filepath.Join(acct.HomeDir, e.rel),
		RelDir: e.rel, Login: e.login, User: e.login, ServerLogin: e.serverLogin,
		DiskUsed: fmt.Sprintf("%.2f", usedMB), DiskUsedMB: fmt.Sprintf("%.2f", usedMB),
		HumanDiskUsed: fmt.Sprintf("%d MB", int64(math.Round(usedMB))),
		DiskQuota:     unlimited, DiskQuotaMB: "0.00", HumanDiskQuota: "None"}
	if e.typ == typeAnonymous {
		r.Deleteable = 0
	}
	if e.quotaMB > 0 {
		q := float64(e.quotaMB)
		r.DiskQuota, r.DiskQuotaMB = fmt.Sprintf("%.2f", q), fmt.Sprintf("%.2f", q)
		r.HumanDiskQuota = fmt.Sprintf("%d MB", e.quotaMB)
		r.DiskUsedPercent = int64(math.Ceil(usedMB / q * 100))
		r.DiskUsedPercent20 = min(r.DiskUsedPercent/20*20, 100)
	}
	return r
}
