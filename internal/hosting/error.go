package hosting

import (
	"errors"
	"fmt"
)

// Error codes. Every transport maps each code to its own form once, in one
// table: a UAPI result (uapi.Engine's failure), an FTP reply (ftpd's
// replySentinels), a WebDAV status (webdavd's refusalFor), an HTTP status
// (httpapi's authAnswers, the admin socket's statusByCode).
const (
	EINVALID      = "invalid"      // the caller sent a bad value
	ENOTFOUND     = "not_found"    // the named thing does not exist (for this account)
	ECONFLICT     = "conflict"     // the thing already exists
	EFORBIDDEN    = "forbidden"    // the caller may not do this (feature, suspension)
	EUNAUTHORIZED = "unauthorized" // the caller is not who they claim (internal/auth's failed credentials)
	EQUOTA        = "quota"        // a disk quota stopped a write (vfs.QuotaError)
	EINTERNAL     = "internal"     // a bug or an environment failure; never shown verbatim
)

// Error is the one domain error. Message is safe to show to the caller.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain, or a generic text for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
