package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/atomicfile"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

// demoCredentials is DATA_DIR/demo.json, for scripts that drive a fresh
// server.
type demoCredentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
	Domain   string `json:"domain"`
	HTTPSURL string `json:"https_url"`
}

const (
	demoUser   = "demo"
	demoDomain = "demo.example"
)

// ensureDemo makes sure account demo exists with the password in demo.json:
// kept across restarts when it still matches, created or reset otherwise.
func (m *Main) ensureDemo(ctx context.Context) error {
	path := filepath.Join(m.Config.DataDir, "demo.json")
	creds := demoCredentials{User: demoUser, Domain: demoDomain}
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &creds)
	}
	acct, err := m.accounts.Get(ctx, demoUser)
	switch {
	case err == nil && creds.Password != "" && password.Verify(acct.PasswordHash, creds.Password):
	case err == nil:
		creds.Password = rand.Text()
		err = m.accounts.SetPassword(ctx, demoUser, creds.Password)
	case hosting.ErrorCode(err) == hosting.ENOTFOUND:
		creds.Password = rand.Text()
		_, err = m.accounts.Create(ctx, account.CreateRequest{Name: demoUser, Password: creds.Password, Domain: demoDomain})
	}
	if err != nil {
		return fmt.Errorf("demo account: %w", err)
	}
	creds.User, creds.Domain, creds.HTTPSURL = demoUser, demoDomain, m.HTTPSURL()
	b, err := json.MarshalIndent(creds, "", "  ")
	if err != nil {
		return err
	}
	// 0600 from the start (the file holds a password), and atomic: scripts
	// and tests read it while the server starts.
	if err := atomicfile.Write(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("demo account: %w", err)
	}
	m.Log.Info("demo account ready", "account", demoUser, "credentials", path)
	return nil
}
