// Package web is uapid's web interface for hosting-account owners: server-
// rendered html/template pages under the cPanel session prefix
// /cpsessNNNNNNNNNN/ (API Tokens, FTP Accounts, FTP Connections, Email
// Accounts, Web Disk, User Manager), the login form at / and /login/, and
// the page at /invitation where a user invited by UserManager chooses a
// password (Config.Invites).
//
// Pages hold no data of their own. Each template asks the engine for what it
// shows with the execute template function, the counterpart of cPanel's
// Template Toolkit execute():
//
//	{{ $r := execute "Ftp" "list_ftp_with_disk" (args "include_acct_types" "sub") }}
//
// runs Ftp::list_ftp_with_disk for the session's account and returns the
// result object with its data as generic maps and slices. While a page
// renders, execute only runs functions that read (see readOnly): a page view
// is a GET and must not change anything.
//
// Changes are actions: POST forms whose URL carries the session's security
// token (the CSRF guard). One generic handler (action.go) passes the
// declared form fields to one function through the same engine, then
// redirects back to the page with a message (post/redirect/get), or renders
// the page again with the function's errors next to the form that failed.
// Each page and each action is declared in a file of its own.
//
// The package never sets cookies: the HTTP API's /login/ and /logout/ own
// the session cookie, and the web UI only resolves it through auth.
package web
