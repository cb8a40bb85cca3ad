package plugin

import (
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/uapid/uapid/internal/livelib"
	"github.com/uapid/uapid/internal/pagehost"
)

// forwardedHeaders are the request headers a program sees as HTTP_*. It is
// a list of what pages need, not of what to hide: Cookie (the session's
// secret), Authorization and everything else never reach a program.
var forwardedHeaders = []string{"Accept", "Accept-Language", "User-Agent", "Referer", "X-Requested-With"}

// programPath is the search path of every program; uapid's own
// environment (its configuration, its secrets) is never passed on.
const programPath = "/usr/local/bin:/usr/bin:/bin"

// environ is a program's whole environment: the CGI variables of RFC 3875
// that net/http/cgi sets, and what cPanel gives LiveAPI programs:
// REMOTE_USER and USER (the account), HOME (its home directory), the
// socket in CPANEL_CONNECT_SOCKET (Perl, cpanelgo) and
// CPANEL_PHPCONNECT_SOCKET (PHP), and cp_security_token.
func (s *Server) environ(r *http.Request, p *pagehost.Request, f *pageFile, socket string) []string {
	host, port := serverHostPort(r)
	env := []string{
		"GATEWAY_INTERFACE=CGI/1.1",
		"SERVER_SOFTWARE=uapid",
		"SERVER_PROTOCOL=" + r.Proto,
		"SERVER_NAME=" + host,
		"SERVER_PORT=" + port,
		"REQUEST_METHOD=" + r.Method,
		"REQUEST_URI=" + r.URL.RequestURI(),
		"QUERY_STRING=" + r.URL.RawQuery,
		"SCRIPT_NAME=/" + p.Token + p.Path(),
		"SCRIPT_FILENAME=" + f.path,
		"PATH_INFO=",
		"REDIRECT_STATUS=200", // php-cgi refuses to run without it
		"PATH=" + programPath,
		"REMOTE_USER=" + p.Account.Name,
		"USER=" + p.Account.Name,
		"HOME=" + p.Account.HomeDir,
		"UAPID_ACCOUNT_DOMAIN=" + p.Account.Domain,
		"CPANEL_CONNECT_SOCKET=" + socket,
		"CPANEL_PHPCONNECT_SOCKET=" + socket,
		"cp_security_token=/" + p.Token,
	}
	env = append(env, livelib.Environ(s.lib)...)
	if ip, rport, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		env = append(env, "REMOTE_ADDR="+ip, "REMOTE_HOST="+ip, "REMOTE_PORT="+rport)
	}
	if r.TLS != nil {
		env = append(env, "HTTPS=on")
	}
	if r.ContentLength > 0 {
		env = append(env, "CONTENT_LENGTH="+strconv.FormatInt(r.ContentLength, 10))
		if ct := r.Header.Get("Content-Type"); ct != "" {
			env = append(env, "CONTENT_TYPE="+ct)
		}
	}
	env = append(env, "HTTP_HOST="+r.Host)
	for _, h := range forwardedHeaders {
		if v := r.Header.Values(h); len(v) > 0 {
			env = append(env, "HTTP_"+strings.ToUpper(strings.ReplaceAll(h, "-", "_"))+"="+strings.Join(v, ", "))
		}
	}
	return env
}

// serverHostPort splits the request's Host into SERVER_NAME and
// SERVER_PORT, with the scheme's port when Host names none.
func serverHostPort(r *http.Request) (string, string) {
	if host, port, err := net.SplitHostPort(r.Host); err == nil {
		return host, port
	}
	if r.TLS != nil {
		return r.Host, "443"
	}
	return r.Host, "80"
}
