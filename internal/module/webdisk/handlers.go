package webdisk

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// target returns the login the user parameter names, which the engine has
// resolved.
func target(c *uapi.Call) (user, domain string) {
	l := c.Login("user")
	return l.User, l.Domain
}

// homedirArg returns the homedir parameter, or def when it was left out or
// sent empty. API 2's examples pass an absolute path inside the home
// (/home/example/public_html/webdav/), which the engine has already read as
// relative to the home.
func homedirArg(c *uapi.Call, def string) string {
	if rel, ok := c.Path("homedir"); ok {
		return rel
	}
	return def
}

func addWarnings(c *uapi.Call, warnings []string) {
	for _, w := range warnings {
		c.AddWarning(w)
	}
}

func (s *Service) deleteUser(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c)
	warnings, err := s.Delete(ctx, c.Account, user, domain, c.Bool("destroy"))
	addWarnings(c, warnings)
	return nil, err
}

func (s *Service) setPassword(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c)
	return nil, s.SetPassword(ctx, c.Account, user, domain, c.String("password"), c.Bool("enabledigest"))
}

func (s *Service) setHomedir(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c)
	warnings, err := s.SetHomedir(ctx, c.Account, user, domain, homedirArg(c, ""), c.Bool("private"))
	addWarnings(c, warnings)
	return nil, err
}

func (s *Service) setPermissions(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c)
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
	user, domain := target(c)
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
