package ftp

import (
	"testing"
)

func TestServerInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		cfg            Config
		server, daemon string
		port           string
	}{
		{"default", Config{}, `"pure-ftpd"`, `{"enabled":1,"name":"pure-ftpd","supports":{"login_without_domain":0,"quota":1}}`, `{"port":21}`},
		{"pure-ftpd", Config{Port: 2121, Daemon: DaemonPureFTPd}, `"pure-ftpd"`, `{"enabled":1,"name":"pure-ftpd","supports":{"login_without_domain":0,"quota":1}}`, `{"port":2121}`},
		{"proftpd", Config{Port: 21, Daemon: DaemonProFTPD}, `"proftpd"`, `{"enabled":1,"name":"proftpd","supports":{"login_without_domain":1,"quota":0}}`, `{"port":21}`},
		{"disabled", Config{Port: 990, Daemon: DaemonDisabled}, `"disabled"`, `{"enabled":0,"name":"","supports":{"login_without_domain":0,"quota":0}}`, `{"port":990}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnvWith(t, tt.cfg, nil)
			e.checkResult(t, e.call(e.a, "server_name"), okData(tt.server))
			e.checkResult(t, e.call(e.a, "get_ftp_daemon_info"), okData(tt.daemon))
			e.checkResult(t, e.call(e.a, "get_port"), okData(tt.port))
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"port", Config{Port: 70000}},
		{"negative port", Config{Port: -1}},
		{"daemon", Config{Daemon: "vsftpd"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.cfg, e.db, nil, e.usage, nil); err == nil {
				t.Error("New accepted it")
			}
		})
	}
	if _, err := New(Config{}, nil, nil, e.usage, nil); err == nil {
		t.Error("New accepted a nil store")
	}
}
