// Package mailauth publishes an installation's mailboxes to Dovecot as
// passwd-file databases: one file per domain, named after the domain, in one
// directory that Dovecot's passdb and userdb read with args = DIR/%d.
//
// Each line is Dovecot's
//
//	user@domain:{SCHEME}hash:uid:gid::home::extra fields
//
// with the mailbox's maildir as home (mail=maildir:~) and its quota as a
// quota_rule. The files are derived from the store and nothing else: every
// change rewrites the whole file of its domain (temporary file, fsync,
// rename, fsync of the directory), so Dovecot never reads a half-written
// file, and PublishAll rebuilds the directory at start-up, which repairs
// whatever a crash or a change made elsewhere left behind. A file is never
// removed, only emptied: Dovecot 2.3 keeps answering from the last contents
// of a passwd-file that disappears.
//
// The directory lives outside every tenant's home on purpose: a tenant can
// write below its home (FTP, Web Disk), and a passwd-file it could edit would
// let it name any uid or home directory.
package mailauth
