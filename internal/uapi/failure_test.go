package uapi

import (
	"context"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

// TestFailureTable is the UAPI result's side of the error vocabulary: every
// domain code shows its message with status 0, except EINTERNAL, which
// shows only the request id.
func TestFailureTable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		code  string
		shown bool
	}{
		{hosting.EINVALID, true}, {hosting.ENOTFOUND, true}, {hosting.ECONFLICT, true},
		{hosting.EFORBIDDEN, true}, {hosting.EUNAUTHORIZED, true}, {hosting.EQUOTA, true},
		{hosting.EINTERNAL, false},
	} {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			e := mustEngine(t, nil, &Func{Module: "Test", Name: "f", Handler: func(context.Context, *Call) (any, error) {
				return nil, hosting.Errorf(tt.code, "the %s message", tt.code)
			}})
			res := e.Execute(WithRequestID(context.Background(), "req-7"),
				Request{Account: mustAccount(t), Module: "Test", Function: "f"})
			if res.Status != 0 || len(res.Errors) != 1 {
				t.Fatalf("status %d, errors %q", res.Status, res.Errors)
			}
			if shown := res.Errors[0] == "the "+tt.code+" message"; shown != tt.shown {
				t.Errorf("error %q: message shown = %v, want %v", res.Errors[0], shown, tt.shown)
			}
			if !tt.shown && !strings.Contains(res.Errors[0], "req-7") {
				t.Errorf("internal error %q does not name the request id", res.Errors[0])
			}
		})
	}
}
