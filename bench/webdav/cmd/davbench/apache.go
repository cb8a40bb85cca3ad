package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
)

// apacheUser is the user Debian's Apache runs its workers as.
const apacheUser = "www-data"

// apacheSkip says why Apache cannot be measured here, or "" if it can.
func apacheSkip(o options) string {
	switch {
	case o.apache == "":
		return "no -apache given"
	case os.Geteuid() != 0:
		return "not running as root (Apache's workers switch to " + apacheUser + ")"
	}
	if _, err := exec.LookPath(o.apache); err != nil {
		return fmt.Sprintf("%s is not installed (%v); on Debian: apt-get install apache2", o.apache, err)
	}
	if _, err := user.Lookup(apacheUser); err != nil {
		return "no user " + apacheUser
	}
	return ""
}

// apacheConf is the whole configuration: nothing of /etc/apache2 is read.
// mod_dav with mod_dav_fs over TLS, Basic authentication from a file with
// the verified password cached for a minute (mod_authn_socache), keep-alive
// without a request limit, and no access log (uapid writes none per
// request either).
var apacheConf = template.Must(template.New("apache").Parse(`ServerName localhost
Listen {{.Addr}}
PidFile {{.Dir}}/apache.pid
ErrorLog {{.Dir}}/error.log
LogLevel warn
DefaultRuntimeDir {{.Dir}}
Mutex file:{{.Dir}} default
User {{.User}}
Group {{.User}}
{{range .Modules}}LoadModule {{.}}_module {{$.ModDir}}/mod_{{.}}.so
{{end}}
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 15
LimitRequestBody 0
SSLEngine on
SSLCertificateFile {{.Dir}}/cert.pem
SSLCertificateKeyFile {{.Dir}}/key.pem
SSLProtocol -all +TLSv1.2 +TLSv1.3
SSLSessionCache none
DavLockDB {{.Dir}}/lock/davlock
AuthnCacheSOCache shmcb:{{.Dir}}/authn_cache(512000)
DocumentRoot {{.Root}}
<Directory {{.Root}}>
	Dav On
	Options None
	AllowOverride None
	AuthType Basic
	AuthName "davbench"
	AuthBasicProvider socache file
	AuthnCacheProvideFor file
	AuthnCacheTimeout 60
	AuthUserFile {{.Dir}}/htpasswd
	Require valid-user
</Directory>
`))

var apacheModules = []string{"mpm_event", "authn_core", "authn_file", "authn_socache", "socache_shmcb",
	"authz_core", "authz_user", "auth_basic", "dav", "dav_fs", "ssl"}

// startApache writes the configuration, a certificate and the password
// file and starts Apache in the foreground. The password file holds the
// same SHA512-crypt hash uapid has (Apache checks it with crypt(3)), or
// with -apache-hash=apr1 htpasswd's default, Apache's own MD5. Apache's
// cache (mod_authn_socache) keeps the hash it looked up, not the fact that
// a password matched it, so every request still computes the hash: with
// 5,000 rounds of SHA-512 that is most of a small request's CPU. uapid
// caches a verified password for a minute instead.
func startApache(ctx context.Context, o options, dir, hash string) (*server, error) {
	u, err := user.Lookup(apacheUser)
	if err != nil {
		return nil, err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	root := filepath.Join(dir, "root")
	for _, d := range []string{root, filepath.Join(dir, "lock")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
		if err := os.Chown(d, uid, gid); err != nil {
			return nil, err
		}
	}
	if err := writeCert(dir); err != nil {
		return nil, err
	}
	if o.apacheHash == "apr1" {
		if hash, err = apr1(ctx); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "htpasswd"), []byte("dav:"+hash+"\n"), 0o644); err != nil {
		return nil, err
	}
	addr := harness.FreeAddr()
	if err := writeApacheConf(dir, addr, root); err != nil {
		return nil, err
	}
	ch, err := harness.StartChild(o.apache, []string{"-D", "FOREGROUND", "-f", filepath.Join(dir, "apache.conf")},
		os.Environ(), filepath.Join(dir, "apache.out"))
	if err != nil {
		return nil, err
	}
	s := &server{name: "apache mod_dav", url: "https://" + addr + "/", user: "dav", root: root,
		pids:  func() []int { return append(harness.Descendants(ch.PID()), ch.PID()) },
		close: func() { ch.Stop(10 * time.Second) }}
	if err := waitPort(ctx, ch, addr); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		s.close()
		return nil, fmt.Errorf("%w; error.log:\n%s", err, log)
	}
	s.version = strings.TrimSpace(harness.CommandOutput(ctx, nil, o.apache, "-v"))
	return s, nil
}

func writeApacheConf(dir, addr, root string) error {
	f, err := os.Create(filepath.Join(dir, "apache.conf"))
	if err != nil {
		return err
	}
	err = apacheConf.Execute(f, map[string]any{"Addr": addr, "Dir": dir, "Root": root, "User": apacheUser,
		"Modules": apacheModules, "ModDir": "/usr/lib/apache2/modules"})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeCert makes a self-signed P-256 certificate for 127.0.0.1, as uapid
// makes its own: both servers then do the same handshake work.
func writeCert(dir string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
}

// waitPort waits until addr accepts connections, at most a minute.
func waitPort(ctx context.Context, ch *harness.Child, addr string) error {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && ctx.Err() == nil && !ch.Exited(); {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("not listening on %s (exited: %t)", addr, ch.Exited())
}

// apr1 hashes the password with htpasswd's default, Apache's MD5 ($apr1$,
// 1,000 rounds).
func apr1(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "htpasswd", "-nbm", "dav", davPassword).Output()
	if err != nil {
		return "", fmt.Errorf("htpasswd (apache2-utils): %w", err)
	}
	_, hash, ok := strings.Cut(strings.TrimSpace(string(out)), ":")
	if !ok {
		return "", fmt.Errorf("htpasswd printed %q", out)
	}
	return hash, nil
}
