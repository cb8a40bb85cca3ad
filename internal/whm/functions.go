package whm

import (
	"context"
	"sort"
)

// function is one WHM API 1 function: it reads its arguments (reporting
// every bad one through args) and calls the account service.
type function struct {
	name string
	run  func(ctx context.Context, a *args) (reply, error)
}

// reply is a successful call: its data, cPanel's raw log text where
// cPanel prints one, and the reason (default "OK").
type reply struct {
	data   any
	raw    string
	reason string
}

// functions is every function uapid serves, in one table.
func (s *Server) functions() []function {
	return []function{
		{"createacct", s.createacct},
		{"removeacct", s.removeacct},
		{"suspendacct", s.suspendacct},
		{"unsuspendacct", s.unsuspendacct},
		{"listaccts", s.listaccts},
		{"accountsummary", s.accountsummary},
		{"passwd", s.passwd},
		{"modifyacct", s.modifyacct},
		{"editquota", s.editquota},
		{"addpkg", s.addpkg},
		{"listpkgs", s.listpkgs},
		{"killpkg", s.killpkg},
		{"changepackage", s.changepackage},
		{"create_user_session", s.createUserSession},
		{"api_token_create", s.apiTokenCreate},
		{"api_token_list", s.apiTokenList},
		{"api_token_revoke", s.apiTokenRevoke},
		{"applist", s.applist},
		{"version", s.version},
		{"gethostname", s.gethostname},
	}
}

// applist lists the functions this server answers.
func (s *Server) applist(context.Context, *args) (reply, error) {
	names := make([]string, 0, len(s.funcs))
	for n := range s.funcs {
		names = append(names, n)
	}
	sort.Strings(names)
	return reply{data: map[string]any{"app": names}}, nil
}

// version reports the uapid version (not a cPanel version number).
func (s *Server) version(context.Context, *args) (reply, error) {
	return reply{data: map[string]string{"version": s.cfg.Version}}, nil
}

// gethostname reports the configured host name.
func (s *Server) gethostname(context.Context, *args) (reply, error) {
	return reply{data: map[string]string{"hostname": s.cfg.Hostname}}, nil
}
