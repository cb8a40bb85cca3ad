// Package email is the UAPI Email module's core mailbox ("POP account")
// functions: add_pop, delete_pop, list_pops, list_pops_with_disk,
// passwd_pop, edit_pop_quota, get_pop_quota and count_pops.
//
// uapid does not deliver mail. It owns each mailbox's record, its maildir
// (~/mail/DOMAIN/USER with cur, new and tmp) and its quota, measures the
// maildir's disk usage, and tells the mail server (Dovecot, through a
// Publisher such as mailauth.Publisher) after every committed change.
//
// The business logic lives in Service so that UserManager creates,
// re-passwords, re-quotas and deletes mailboxes exactly as the UAPI
// functions do; Service.Funcs declares the functions over it. Files below
// an account's home are touched only through an os.Root opened on the home,
// so no parameter, symlink or ".." reaches outside it.
package email
