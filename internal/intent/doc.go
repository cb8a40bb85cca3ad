// Package intent makes changes of several steps crash-safe. A change that
// touches more than one row, or rows and files, records a hosting.Intent in
// the same transaction as its first step, makes its remaining steps
// idempotent, and deletes the intent when it is done. An intent left over
// names a change that a crash (kill -9, power loss) or a failure
// interrupted: the Journal hands it to the repair the change's package
// registered for its kind, which completes it or rolls it back, at
// start-up and then periodically, and logs one line per repair.
//
// An intent belongs to the node that made it. A node repairs its own
// intents only when no running change holds them (a change whose undo
// failed), and another node's only once that node is dead: on SQLite,
// which one node uses, any other owner is a process that is gone; on
// PostgreSQL, an owner whose heartbeat stopped (see internal/cluster).
package intent
