package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load("", env(map[string]string{"UAPID_DATA_DIR": "/d"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPSAddr != ":2083" || c.Database != "/d/uapid.db" || c.AdminSocket != "/d/uapid.sock" ||
		c.SessionIdle != 15*time.Minute || c.WebDAVAddr != ":2078" {
		t.Errorf("unexpected defaults: %+v", c)
	}
}

func TestListenerOff(t *testing.T) {
	t.Parallel()
	c, err := Load("", env(map[string]string{"UAPID_DATA_DIR": "/d", "UAPID_FTP_ADDR": "off", "UAPID_WEBDAV_ADDR": "OFF"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.FTPAddr != "" || c.WebDAVAddr != "" || c.HTTPSAddr == "" {
		t.Errorf("ftp %q webdav %q https %q", c.FTPAddr, c.WebDAVAddr, c.HTTPSAddr)
	}
}

func TestLoadFileThenEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "uapid.yaml")
	secret := filepath.Join(dir, "dsn")
	if err := os.WriteFile(file, []byte("https_addr: 127.0.0.1:9443\nftp_passive_ports: 30000-30010\nsession_idle: 5m\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secret, []byte("postgres://u@h/db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(file, env(map[string]string{"UAPID_HTTPS_ADDR": "127.0.0.1:8443", "UAPID_DATABASE_FILE": secret}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPSAddr != "127.0.0.1:8443" {
		t.Errorf("env did not override the file: %q", c.HTTPSAddr)
	}
	if c.Database != "postgres://u@h/db" {
		t.Errorf("_FILE not read: %q", c.Database)
	}
	if lo, hi, _ := c.PassivePortRange(); lo != 30000 || hi != 30010 || c.SessionIdle != 5*time.Minute {
		t.Errorf("file values lost: %d-%d %v", lo, hi, c.SessionIdle)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	unknown := filepath.Join(dir, "u.yaml")
	_ = os.WriteFile(unknown, []byte("no_such_option: 1\n"), 0o600)
	tests := []struct {
		name, file string
		env        map[string]string
		want       string
	}{
		{"bad addr", "", map[string]string{"UAPID_HTTPS_ADDR": "nonsense"}, "https_addr"},
		{"bad range", "", map[string]string{"UAPID_FTP_PASSIVE_PORTS": "9-1"}, "ftp_passive_ports"},
		{"bad bool", "", map[string]string{"UAPID_FTP_REQUIRE_TLS": "maybe"}, "UAPID_FTP_REQUIRE_TLS"},
		{"bad duration", "", map[string]string{"UAPID_SESSION_IDLE": "-1m"}, "UAPID_SESSION_IDLE"},
		{"cert without key", "", map[string]string{"UAPID_TLS_CERT": "/c"}, "tls_key"},
		{"debug on every address", "", map[string]string{"UAPID_DEBUG_ADDR": ":6060"}, "debug_addr"},
		{"debug on a public address", "", map[string]string{"UAPID_DEBUG_ADDR": "192.0.2.1:6060"}, "debug_addr"},
		{"debug on a name", "", map[string]string{"UAPID_DEBUG_ADDR": "localhost:6060"}, "debug_addr"},
		{"unknown option", unknown, nil, "no_such_option"},
		{"missing file", filepath.Join(dir, "nope"), nil, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.file, env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestMarkdownListsEveryOption(t *testing.T) {
	t.Parallel()
	md := Markdown()
	for _, o := range options() {
		if !strings.Contains(md, o.env) {
			t.Errorf("docs table lacks %s", o.env)
		}
	}
}
