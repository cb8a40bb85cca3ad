// Package usermanager is the UAPI UserManager module: Subaccounts, the
// unified users of a hosting account that hold one password for their
// email, FTP and Web Disk accounts, and the grouping of those service
// accounts by name that cPanel's User Manager shows (SPEC 3).
//
// Subaccounts and the annotations that link service accounts to them or
// dismiss them are stored (hosting.SubaccountStore); the service accounts
// themselves belong to the Email, Ftp and WebDisk modules, which this
// package drives through small interfaces (EmailService, FTPService,
// WebDiskService) so that creating, re-passwording and deleting a user's
// services validates, touches files and closes live sessions exactly as
// those modules' own functions do.
//
// Every listing reads the account once into a snapshot and groups it in one
// pass with a hash map (group.go); records are built from the groups
// (record.go). Functions about one user read only that name. Invitation
// mail goes through package invite; AcceptInvite serves the page its link
// opens.
package usermanager
