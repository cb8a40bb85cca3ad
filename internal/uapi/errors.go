package uapi

import (
	"github.com/uapid/uapid/internal/hosting"
)

// invalidf returns an EINVALID domain error; its message reaches the caller.
func invalidf(format string, args ...any) error {
	return hosting.Errorf(hosting.EINVALID, format, args...)
}

// unsuccessful marks a handler's data as a false return: status 0 with no
// error text, as cPanel does for e.g. Ftp::allows_anonymous_ftp when the
// directory had to be created.
type unsuccessful struct{ data any }

// Unsuccessful wraps data so that the result carries it with status 0 and
// errors null.
func Unsuccessful(data any) any { return unsuccessful{data} }

// DataError is an error whose result carries a structured payload in data
// (cPanel's typed errors, e.g. UserManager::create_user's AlreadyExists).
type DataError struct {
	Err  error
	Data any
}

// Error returns the wrapped error's text.
func (e *DataError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *DataError) Unwrap() error { return e.Err }
