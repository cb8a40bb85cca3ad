package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
)

// TestAuthAnswerTable: each authentication error, wrapped or not, gets its
// status, text and reason; anything else is not a credential failure.
func TestAuthAnswerTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err    error
		code   int
		msg    string
		reason string
	}{
		{errNoCredentials, http.StatusUnauthorized, msgAccessDenied, "missing"},
		{errBadHeader, http.StatusUnauthorized, msgAccessDenied, "malformed"},
		{auth.ErrInvalid, http.StatusUnauthorized, msgAccessDenied, "invalid"},
		{fmt.Errorf("ftp: %w", auth.ErrInvalid), http.StatusUnauthorized, msgAccessDenied, "invalid"},
		{auth.ErrTokenExpired, http.StatusUnauthorized, msgAccessDenied, "token_expired"},
		{auth.ErrExpired, http.StatusUnauthorized, msgExpired, "expired"},
		{auth.ErrTokenDenied, http.StatusForbidden, msgTokenDenied, "token_denied"},
		{auth.ErrSuspended, http.StatusForbidden, msgSuspended, "suspended"},
		{auth.ErrLimited, http.StatusTooManyRequests, msgTooMany, "limited"},
		{errors.New("store down"), 0, "", ""},
		{hosting.Errorf(hosting.EUNAUTHORIZED, "another"), 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			he, reason := authAnswer(tt.err, time.Minute)
			if tt.code == 0 {
				if he != nil {
					t.Fatalf("answered %d for a non-credential error", he.code)
				}
				return
			}
			if he == nil || he.code != tt.code || he.msg != tt.msg || reason != tt.reason {
				t.Fatalf("answer %+v %q, want %d %q %q", he, reason, tt.code, tt.msg, tt.reason)
			}
			if (he.retryAfter > 0) != (tt.code == http.StatusTooManyRequests) {
				t.Errorf("Retry-After %v on a %d", he.retryAfter, tt.code)
			}
		})
	}
}
