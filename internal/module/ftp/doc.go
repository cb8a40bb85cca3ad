// Package ftp is the UAPI Ftp module: an account's virtual FTP logins
// (user@domain), their passwords, home directories and quotas, the special
// logins every account has (main, NAME_logs, anonymous), anonymous FTP, the
// welcome message, and the live sessions of the embedded FTP server.
//
// The business logic lives in Service so that other modules (UserManager)
// create, re-password and delete FTP logins exactly as Ftp::add_ftp and its
// siblings do; Service.Funcs declares the 20 UAPI functions over it.
//
// The module touches an account's files only through os.Root opened on the
// account's home, so no parameter, symlink or ".." can reach outside it.
package ftp
