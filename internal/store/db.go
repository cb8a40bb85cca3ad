package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialects Open can speak, as (*DB).Dialect reports them.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// sqliteParams configure every SQLite connection. busy_timeout comes first so
// that switching to WAL waits instead of failing; _txlock=immediate makes
// writers take the write lock at BEGIN, so two writers queue on busy_timeout
// instead of one failing with SQLITE_BUSY when it upgrades a read lock.
// Readers use read-only transactions, which stay deferred (see beginRead).
// postgresConns is the most connections one node holds to PostgreSQL.
const postgresConns = 32

// sqliteBusyWait is how long Open waits for a SQLite file another process
// holds locked, as busy_timeout below does for every statement.
const sqliteBusyWait = 10 * time.Second

// sqliteConns is the most connections uapid holds to a SQLite database.
// No store method holds one connection while it asks for another, so a
// bounded pool cannot deadlock.
const sqliteConns = 16

// sqliteCacheKiB bounds each pooled connection's page cache (PRAGMA
// cache_size, SQLite's default is 2000 KiB; the literal in sqliteParams is
// this number). In WAL mode a connection empties its cache whenever another
// one has committed since its last read, and usage and session writes
// commit every second, so a large cache serves few transactions. What it
// does do is leave its high-water mark resident: modernc's libc allocator
// keeps the 64 KiB slabs of freed pages for reuse, so the sum of the 16
// caches' peaks, which rose with the database, stayed in RSS and made it
// climb for minutes (docs/benchmarks.md, "Where the soak's RSS goes").
// 128 KiB (32 pages) holds what one store read touches at the soak's size.
const sqliteCacheKiB = 128

const sqliteParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-128)&_txlock=immediate"

// DB is the store: one *sql.DB for SQLite or PostgreSQL with the schema
// migrated. It implements hosting.AccountStore, hosting.TokenStore,
// hosting.SessionStore and hosting.FTPAccountStore, and is safe for
// concurrent use.
type DB struct {
	sql     *sql.DB
	dialect string
	log     *slog.Logger
	stmts   sync.Map      // query text → *sql.Stmt (SQLite only; pgx caches its own)
	writer  chan struct{} // SQLite's one writer slot; nil on PostgreSQL
	creds   atomic.Uint64 // bumped after each committed write that may change credentials
	logins  *loginCache   // ListFTPLogins' answers while creds stays the same (SQLite)
	// lockConns holds a slot per connection LockAccount holds or waits
	// on (PostgreSQL only).
	lockConns chan struct{}
}

// Open connects to the database named by dsn and migrates its schema. A dsn
// starting with postgres:// or postgresql:// selects PostgreSQL; anything
// else is the path of a SQLite file, optionally prefixed with "sqlite:". Open
// refuses a database whose schema is newer than this binary knows.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db := &DB{log: log, logins: newLoginCache(loginCacheTTL, loginCacheMax)}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db.dialect = DialectPostgres
		db.lockConns = make(chan struct{}, accountLockConns)
		db.sql, err = openPostgres(dsn)
	} else {
		db.dialect = DialectSQLite
		db.writer = make(chan struct{}, 1)
		db.sql, err = openSQLite(strings.TrimPrefix(dsn, "sqlite:"))
	}
	if err != nil {
		return nil, err
	}
	if err := db.pingOpen(ctx); err != nil {
		db.sql.Close()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.sql.Close()
		return nil, err
	}
	return db, nil
}

// openPostgres parses dsn first so a typo fails here with pgx's message;
// the dsn itself never appears in an error because it may hold a password.
func openPostgres(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: parse postgres dsn: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	// Bounded so that a burst of requests on many nodes cannot take the
	// server's max_connections (100 by default) from the others; LISTEN
	// holds one connection per channel for good.
	db.SetMaxOpenConns(postgresConns)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

func openSQLite(path string) (*sql.DB, error) {
	if path == "" {
		return nil, fmt.Errorf("store: empty sqlite path")
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	} else if err := createPrivate(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", path+sep+sqliteParams)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %q: %w", path, err)
	}
	// Every new connection runs the pragmas above and parses the schema,
	// which cost more than a whole list_ftp call when 50 API clients made
	// the pool open and close connections all the time. SQLite runs one
	// writer at a time and readers gain nothing from more connections than
	// there are cores to run them, so the pool is small, bounded and kept
	// open: a burst waits for a connection instead of opening one.
	db.SetMaxOpenConns(sqliteConns)
	db.SetMaxIdleConns(sqliteConns)
	return db, nil
}

