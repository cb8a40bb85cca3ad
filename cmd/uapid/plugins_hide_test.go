package main

import (
	"slices"
	"testing"

	"github.com/uapid/uapid/internal/config"
)

// TestPluginHidden: pages never see the data directory, the admin socket,
// the TLS files, the SQLite database nor the configuration file (which may
// hold a PostgreSQL password in its DSN).
func TestPluginHidden(t *testing.T) {
	m := &Main{ConfigFile: "/etc/uapid/uapid.yaml", Config: &config.Config{DataDir: "/var/lib/uapid",
		AdminSocket: "/run/uapid.sock", TLSCert: "/etc/ssl/c.pem", TLSKey: "/etc/ssl/k.pem", Database: "/srv/uapid.db"}}
	got := m.pluginHidden()
	for _, want := range []string{"/var/lib/uapid", "/run/uapid.sock", "/etc/ssl/c.pem", "/etc/ssl/k.pem", "/srv/uapid.db", "/etc/uapid/uapid.yaml"} {
		if !slices.Contains(got, want) {
			t.Errorf("%s not hidden from pages: %v", want, got)
		}
	}
	m.Config.Database = "postgres://uapid:secret@db/uapid"
	if got := m.pluginHidden(); slices.ContainsFunc(got, func(p string) bool { return p == m.Config.Database }) {
		t.Errorf("a DSN taken for a path: %v", got)
	}
}
