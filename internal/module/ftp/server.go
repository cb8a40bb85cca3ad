package ftp

import (
	"context"

	"github.com/uapid/uapid/internal/uapi"
)

// serverName reports the configured daemon name.
func (s *Service) serverName(ctx context.Context, c *uapi.Call) (any, error) {
	return s.cfg.Daemon, nil
}

// daemonInfo is the data of get_ftp_daemon_info.
type daemonInfo struct {
	Enabled  int      `json:"enabled"`
	Name     string   `json:"name"`
	Supports supports `json:"supports"`
}

type supports struct {
	LoginWithoutDomain int `json:"login_without_domain"`
	Quota              int `json:"quota"`
}

// daemonInfo answers as cPanel does for the configured daemon: Pure-FTPd
// supports quotas and wants user@domain logins, ProFTPD the reverse, and a
// disabled daemon supports nothing.
func (s *Service) daemonInfo(ctx context.Context, c *uapi.Call) (any, error) {
	switch s.cfg.Daemon {
	case DaemonPureFTPd:
		return daemonInfo{Enabled: 1, Name: DaemonPureFTPd, Supports: supports{Quota: 1}}, nil
	case DaemonProFTPD:
		return daemonInfo{Enabled: 1, Name: DaemonProFTPD, Supports: supports{LoginWithoutDomain: 1}}, nil
	}
	return daemonInfo{}, nil
}

// port is the data of get_port.
type port struct {
	Port int `json:"port"`
}

func (s *Service) getPort(ctx context.Context, c *uapi.Call) (any, error) {
	return port{Port: s.cfg.Port}, nil
}
