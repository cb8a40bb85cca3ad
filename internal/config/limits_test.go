package config

import (
	"testing"
	"time"
)

// The limits have their documented defaults, take 0 for "no limit" on
// counts, and refuse negative counts and zero durations.
func TestLimits(t *testing.T) {
	t.Parallel()
	c, err := Load("", env(map[string]string{"UAPID_DATA_DIR": "/d"}))
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{HTTPMaxConns: 4096, HTTPMaxConnsPerIP: 64, HTTPReadHeaderTimeout: 10 * time.Second,
		HTTPReadTimeout: time.Minute, HTTPWriteTimeout: 2 * time.Minute, HTTPIdleTimeout: time.Minute,
		HTTPShutdownGrace: 10 * time.Second, WebDAVMaxConns: 1024, WebDAVMaxConnsPerIP: 32,
		WebDAVStallTimeout: 30 * time.Second, WebDAVMinRate: 1024, WebDAVIdleTimeout: time.Minute,
		WebDAVShutdownGrace: 10 * time.Second, FTPMaxConns: 2048, FTPMaxConnsPerIP: 16, FTPMaxSessionsPerLogin: 8,
		FTPLoginTimeout: time.Minute, FTPIdleTimeout: 15 * time.Minute, FTPShutdownGrace: 10 * time.Second}
	if c.Limits != want {
		t.Errorf("defaults\n got %+v\nwant %+v", c.Limits, want)
	}
	c, err = Load("", env(map[string]string{"UAPID_DATA_DIR": "/d", "UAPID_FTP_MAX_CONNS_PER_IP": "0",
		"UAPID_HTTP_READ_TIMEOUT": "2s"}))
	if err != nil || c.FTPMaxConnsPerIP != 0 || c.HTTPReadTimeout != 2*time.Second {
		t.Errorf("overrides: %+v %v", c.Limits, err)
	}
	for k, v := range map[string]string{"UAPID_HTTP_MAX_CONNS": "-1", "UAPID_FTP_LOGIN_TIMEOUT": "0s",
		"UAPID_WEBDAV_MIN_RATE": "fast"} {
		if _, err := Load("", env(map[string]string{"UAPID_DATA_DIR": "/d", k: v})); err == nil {
			t.Errorf("%s=%s accepted", k, v)
		}
	}
}
