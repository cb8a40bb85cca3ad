// Package usage keeps the disk usage of hosting accounts and their FTP
// logins as files change, so that no API call walks a tree.
//
// Every change that internal/vfs makes (a write, an append, a truncation, a
// removal, a rename over a file) reaches a Counter that the Keeper hands to
// each FTP or Web Disk session: bytes are reserved in the store a chunk
// (vfs.ReserveChunk) at a time before they are written, within the FTP
// login's quota read in the same transaction, and what was reserved and not
// written is returned when the file closes. Several nodes on one PostgreSQL
// database therefore share one count and one quota.
//
// Each change is marked in the store (usage_marks) before it touches a file
// and unmarked once its usage is counted. A process killed in between
// leaves the mark behind; Repair, at start and then periodically, rescans
// the accounts with marks of processes that are no longer live. The marks
// and reservations of one login's changes on a node are batched in a lease
// (lease.go): one mark for a run of changes, and reserved bytes kept for
// the next files until the login is idle, so that a small upload writes
// nothing to the store.
//
// With several nodes, a rescan stores its counts only at a point where no
// other live node holds a mark on the account and none was taken since
// its walk began (the store checks the account's mark generation in the
// same transaction), and a lease's writes are fenced by its mark's epoch:
// once another node, taking this one for dead, has reclaimed the mark,
// the lease drops its pool, marks anew and recounts the account (see
// docs/cluster.md, "Rescans and fencing").
//
// A rescan is the one walk left: it sums an account's home once, bounded in
// depth and entries, stops when its context ends, runs once at a time per
// account (a second request joins the first) and logs its progress.
package usage
