package webdisk

import (
	"context"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// target resolves the login the user parameter names.
func target(c *uapi.Call) (user, domain string, err error) {
	return splitLogin(c.Account, c.String("user"), "")
}

// homedirArg returns the homedir parameter, or def when it was left out or
// sent empty. API 2's examples pass an absolute path inside the home
// (/home/example/public_html/webdav/); that prefix is dropped, since every
// homedir is relative to the home.
func homedirArg(c *uapi.Call, def string) string {
	raw, ok := c.Raw("homedir")
	if !ok || strings.TrimSpace(raw) == "" {
		return def
	}
	rel := c.String("homedir")
	home := strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(c.Account.HomeDir)), "/")
	if strings.HasPrefix(strings.TrimSpace(raw), "/") && homedir.Within(rel, home) {
		rel = strings.TrimPrefix(strings.TrimPrefix(rel, home), "/")
	}
	return rel
}

func addWarnings(c *uapi.Call, warnings []string) {
	for _, w := range warnings {
		c.AddWarning(w)
	}
}

func (s *Service) deleteUser(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := target(c)
	if err != nil {
		return nil, err
	}
	warnings, err := s.Delete(ctx, c.Account, user, domain, c.Bool("destroy"))
	addWarnings(c, warnings)
	return nil, err
}

func (s *Service) setPassword(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := target(c)
	if err != nil {
		return nil, err
	}
	return nil, s.SetPassword(ctx, c.Account, user, domain, c.String("password"), c.Bool("enabledigest"))
}

func (s *Service) setHomedir(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := target(c)
	if err != nil {
		return nil, err
	}
	warnings, err := s.SetHomedir(ctx, c.Account, user, domain, homedirArg(c, ""), c.Bool("private"))
	addWarnings(c, warnings)
	return nil, err
}

func (s *Service) setPermissions(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := target(c)
	if err != nil {
		return nil, err
	}
	return nil, s.SetPermissions(ctx, c.Account, user, domain, c.String("perms"))
}

// added is the data of add_user: API 2 addwebdisk's record.
type added struct {
	Domain       string `json:"domain"`
	EnableDigest int    `json:"enabledigest"`
	Login        string `json:"login"`
	Perms        string `json:"perms"`
	User         string `json:"user"`
}

func (s *Service) addUser(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := splitLogin(c.Account, c.String("user"), c.String("domain"))
	if err != nil {
		return nil, err
	}
	w, warnings, err := s.Add(ctx, c.Account, AddRequest{User: user, Domain: domain,
		Password: c.String("password"), PassHash: c.String("password_hash"), DigestHA1: c.String("digest_auth_hash"),
		EnableDigest: c.Bool("enabledigest"), HomeDir: homedirArg(c, DefaultHomeDir(user)),
		Perms: c.String("perms"), Private: c.Bool("private")})
	addWarnings(c, warnings)
	if err != nil {
		return nil, err
	}
	return added{Domain: w.Domain, EnableDigest: boolInt(w.EnableDigest), Login: w.Login(), Perms: w.Perms, User: w.User}, nil
}

// record is one record of list_users: API 2 listwebdisks' fields, ports as
// strings as its sample shows them.
type record struct {
	Domain    string `json:"domain"`
	HasDigest int    `json:"hasdigest"`
	HomeDir   string `json:"homedir"` // absolute
	Login     string `json:"login"`
	MainPort  string `json:"mainport"`
	Perms     string `json:"perms"`
	Private   int    `json:"private"`
	RelDir    string `json:"reldir"` // relative to the home
	SSLPort   string `json:"sslport"`
	User      string `json:"user"`
}

func (s *Service) listUsers(ctx context.Context, c *uapi.Call) (any, error) {
	ws, err := s.List(ctx, c.Account)
	if err != nil {
		return nil, err
	}
	re := regexp.MustCompile("(?i)" + c.String("regex")) // the declaration's Check compiled it already
	out := make([]record, 0, len(ws))
	for _, w := range ws {
		if !re.MatchString(w.Login()) {
			continue
		}
		out = append(out, s.record(c.Account, w))
	}
	return out, nil
}

func (s *Service) record(acct *hosting.Account, w *hosting.WebDiskAccount) record {
	return record{Domain: w.Domain, HasDigest: boolInt(w.HasDigest()), HomeDir: filepath.Join(acct.HomeDir, w.HomeDir),
		Login: w.Login(), MainPort: strconv.Itoa(s.cfg.MainPort), Perms: w.Perms, Private: boolInt(w.Private),
		RelDir: w.HomeDir, SSLPort: strconv.Itoa(s.cfg.SSLPort), User: w.User}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
