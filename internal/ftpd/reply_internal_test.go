package ftpd

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	ftpserver "github.com/fclairamb/ftpserverlib"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/vfs"
)

// TestFTPErrorTable: each domain code reaches the reply its table names;
// errors without a listed code keep ftpserverlib's own reply.
func TestFTPErrorTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want error // the sentinel that picks the reply; nil: none
	}{
		{"quota stop in a transfer", &vfs.QuotaError{Limit: 1 << 20}, ftpserver.ErrStorageExceeded},
		{"wrapped quota stop", fmt.Errorf("write x: %w", &vfs.QuotaError{}), ftpserver.ErrStorageExceeded},
		{"EQUOTA", hosting.Errorf(hosting.EQUOTA, "full"), ftpserver.ErrStorageExceeded},
		{"not found", fs.ErrNotExist, nil},
		{"ENOTFOUND", hosting.Errorf(hosting.ENOTFOUND, "gone"), nil},
		{"EFORBIDDEN", hosting.Errorf(hosting.EFORBIDDEN, "no"), nil},
		{"internal", errors.New("disk on fire"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ftpError(tt.err)
			if !errors.Is(got, tt.err) {
				t.Errorf("the cause is lost: %v", got)
			}
			for _, s := range []error{ftpserver.ErrStorageExceeded, ftpserver.ErrFileNameNotAllowed} {
				if errors.Is(got, s) != (s == tt.want) {
					t.Errorf("errors.Is(%v, %v) = %v", got, s, !(s == tt.want))
				}
			}
		})
	}
	if ftpError(nil) != nil {
		t.Error("nil became an error")
	}
}

// TestLoginRefusalReasons: every refusal of a login has a reason for the
// log (the client sees the one 530), and a store failure has none.
func TestLoginRefusalReasons(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err    error
		reason string
	}{
		{auth.ErrInvalid, "invalid credentials"},
		{auth.ErrLimited, "too many failed logins"},
		{auth.ErrSuspended, "account suspended"},
		{fmt.Errorf("x: %w", errAnonymousOff), "anonymous FTP is off"},
		{errors.New("store down"), ""},
	} {
		if got := loginFailure(tt.err); got != tt.reason {
			t.Errorf("loginFailure(%v) = %q, want %q", tt.err, got, tt.reason)
		}
	}
}
