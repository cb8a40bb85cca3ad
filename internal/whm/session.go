package whm

import (
	"context"
	"net"
	"net/url"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// createUserSession makes a one-time login URL into an account's web
// session (service=cpaneld) and returns it with the session's cpsess
// token, as cPanel's single sign-on does. The URL logs a browser in once,
// within the session idle time.
func (s *Server) createUserSession(ctx context.Context, a *args) (reply, error) {
	user := a.required("user")
	service := a.required("service")
	if service != "" && service != "cpaneld" {
		a.bad("service", "uapid serves cpaneld sessions only.")
	}
	if strings.Contains(user, "@") {
		a.bad("user", "give the account's user name; webmail and subaccount sessions are not served.")
	}
	base := s.loginBase(a)
	if err := a.err(); err != nil {
		return reply{}, err
	}
	acct, err := s.accounts.Get(ctx, user)
	if err != nil {
		return reply{}, err
	}
	if acct.Suspended {
		return reply{}, hosting.Errorf(hosting.EFORBIDDEN, "The account “%s” is suspended.", user)
	}
	secret, t, err := s.auth.IssueTicket(ctx, acct)
	if err != nil {
		return reply{}, err
	}
	session := acct.Name + ":" + secret
	q := url.Values{"session": {session}}
	loginURL := base + "/" + t.SecurityToken + "/login/?" + q.Encode()
	return reply{data: map[string]any{"url": loginURL, "session": session, "cp_security_token": "/" + t.SecurityToken,
		"expires": t.ExpiresAt.Unix(), "service": service}, reason: "Created session"}, nil
}

// loginBase is the HTTPS API's base URL for login URLs, with the host
// replaced by preferred_domain (a host name or IP address) when given.
func (s *Server) loginBase(a *args) string {
	base := s.cfg.CPanelURL()
	host := a.optional("", "preferred_domain")
	if host == "" {
		return base
	}
	if net.ParseIP(host) == nil {
		d, err := hosting.NormalizeDomain(host)
		if err != nil {
			a.bad("preferred_domain", "give a host name or an IP address.")
			return base
		}
		host = d
	}
	return withHost(base, host)
}

// withHost returns base with its host replaced by host and its port, if
// it names one, kept. A base without a port (https://panel.example, port
// 443) must not become "host:", and an IPv6 address needs its brackets
// either way.
func withHost(base, host string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	switch port := u.Port(); {
	case port != "":
		u.Host = net.JoinHostPort(host, port)
	case strings.Contains(host, ":"):
		u.Host = "[" + host + "]"
	default:
		u.Host = host
	}
	return u.String()
}