// createPrivate creates the database file readable by its owner only, as it
// holds password hashes; SQLite gives the -wal and -shm files the same mode.
// An existing file keeps its mode.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: open sqlite %q: %w", path, err)
	}
	return f.Close()
}

// Close closes every connection.
func (db *DB) Close() error {
	db.stmts.Range(func(_, st any) bool {
		_ = st.(*sql.Stmt).Close()
		return true
	})
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Dialect returns DialectSQLite or DialectPostgres.
func (db *DB) Dialect() string { return db.dialect }

// SQL returns the underlying *sql.DB, for tests and maintenance commands.
// Its queries take the dialect's own placeholders.
func (db *DB) SQL() *sql.DB { return db.sql }

// Ping checks that the database answers, for /healthz.
// pingOpen is Open's first Ping. A new SQLite connection switches the file
// to WAL, which takes a lock that SQLite's busy handler does not wait for:
// while another process (a node starting, or migrating) holds it, the
// connection fails at once with SQLITE_BUSY. pingOpen tries again for up to
// the busy timeout before it gives up.
func (db *DB) pingOpen(ctx context.Context) error {
	deadline := time.Now().Add(sqliteBusyWait)
	for pause := 10 * time.Millisecond; ; pause = min(2*pause, 500*time.Millisecond) {
		err := db.Ping(ctx)
		if code, ok := sqliteCode(err); !ok || code&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", db.dialect, err)
	}
	return nil
}

// CredentialsVersion implements hosting.CredentialsVersioner: the number
// changes after every committed write but those that change no account,
// domain, package or token (usage counts, web sessions, login failure
// counts: writeData). It is trusted (ok) only on SQLite, where this process
// makes every change (operator commands go through its admin socket); on
// PostgreSQL another node may change them.
func (db *DB) CredentialsVersion() (uint64, bool) {
	return db.creds.Load(), db.dialect == DialectSQLite
}

// tx is the transaction a public method owns. Its queries are written with
// ? placeholders and rebound for the dialect.
type tx struct {
	tx      *sql.Tx // nil in readOne: statements go to the pool
	dialect string
	db      *DB
	release func() // gives back the SQLite writer slot; nil when none is held
	write   bool   // begun by beginWrite
	data    bool   // a write that changes no credentials (see writeData)
}

// beginWrite starts a transaction that may write. On SQLite it takes the
// write lock at once (_txlock=immediate), after the writer slot: SQLite
// runs one writer at a time anyway, and writers queued inside the pool
// would hold its connections for up to the busy timeout each, starving
// the readers (a login's lookups) of connections they could use at once.
func (db *DB) beginWrite(ctx context.Context) (*tx, error) {
	release := func() {}
	if db.writer != nil {
		select {
		case db.writer <- struct{}{}:
			release = sync.OnceFunc(func() { <-db.writer })
		case <-ctx.Done():
			return nil, fmt.Errorf("store: begin: %w", ctx.Err())
		}
	}
	t, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		release()
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	return &tx{tx: t, dialect: db.dialect, db: db, release: release, write: true}, nil
}

// beginRead starts a read-only transaction: deferred on SQLite, so readers
// never wait for writers under WAL, and READ ONLY on PostgreSQL.
func (db *DB) beginRead(ctx context.Context) (*tx, error) {
	t, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	return &tx{tx: t, dialect: db.dialect, db: db}, nil
}

// write runs f in one write transaction and commits it if f succeeds: the
// shape of every public method that changes something. Its commit changes
// CredentialsVersion, so cached credential checks are made again.
func (db *DB) write(ctx context.Context, f func(*tx) error) error {
	t, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer t.rollback()
	if err := f(t); err != nil {
		return err
	}
	return t.commit()
}

// writeData is write for a change that touches no account, domain,
// package or API token (usage counts, web sessions, login failure counts):
// it keeps CredentialsVersion, so frequent writes such as an upload's usage
// do not throw away every cached credential check. When in doubt, use write.
func (db *DB) writeData(ctx context.Context, f func(*tx) error) error {
	t, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	t.data = true
	defer t.rollback()
	if err := f(t); err != nil {
		return err
	}
	return t.commit()
}

// read runs f in one read-only transaction: the shape of every public
// method that only reads.
func read[T any](ctx context.Context, db *DB, f func(*tx) (T, error)) (T, error) {
	t, err := db.beginRead(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	defer t.rollback()
	return f(t)
}

// readOne runs f, which reads with exactly one statement, without an
// explicit transaction: one statement reads one consistent snapshot on
// both databases by itself, and on SQLite the BEGIN and ROLLBACK around it
// cost as much as a short query (a profile of list_ftp under 50 API
// clients: a fifth of the call). Statements go to the pool directly.
//
// A context that is already done fails at once, but one that ends during
// the statement does not stop it: with a cancellable context, database/sql
// and the SQLite driver each start a goroutine per query to watch it (a
// tenth of a 5-row read's CPU and 10 of its allocations), while one indexed
// read of one account's rows ends in a millisecond anyway, and WAL readers
// do not wait for locks.
func readOne[T any](ctx context.Context, db *DB, f func(context.Context, *tx) (T, error)) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, fmt.Errorf("store: %w", err)
	}
	return f(context.WithoutCancel(ctx), &tx{dialect: db.dialect, db: db})
}

