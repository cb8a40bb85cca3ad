// Package auth decides who is calling: HTTP Basic credentials, API tokens
// ("Authorization: cpanel USER:TOKEN") and login sessions (a cookie plus the
// cpsess security token in the URL). Every transport and the web UI use it,
// so the rules (suspension, token expiry, idle timeout, brute-force limiting,
// one generic failure message) live in one place.
package auth
