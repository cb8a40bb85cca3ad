package client

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error is a function that ran and failed: the result's status was 0.
// Errors holds cPanel's messages, which are meant for people; compare
// Type, not the text, where the function gives a typed error.
type Error struct {
	Module string
	Func   string
	// Errors is the result's errors. It may be empty: some cPanel
	// functions fail without a message (see FTPModule.AllowsAnonymousFTP).
	Errors []string
	// Result is the whole answer, with its warnings and its data.
	Result *Result
}

// Error returns the function's name and its messages.
func (e *Error) Error() string {
	if len(e.Errors) == 0 {
		return e.Module + "::" + e.Func + ": the function failed without a message"
	}
	return e.Module + "::" + e.Func + ": " + strings.Join(e.Errors, "; ")
}

// Type returns the type of a typed error, such as "AlreadyExists" from
// UserManager::create_user for a Subaccount that exists, or "" when the
// result's data names none.
func (e *Error) Type() string {
	if e.Result == nil {
		return ""
	}
	var typed struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(e.Result.Data, &typed) != nil {
		return ""
	}
	return typed.Type
}

// ErrAlreadyExists is the Type of UserManager::create_user's error for a
// Subaccount that already exists.
const ErrAlreadyExists = "AlreadyExists"

// HTTPError is an answer other than 200 OK: the server refused the request
// before any function ran (401 bad credentials or an expired session, 403 a
// suspended account or a wrong security token, 429 too many failed logins,
// 413 a body over the limit, …) or a proxy in front of it failed.
type HTTPError struct {
	StatusCode int
	// Body is the answer as received. uapid sends a result object (or, for
	// /login/, {"status":0,"message":CODE}); a proxy may send anything.
	Body []byte
	// Message is the server's reason when the body carries one: the
	// result's errors, or the login message code ("invalid_login",
	// "too_many_failures", "account_suspended").
	Message string
	// RetryAfter is how long to wait before trying again, from the
	// Retry-After header of a 429 answer; 0 when absent.
	RetryAfter time.Duration
}

// Error returns the HTTP status and the server's reason.
func (e *HTTPError) Error() string {
	s := "uapid: HTTP " + strconv.Itoa(e.StatusCode) + " " + http.StatusText(e.StatusCode)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

func newHTTPError(resp *http.Response, body []byte) *HTTPError {
	e := &HTTPError{StatusCode: resp.StatusCode, Body: body}
	var reason struct {
		Errors  []string `json:"errors"`
		Message string   `json:"message"`
	}
	if json.Unmarshal(body, &reason) == nil {
		e.Message = strings.Join(reason.Errors, "; ")
		if e.Message == "" {
			e.Message = reason.Message
		}
	}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
		e.RetryAfter = time.Duration(secs) * time.Second
	}
	return e
}
