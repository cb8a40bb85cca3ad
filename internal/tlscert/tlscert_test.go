package tlscert

import (
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
