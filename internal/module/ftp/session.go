package ftp

import (
	"context"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// sessionRecord is one record of list_sessions; fields in cPanel's (sorted)
// order.
type sessionRecord struct {
	Cmdline string `json:"cmdline"`
	File    string `json:"file"`
	Host    string `json:"host"`
	Login   string `json:"login"` // login time, ctime(3) style
	PID     int64  `json:"pid"`
	Status  string `json:"status"`
	User    string `json:"user"`
}

// listSessions shows the caller's live sessions. pid is the session id
// kill_session accepts; the list is sorted by pid as text, as cPanel sorts.
func (s *Service) listSessions(ctx context.Context, c *uapi.Call) (any, error) {
	if s.sessions == nil {
		return []sessionRecord{}, nil
	}
	ss, err := s.sessions.ListFTPSessions(ctx, c.Account.ID)
	if err != nil {
		return nil, err
	}
	out := make([]sessionRecord, 0, len(ss))
	for _, sess := range ss {
		if sess.AccountID != c.Account.ID {
			continue // the registry filters by account; never trust a stray one
		}
		out = append(out, sessionRecord{Cmdline: s.cmdline(sess), File: sess.File, Host: hostOf(sess.RemoteAddr),
			Login: sess.LoginTime.In(s.loc).Format(time.ANSIC), PID: sess.ID, Status: sess.Status, User: sess.Login})
	}
	sort.SliceStable(out, func(i, j int) bool {
		return strconv.FormatInt(out[i].PID, 10) < strconv.FormatInt(out[j].PID, 10)
	})
	return out, nil
}

// cmdline is the process title the configured daemon shows in ps.
func (s *Service) cmdline(sess hosting.FTPSession) string {
	if s.cfg.Daemon == DaemonProFTPD {
		return "proftpd: " + sess.Login + " - " + hostOf(sess.RemoteAddr) + ": " + sess.Status
	}
	switch sess.Status {
	case hosting.FTPUpload:
		return "pure-ftpd (UPLOAD)"
	case hosting.FTPDownload:
		return "pure-ftpd (DOWNLOAD)"
	}
	return "pure-ftpd (IDLE)"
}

// hostOf drops a port, should the registry keep one.
func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// killSession closes the caller's sessions: all of them ("all", the
// default), one session by its pid, or every session of one login. A login
// the caller does not have is an error; a login without sessions, or a pid
// that is gone, is not (the session may have just ended).
func (s *Service) killSession(ctx context.Context, c *uapi.Call) (any, error) {
	arg := strings.ToLower(strings.TrimSpace(c.String("login")))
	var filter hosting.FTPSessionFilter
	if id, err := strconv.ParseInt(arg, 10, 64); err == nil && id > 0 {
		filter.ID = id
	} else if arg != "all" && arg != "" {
		login, err := s.sessionLogin(ctx, c.Account, arg)
		if err != nil {
			return nil, err
		}
		filter.Login = login
	}
	if s.sessions == nil {
		return nil, nil
	}
	n, err := s.sessions.KillFTPSessions(ctx, c.Account.ID, filter)
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "ftp sessions killed", "account", c.Account.Name, "login", arg, "count", n)
	return nil, nil
}

// sessionLogin resolves a login named to kill_session to the normalised
// login its sessions carry, if the caller has that login.
func (s *Service) sessionLogin(ctx context.Context, acct *hosting.Account, name string) (string, error) {
	if login, _, ok := specialLogin(acct, name); ok {
		return login, nil
	}
	user, domain, hasAt := strings.Cut(name, "@")
	if !hasAt {
		domain = acct.Domain
	} else if d, err := hosting.NormalizeDomain(domain); err != nil || !acct.OwnsDomain(d) {
		// Another tenant's login reads exactly like one that does not exist.
		return "", notExist(user, domain)
	} else {
		domain = d
	}
	f, err := s.Get(ctx, acct, user, domain)
	if err != nil {
		return "", err
	}
	return f.Login(), nil
}
