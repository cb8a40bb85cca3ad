package ftpd

import (
	"crypto/tls"
	"testing"
	"time"

	ftpserver "github.com/fclairamb/ftpserverlib"
)

func TestConfigSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero", Config{}, true},
		{"port range", Config{PassivePortRange: "30000-30100"}, true},
		{"one port", Config{PassivePortRange: "30000-30000"}, true},
		{"reversed range", Config{PassivePortRange: "30100-30000"}, false},
		{"open range", Config{PassivePortRange: "30000-"}, false},
		{"port zero", Config{PassivePortRange: "0-10"}, false},
		{"port too big", Config{PassivePortRange: "65000-70000"}, false},
		{"not a range", Config{PassivePortRange: "30000"}, false},
		{"public IPv4", Config{PublicHost: "203.0.113.7"}, true},
		{"public host name", Config{PublicHost: "ftp.example.com"}, false},
		{"public IPv6", Config{PublicHost: "2001:db8::1"}, false},
		{"require TLS without TLS", Config{RequireTLS: true}, false},
		{"require TLS", Config{RequireTLS: true, TLS: &tls.Config{}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.settings()
			if (err == nil) != tt.ok {
				t.Errorf("settings() err = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestConfigSettingsValues(t *testing.T) {
	t.Parallel()
	s, err := Config{PassivePortRange: "30000-30100", IdleTimeout: 90 * time.Second,
		RequireTLS: true, TLS: &tls.Config{}}.settings()
	if err != nil {
		t.Fatal(err)
	}
	r := s.PassiveTransferPortRange
	if r == nil || r.NumberAttempts() != 64 {
		t.Fatalf("port range = %#v", r)
	}
	for range 300 {
		if p, l, ok := r.FetchNext(); !ok || p != l || p < 30000 || p > 30100 {
			t.Fatalf("FetchNext = %d, %d, %t: outside 30000-30100", p, l, ok)
		}
	}
	if s.IdleTimeout != 90 || s.TLSRequired != ftpserver.MandatoryEncryption ||
		s.DefaultTransferType != ftpserver.TransferTypeBinary {
		t.Errorf("settings = %+v", s)
	}
	if s, _ := (Config{}).settings(); s.IdleTimeout != 900 {
		t.Errorf("default idle timeout = %d", s.IdleTimeout)
	}
}

func TestNormaliseLogin(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"cpuser":                "cpuser",
		" CPUser ":              "cpuser",
		"Bob@Example.COM":       "bob@example.com",
		"bob+example.com":       "bob@example.com",
		"bob+x@example.com":     "bob+x@example.com",
		"anonymous":             "ftp",
		"ANONYMOUS@example.com": "ftp@example.com",
		"anonymous+example.com": "ftp@example.com",
		"ftp@example.com":       "ftp@example.com",
		"cpuser_logs":           "cpuser_logs",
	} {
		if got := normaliseLogin(in); got != want {
			t.Errorf("normaliseLogin(%q) = %q, want %q", in, got, want)
		}
	}
}