// commit commits; public methods return its error as their own. A write
// that may change credentials bumps CredentialsVersion after the commit
// and before the method returns, so a check that starts after a revocation
// returned cannot use a verdict cached before it. A failed commit bumps it
// too: whether it took effect is unknown.
func (t *tx) commit() error {
	err := t.tx.Commit()
	if t.write && !t.data {
		t.db.creds.Add(1)
	}
	t.done()
	if err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// rollback is deferred by every public method; after a commit it is a no-op.
func (t *tx) rollback() {
	_ = t.tx.Rollback()
	t.done()
}

// done gives back the writer slot, if the transaction holds one.
func (t *tx) done() {
	if t.release != nil {
		t.release()
	}
}

// exec runs a statement and returns the number of rows it affected.
func (t *tx) exec(ctx context.Context, query string, args ...any) (int64, error) {
	var res sql.Result
	var err error
	if st := t.stmt(ctx, query); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else if t.tx == nil {
		res, err = t.db.sql.ExecContext(ctx, rebind(t.dialect, query), args...)
	} else {
		res, err = t.tx.ExecContext(ctx, rebind(t.dialect, query), args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	if t.tx == nil {
		return t.db.sql.QueryContext(ctx, rebind(t.dialect, query), args...)
	}
	return t.tx.QueryContext(ctx, rebind(t.dialect, query), args...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	if t.tx == nil {
		return t.db.sql.QueryRowContext(ctx, rebind(t.dialect, query), args...)
	}
	return t.tx.QueryRowContext(ctx, rebind(t.dialect, query), args...)
}

// stmt returns the transaction's handle on a prepared statement for query,
// preparing it once per DB. Parsing SQL was a fifth of the CPU time of a
// UAPI call on SQLite; database/sql keeps the statement prepared on each
// connection it is used on. It returns nil on PostgreSQL, where pgx caches
// prepared statements itself, and when preparing fails (the plain query then
// reports the error).
func (t *tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if t.dialect != DialectSQLite {
		return nil
	}
	if st, ok := t.db.stmts.Load(query); ok {
		return t.bind(ctx, st.(*sql.Stmt))
	}
	st, err := t.db.sql.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if prev, loaded := t.db.stmts.LoadOrStore(query, st); loaded {
		_ = st.Close()
		st = prev.(*sql.Stmt)
	}
	return t.bind(ctx, st)
}

// bind returns the transaction's handle on st, or st itself outside a
// transaction (readOne).
func (t *tx) bind(ctx context.Context, st *sql.Stmt) *sql.Stmt {
	if t.tx == nil {
		return st
	}
	return t.tx.StmtContext(ctx, st)
}

// rebind turns the ? placeholders of query into PostgreSQL's $1, $2, …;
// question marks inside '…' literals are left alone.
func rebind(dialect, query string) string {
	if dialect != DialectPostgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n, quoted := 0, false
	for _, r := range query {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == '?' && !quoted:
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
