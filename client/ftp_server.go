package client

import (
	"context"
	"encoding/json"
	"errors"
)

// ListFTPWithDiskParams are Ftp::list_ftp_with_disk's arguments.
type ListFTPWithDiskParams struct {
	ListFTPParams
	// Regex keeps the logins it matches (case-insensitive).
	Regex string
	// DirHTML is a legacy HTML helper; uapid accepts and ignores it.
	DirHTML string
	// InfinityImg shows an unlimited diskquota as an <img> of this URL.
	InfinityImg string
	// InfinityLang shows an unlimited diskquota as "∞".
	InfinityLang bool
}

// FTPAccountDisk is one record of Ftp::list_ftp_with_disk. Sizes are MB as
// strings with two decimals ("2.34"), as cPanel sends them.
type FTPAccountDisk struct {
	Login       string `json:"login"`
	User        string `json:"user"`
	ServerLogin string `json:"serverlogin"`
	AcctType    string `json:"accttype"`
	Type        string `json:"type"`
	Deleteable  int    `json:"deleteable"`
	Dir         string `json:"dir"`    // absolute
	RelDir      string `json:"reldir"` // relative to the home directory
	// HTMLDir is only set by cPanel's legacy dirhtml argument.
	HTMLDir           *string     `json:"htmldir"`
	DiskUsed          string      `json:"diskused"`
	DiskUsedMB        string      `json:"_diskused"`
	DiskQuota         string      `json:"diskquota"`  // "476.84", or "unlimited"
	DiskQuotaMB       string      `json:"_diskquota"` // "0.00" when unlimited
	HumanDiskUsed     string      `json:"humandiskused"`
	HumanDiskQuota    string      `json:"humandiskquota"`
	DiskUsedPercent   json.Number `json:"diskusedpercent"`
	DiskUsedPercent20 json.Number `json:"diskusedpercent20"`
}

// ListFTPWithDisk runs Ftp::list_ftp_with_disk.
func (m FTPModule) ListFTPWithDisk(ctx context.Context, p ListFTPWithDiskParams) ([]FTPAccountDisk, error) {
	f := p.ListFTPParams.form()
	f.str("regex", p.Regex)
	f.str("dirhtml", p.DirHTML)
	f.str("infinityimg", p.InfinityImg)
	f.flag("infinitylang", p.InfinityLang)
	var out []FTPAccountDisk
	err := m.c.CallInto(ctx, "Ftp", "list_ftp_with_disk", f.values(), &out)
	return out, err
}

// FTPSession is one record of Ftp::list_sessions.
type FTPSession struct {
	// PID identifies the session for KillSession. cPanel documents a
	// number and has been seen to send a string; json.Number takes both.
	PID     json.Number `json:"pid"`
	User    string      `json:"user"`
	Host    string      `json:"host"`
	Login   string      `json:"login"` // login time, ctime(3) style: "Tue Apr 23 16:23:23 2020"
	Status  string      `json:"status"`
	Cmdline string      `json:"cmdline"`
	File    string      `json:"file"`
}

// ListSessions runs Ftp::list_sessions: the account's live FTP sessions.
func (m FTPModule) ListSessions(ctx context.Context) ([]FTPSession, error) {
	var out []FTPSession
	err := m.c.CallInto(ctx, "Ftp", "list_sessions", nil, &out)
	return out, err
}

// KillSession runs Ftp::kill_session. login is "all" (or empty) for every
// session, or a session's PID from ListSessions. uapid also takes an FTP
// login and closes its sessions; cPanel silently ignores a login, so
// portable code kills by PID.
func (m FTPModule) KillSession(ctx context.Context, login string) error {
	f := form{}
	f.str("login", login)
	return m.c.CallInto(ctx, "Ftp", "kill_session", f.values(), nil)
}

// GetWelcomeMessage runs Ftp::get_welcome_message.
func (m FTPModule) GetWelcomeMessage(ctx context.Context) (string, error) {
	var out string
	err := m.c.CallInto(ctx, "Ftp", "get_welcome_message", nil, &out)
	return out, err
}

// SetWelcomeMessage runs Ftp::set_welcome_message; an empty message
// clears it.
func (m FTPModule) SetWelcomeMessage(ctx context.Context, message string) error {
	f := form{}
	f.always("message", message)
	return m.c.CallInto(ctx, "Ftp", "set_welcome_message", f.values(), nil)
}

// ServerName runs Ftp::server_name: "pure-ftpd", "proftpd" or "disabled".
func (m FTPModule) ServerName(ctx context.Context) (string, error) {
	var out string
	err := m.c.CallInto(ctx, "Ftp", "server_name", nil, &out)
	return out, err
}

// FTPDaemonInfo is the data of Ftp::get_ftp_daemon_info.
type FTPDaemonInfo struct {
	Name     string `json:"name"` // "" when disabled
	Enabled  int    `json:"enabled"`
	Supports struct {
		Quota              int `json:"quota"`
		LoginWithoutDomain int `json:"login_without_domain"`
	} `json:"supports"`
}

// GetFTPDaemonInfo runs Ftp::get_ftp_daemon_info.
func (m FTPModule) GetFTPDaemonInfo(ctx context.Context) (*FTPDaemonInfo, error) {
	var out FTPDaemonInfo
	if err := m.c.CallInto(ctx, "Ftp", "get_ftp_daemon_info", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetPort runs Ftp::get_port: the FTP server's port.
func (m FTPModule) GetPort(ctx context.Context) (int, error) {
	var out struct {
		Port int `json:"port"`
	}
	err := m.c.CallInto(ctx, "Ftp", "get_port", nil, &out)
	return out.Port, err
}

// AllowsAnonymousFTP runs Ftp::allows_anonymous_ftp. When ~/public_ftp is
// missing, cPanel (and uapid) create it closed and answer status 0 without
// a message; that answer is reported as false, not as an error.
func (m FTPModule) AllowsAnonymousFTP(ctx context.Context) (bool, error) {
	return m.allows(ctx, "allows_anonymous_ftp")
}

// AllowsAnonymousFTPIncoming runs Ftp::allows_anonymous_ftp_incoming, with
// the same treatment of a missing ~/public_ftp/incoming.
func (m FTPModule) AllowsAnonymousFTPIncoming(ctx context.Context) (bool, error) {
	return m.allows(ctx, "allows_anonymous_ftp_incoming")
}

func (m FTPModule) allows(ctx context.Context, function string) (bool, error) {
	var out struct {
		Allows int `json:"allows"`
	}
	err := m.c.CallInto(ctx, "Ftp", function, nil, &out)
	var ue *Error
	if errors.As(err, &ue) && len(ue.Errors) == 0 {
		return false, nil
	}
	return out.Allows == 1, err
}

// SetAnonymousFTP runs Ftp::set_anonymous_ftp: allow or forbid anonymous
// logins.
func (m FTPModule) SetAnonymousFTP(ctx context.Context, allow bool) error {
	f := form{}
	f.bit("set", allow)
	return m.c.CallInto(ctx, "Ftp", "set_anonymous_ftp", f.values(), nil)
}

// SetAnonymousFTPIncoming runs Ftp::set_anonymous_ftp_incoming: allow or
// forbid anonymous uploads.
func (m FTPModule) SetAnonymousFTPIncoming(ctx context.Context, allow bool) error {
	f := form{}
	f.bit("set", allow)
	return m.c.CallInto(ctx, "Ftp", "set_anonymous_ftp_incoming", f.values(), nil)
}
