package mailauth

import "strings"

// DovecotSnippet returns the Dovecot 2.3 settings that authenticate
// mailboxes against the files in dir and find their maildirs: a passdb and
// a userdb reading DIR/<domain>, with logins lower-cased first because the
// files hold lower-case addresses. docs/email.md shows it for the default
// directory, and the Dovecot test runs a server on exactly this text.
func DovecotSnippet(dir string) string {
	// Dovecot expands %variables in paths; a literal % must be doubled.
	dir = strings.ReplaceAll(dir, "%", "%%")
	return `# uapid mailboxes: one passwd-file per domain, written by uapid.
auth_username_format = %Lu
passdb {
  driver = passwd-file
  args = ` + dir + `/%d
}
userdb {
  driver = passwd-file
  args = ` + dir + `/%d
}
`
}
