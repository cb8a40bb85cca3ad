// Package client is a Go client for uapid and for cPanel's UAPI, which uapid
// speaks: the same code drives either server.
//
// A Client authenticates in one of three ways, as cPanel allows:
//
//   - an API token (WithToken), sent as "Authorization: cpanel USER:TOKEN";
//     the recommended way for scripts;
//   - the account password over HTTP Basic (WithBasicAuth);
//   - a login session (Login), which posts the password once to
//     /login/?login_only=1 and then calls /cpsessN/execute/... with the
//     session cookie until Logout.
//
// Call runs any function by name and returns the whole result object;
// CallInto also decodes its data. On top of them, every function uapid
// implements has a typed method, grouped by module: c.Ftp().AddFTP,
// c.Email().ListPops, c.Tokens().CreateFullAccess, c.UserManager().ListUsers
// and so on. Their result types carry cPanel's field names in json tags
// and cPanel's wire types (0/1 integers for flags, strings where cPanel
// sends numbers as text).
//
// A function that fails (status 0) returns an *Error holding cPanel's
// messages; a request the server refuses before running anything (bad
// credentials, suspension, too many failed logins) returns an *HTTPError
// with the HTTP status. Both are found with errors.As.
//
// The package imports only the standard library.
package client
