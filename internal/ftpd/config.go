package ftpd

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	ftpserver "github.com/fclairamb/ftpserverlib"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/netlimit"
	"github.com/uapid/uapid/internal/vfs"
)

// Config is the FTP server's configuration.
type Config struct {
	// Addr is the control connection's listen address, ":2121" if empty.
	Addr string
	// PassivePortRange is "FIRST-LAST" (e.g. "30000-30100"), the ports
	// passive data connections listen on; empty means any free port.
	PassivePortRange string
	// PublicHost is the IPv4 address announced in PASV replies, for a
	// server behind NAT; empty means the control connection's local address.
	PublicHost string
	// TLS enables explicit FTPS (AUTH TLS); nil means plain FTP only.
	TLS *tls.Config
	// RequireTLS refuses logins and transfers that are not under TLS.
	RequireTLS bool
	// IdleTimeout closes a control connection idle this long; 15 minutes if
	// zero. A running transfer is never idle.
	IdleTimeout time.Duration
	// LoginTimeout closes a control connection idle this long before it
	// has logged in; 60 seconds if zero. Anonymous clients get far less
	// time than tenants' sessions.
	LoginTimeout time.Duration
	// Limits bound the control connections, in total and per client IP
	// (logged in or not); more are answered 421 and closed.
	Limits netlimit.Limits
	// MaxSessionsPerLogin bounds the sessions of one login on this server,
	// so one tenant cannot take every passive port; 0 means no limit.
	MaxSessionsPerLogin int
	// Metrics, when set, counts refusals and timeouts.
	Metrics *netlimit.Metrics
	// Usage counts what sessions store and holds virtual logins to their
	// quota (internal/usage.Keeper); nil counts and limits nothing.
	Usage Usage
}

// Usage hands each session the vfs.Counter of its changes: the account's
// counters, and the quota of a virtual login.
type Usage interface {
	// Counter returns the counter of a session of acct rooted at base
	// (relative to the home); login is the virtual login, nil for others.
	Counter(acct *hosting.Account, base string, login *hosting.FTPAccount) vfs.Counter
}

// DefaultLoginTimeout is Config.LoginTimeout when zero.
const DefaultLoginTimeout = 60 * time.Second

// settings validates cfg and turns it into ftpserverlib's settings.
func (cfg Config) settings() (*ftpserver.Settings, error) {
	s := &ftpserver.Settings{
		Banner:              "uapid FTP server",
		DefaultTransferType: ftpserver.TransferTypeBinary, // never rewrite line ends unasked
		IdleTimeout:         int(cfg.IdleTimeout / time.Second),
		TLSRequired:         ftpserver.ClearOrEncrypted,
	}
	if cfg.IdleTimeout <= 0 {
		s.IdleTimeout = 15 * 60
	}
	if cfg.RequireTLS {
		if cfg.TLS == nil {
			return nil, errors.New("ftpd: RequireTLS needs a TLS configuration")
		}
		s.TLSRequired = ftpserver.MandatoryEncryption
	}
	if cfg.PublicHost != "" {
		ip := net.ParseIP(cfg.PublicHost)
		if ip == nil || ip.To4() == nil {
			return nil, fmt.Errorf("ftpd: public host %q is not an IPv4 address", cfg.PublicHost)
		}
		s.PublicHost = ip.String()
	}
	if cfg.PassivePortRange != "" {
		r, err := parsePortRange(cfg.PassivePortRange)
		if err != nil {
			return nil, err
		}
		s.PassiveTransferPortRange = newPassivePorts(r.Start, r.End)
		s.PassiveTransferPortMultiplexing = true // see passivePorts
	}
	return s, nil
}

// parsePortRange parses "FIRST-LAST".
func parsePortRange(s string) (ftpserver.PortRange, error) {
	first, last, ok := strings.Cut(s, "-")
	start, err1 := strconv.Atoi(strings.TrimSpace(first))
	end, err2 := strconv.Atoi(strings.TrimSpace(last))
	if !ok || err1 != nil || err2 != nil || start < 1 || end > 65535 || start > end {
		return ftpserver.PortRange{}, fmt.Errorf("ftpd: passive port range %q is not FIRST-LAST within 1-65535", s)
	}
	return ftpserver.PortRange{Start: start, End: end}, nil
}
