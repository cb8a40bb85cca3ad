// Package hosting holds uapid's domain: hosting accounts, their domains, API
// tokens and login sessions, the error type every layer speaks, and the
// service interfaces that adapters implement. It imports only the standard
// library so that every other package can depend on it.
package hosting
