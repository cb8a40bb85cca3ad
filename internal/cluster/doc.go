// Package cluster lets several uapid processes (nodes) that share one
// PostgreSQL database act as one FTP and Web Disk service:
// Ftp::list_sessions on any node shows the account's sessions on every live
// node, Ftp::kill_session on any node closes them wherever they are, and
// Web Disk connections are closed on every node when their login or
// account changes. PostgreSQL is the only source of truth; there is no
// consensus of our own.
//
// # Nodes
//
// A Node registers itself in the nodes table at Start (under Config.Name, or
// a random name), beats a heartbeat every Config.HeartbeatInterval and
// deletes its row at Close. A node is live while its heartbeat is younger
// than Config.DeadAfter; the rows of a node silent for three times that are
// deleted, with its sessions, by whichever node notices first. A node that
// finds its own row gone (it stalled, others took it for dead) registers
// again under its old number and writes its sessions again.
//
// # Sessions and their ids
//
// Every node writes its live sessions to ftp_sessions as the local
// ftpd.Registry reports them through its Observer: logins and logouts at
// once, transfer status changes at most once per Config.StatusDelay per
// account. Lists read the node's own sessions from its registry (always
// current) and the other live nodes' from the database.
//
// The id a session is shown with (pid) is the node's number times 2^32 plus
// the session's ftpserverlib client id, which is unique only within its
// process. It is unique across nodes, stable for the session's life, names
// the node that holds the session, and is never reused: a node gets a new
// number each time it starts. It stays below 2^53 (exact in JavaScript)
// for the first two million node starts.
//
// # Kills
//
// A kill closes matching local sessions directly. For sessions that the
// database shows on other live nodes, it sends NOTIFY uapid_kill with a
// JSON killMessage per node, then waits (at most Config.KillWait) until
// their rows are gone. Every node LISTENs and closes what a message asks of
// it, through its registry's KillFTPSessions for the account the message
// names, so a message reaches only that account's sessions; the sender has
// already scoped the request to the caller's account.
//
// # Web Disk kills
//
// Web Disk connections are not recorded in the database. WebDisk returns
// the kills the WebDisk module and the account service use: they close the
// local Web Disk server's connections (SetWebDisk) at once and broadcast a
// killMessage with Proto "webdisk", no node and the sender in From; every
// other node closes its connections of that account (and login) when the
// notification arrives. Nothing waits for them.
//
// # SQLite
//
// On SQLite there is only ever one node: it registers and beats like any
// other, but lists and kills go straight to the local registry, sessions
// keep their local ids, and nothing is written or notified.
package cluster
