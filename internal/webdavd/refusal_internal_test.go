package webdavd

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"testing"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
)

// TestRefusalTable: every login failure is the same 401, the directory
// and busy cases have their own status, and anything else is a 500.
func TestRefusalTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		status int
	}{
		{"no credentials", errNoCredentials, http.StatusUnauthorized},
		{"basic without TLS", errBasicNoTLS, http.StatusUnauthorized},
		{"malformed", errMalformed, http.StatusUnauthorized},
		{"stale nonce", errStale, http.StatusUnauthorized},
		{"invalid", auth.ErrInvalid, http.StatusUnauthorized},
		{"limited", auth.ErrLimited, http.StatusUnauthorized},
		{"suspended", fmt.Errorf("login: %w", auth.ErrSuspended), http.StatusUnauthorized},
		{"any EUNAUTHORIZED", hosting.Errorf(hosting.EUNAUTHORIZED, "who?"), http.StatusUnauthorized},
		{"directory gone", &dirError{err: fs.ErrNotExist}, http.StatusNotFound},
		{"killed on every attempt", errBusy, http.StatusServiceUnavailable},
		{"store down", errors.New("connection refused"), http.StatusInternalServerError},
		{"not found in the store", hosting.Errorf(hosting.ENOTFOUND, "gone"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := refusalFor(tt.err)
			if got.status != tt.status {
				t.Errorf("status %d, want %d", got.status, tt.status)
			}
			if tt.status == http.StatusUnauthorized && got.text != "Unauthorized." {
				t.Errorf("401 text %q differs", got.text)
			}
		})
	}
}
