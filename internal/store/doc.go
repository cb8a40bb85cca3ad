// Package store keeps uapid's state in SQLite (the embedded default, pure Go
// modernc.org/sqlite in WAL mode) or PostgreSQL (pgx, for several nodes),
// with one schema and one set of queries for both. *DB implements the store
// interfaces of package hosting.
//
// # Conventions
//
//   - Queries use ? placeholders; tx.exec, tx.query and tx.queryRow rebind
//     them to $1, $2, … on PostgreSQL. Write portable SQL: INSERT … RETURNING,
//     COALESCE, CASE; no MAX(a, b), no ILIKE.
//   - Times are Unix seconds in BIGINT and lists are comma-separated TEXT
//     (column.go), so both dialects read back identical values.
//   - Lists are ordered in Go, by byte order, because PostgreSQL's collation
//     would sort differently from SQLite.
//   - Driver errors become domain errors in one place, convert (error.go):
//     each statement says, with an on{NotFound, Conflict} value, which
//     user-safe message a missing row, a dangling foreign key or a taken
//     unique key means; anything else is wrapped as
//     "store: <operation>: <driver error>" and surfaces as EINTERNAL.
//
// # Adding an entity
//
// Put it in its own file named after it (email_account.go, next to
// ftp_account.go). Each exported method implements one method of a hosting
// interface and owns exactly one transaction, through db.write or read:
//
//	return db.write(ctx, func(tx *tx) error { return createThing(ctx, tx, t) })
//	return read(ctx, db, func(tx *tx) (*hosting.Thing, error) { return findThing(ctx, tx, f, msg) })
//
// A method that reads with exactly one statement on a hot path may use
// readOne instead of read: the statement is its own snapshot, without the
// cost of BEGIN and ROLLBACK, and runs to its end once started (its f gets
// a context that is not cancelled). A write to a table whose rows a cache
// keeps (loginCache: ftp_accounts) must go through db.write, which changes
// CredentialsVersion, never writeData, unless it changes no cached column.
//
// The work happens in private helpers that take the *tx (createThing,
// findThings with a thingFilter, updateThing), so methods compose them inside
// one transaction. Errors from helpers are already converted: return them
// unchanged. End the file with an interface guard,
// var _ hosting.ThingStore = (*DB)(nil), and add its tests as thing_test.go
// using forEachDB so they run on both databases.
//
// # Adding a migration
//
// Add migrations/NNNN_name.sql with the next number; never edit one that has
// been released. Each file runs in its own transaction on both databases and
// is recorded in schema_migrations; the file runs as written, so it has no
// placeholders and may hold several statements. Write {{id}} for a self-numbering
// primary key (see substitute in migrate.go for the other dialect words),
// BIGINT for times, BOOLEAN for flags, and reference accounts (id) ON DELETE
// CASCADE so that deleting an account removes everything it owns. A service
// account that lives on a domain (user@domain) references domains
// (account_id, domain) ON DELETE CASCADE, as ftp_accounts does. A binary that
// finds a schema newer than its own migrations refuses to open the database.
package store
