// Package tlscert provides the server's certificate: the operator's PEM
// files, or a self-signed one made on first start (and again when it nears
// expiry) so that a fresh `uapid serve` speaks TLS on every port at once.
package tlscert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/uapid/uapid/internal/atomicfile"
)

// HSTS is the Strict-Transport-Security header of every HTTPS answer
// (the UAPI and web UI listener, WHM): a year, the HSTS preload list's
// minimum, so that a browser that once reached the server over TLS never
// tries plain HTTP again and a network attacker cannot strip TLS. No
// includeSubDomains: the server's host name may share a parent domain with
// sites uapid does not serve.
const HSTS = "max-age=31536000"

// Load returns a TLS configuration for the given PEM files.
func Load(certFile, keyFile string) (*tls.Config, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("tlscert: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12,
		CipherSuites: CipherSuites()}, nil
}

// CipherSuites returns the TLS 1.2 suites every listener (HTTPS, FTPS, Web
// Disk) offers: forward-secret key exchange (ECDHE) and authenticated
// encryption (GCM, ChaCha20-Poly1305) only. Go's defaults still include the
// CBC-SHA1 suites, which scanners flag and no client made since 2014
// needs. TLS 1.3 suites are not configurable and all qualify.
func CipherSuites() []uint16 {
	return []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	}
}

// SelfSigned returns the paths of a self-signed certificate for hostname in
// dir, making one if none exists or the existing one expires within 30 days.
func SelfSigned(dir, hostname string, now time.Time) (certFile, keyFile string, err error) {
	certFile, keyFile = filepath.Join(dir, "selfsigned.crt"), filepath.Join(dir, "selfsigned.key")
	if fresh(certFile, now) {
		if _, err := os.Stat(keyFile); err == nil {
			return certFile, keyFile, nil
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("tlscert: %w", err)
	}
	certPEM, keyPEM, err := generate(hostname, now)
	if err != nil {
		return "", "", err
	}
	if err := atomicfile.Write(keyFile, keyPEM, 0o600); err != nil {
		return "", "", err
	}
	if err := atomicfile.Write(certFile, certPEM, 0o644); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}

func fresh(certFile string, now time.Time) bool {
	b, err := os.ReadFile(certFile)
	if err != nil {
		return false
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return false
	}
	c, err := x509.ParseCertificate(block.Bytes)
	return err == nil && now.Add(30*24*time.Hour).Before(c.NotAfter)
}

func generate(hostname string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: hostname, Organization: []string{"uapid self-signed"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(397 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{hostname, "localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("tlscert: key encoding: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}
