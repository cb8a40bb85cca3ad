// Package svcacct holds what the FTP, Web Disk and email services share
// about the directories of their service accounts (the user@domain logins
// of a hosting account):
//
//   - a login's directory is made before its row is committed, with an
//     intent stored first, and undone if the commit fails (WithNewDir);
//   - a deletion with destroy removes the directory after the row is gone,
//     with an intent stored with the row's deletion (BeginDestroy);
//   - the crash repairs of both intents (internal/intent): a new directory
//     no login uses is removed, a destroy is completed;
//   - the one rule for removing a directory: never while a service
//     account's directory lies in it, and never outside the home.
//
// Each service describes itself in a Config: its intent kinds and log
// name, whose logins share the home, what else to do around a change
// (email holds a lock and publishes the domain).
package svcacct
