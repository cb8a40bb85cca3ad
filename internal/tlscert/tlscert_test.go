package tlscert

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"testing"
	"time"
)

func TestSelfSignedCreatesReusesAndRenews(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	cert, key, err := SelfSigned(dir, "host.example", now)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cfg.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := leaf.VerifyHostname("127.0.0.1"); err != nil {
		t.Errorf("certificate does not cover loopback: %v", err)
	}
	if err := leaf.VerifyHostname("host.example"); err != nil {
		t.Errorf("certificate does not cover the host name: %v", err)
	}
	if st, _ := os.Stat(key); st.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v, want 0600", st.Mode().Perm())
	}
	first, _ := os.ReadFile(cert)
	if _, _, err := SelfSigned(dir, "host.example", now.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(cert); string(again) != string(first) {
		t.Error("a fresh certificate was replaced")
	}
	if _, _, err := SelfSigned(dir, "host.example", now.Add(380*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	renewed, _ := os.ReadFile(cert)
	block, _ := pem.Decode(renewed)
	c, _ := x509.ParseCertificate(block.Bytes)
	if string(renewed) == string(first) || !c.NotAfter.After(now.Add(400*24*time.Hour)) {
		t.Error("a certificate near expiry was not renewed")
	}
}

func TestLoadRejectsMissingFiles(t *testing.T) {
	t.Parallel()
	if _, err := Load("/nonexistent.crt", "/nonexistent.key"); err == nil {
		t.Error("Load of missing files succeeded")
	}
}

// Every listener gets its TLS configuration from Load: a client offering
// only CBC-SHA1 suites must fail the handshake, one offering ECDHE with
// AEAD (or TLS 1.3) must succeed.
func TestLoadOffersModernSuitesOnly(t *testing.T) {
	t.Parallel()
	cert, key, err := SelfSigned(t.TempDir(), "host.example", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _ = c.(*tls.Conn).Handshake(); _ = c.Close() }()
		}
	}()
	tests := []struct {
		name   string
		max    uint16
		suites []uint16
		ok     bool
	}{
		{"TLS 1.3", tls.VersionTLS13, nil, true},
		{"TLS 1.2 ECDHE-ECDSA-AES128-GCM", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}, true},
		{"TLS 1.2 ECDHE-ECDSA-CHACHA20", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}, true},
		{"TLS 1.2 ECDHE-ECDSA-AES128-CBC-SHA", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}, false},
		{"TLS 1.2 ECDHE-ECDSA-AES256-CBC-SHA", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA}, false},
		{"TLS 1.2 ECDHE-ECDSA-AES128-CBC-SHA256", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}, false},
		{"TLS 1.1", tls.VersionTLS11, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{InsecureSkipVerify: true, //nolint:gosec // self-signed test certificate
				MinVersion: tls.VersionTLS10, MaxVersion: tt.max, CipherSuites: tt.suites})
			if err == nil {
				_ = c.Close()
			}
			if (err == nil) != tt.ok {
				t.Errorf("handshake error %v, want success %v", err, tt.ok)
			}
		})
	}
}
