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
//     account's directory lies in it, and never outside the home; and a
//     directory a change made (rolled back, or repaired late) only as far
//     as it holds nothing but directories;
//   - one lock per hosting account (Locks), shared by the three services
//     and UserManager, held around every check of that rule and the act
//     that follows; on PostgreSQL it holds across nodes (Shared, over the
//     store's advisory lock), and a wait for it is bounded.
//
// Each service describes itself in a Config: its intent kinds and log
// name, whose logins share the home, the shared Locks, what else to do
// after a repair (email publishes the domain).
package svcacct
