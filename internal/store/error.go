package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uapid/uapid/internal/hosting"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// on names the domain errors one statement can end in: the messages are
// shown to the caller, so they name things the caller named. An empty
// message means the outcome is not expected and is reported as internal.
type on struct {
	NotFound string // no row, or a foreign key pointing at nothing
	Conflict string // a unique key taken
}

// convert turns the error of one statement of operation op into what the
// store returns. It is the only place that looks at driver errors: a missing
// row or a dangling foreign key becomes ENOTFOUND, a unique violation
// ECONFLICT, and anything else is wrapped with op as context.
func convert(err error, op string, m on) error {
	switch {
	case err == nil:
		return nil
	case m.NotFound != "" && (errors.Is(err, sql.ErrNoRows) || isForeignKeyViolation(err)):
		return notFound(m.NotFound)
	case m.Conflict != "" && isUniqueViolation(err):
		return conflict(m.Conflict)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

func notFound(msg string) error { return &hosting.Error{Code: hosting.ENOTFOUND, Message: msg} }
func conflict(msg string) error { return &hosting.Error{Code: hosting.ECONFLICT, Message: msg} }

func isUniqueViolation(err error) bool {
	if code, ok := sqliteCode(err); ok {
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return pgCode(err) == "23505" // unique_violation
}

func isForeignKeyViolation(err error) bool {
	if code, ok := sqliteCode(err); ok {
		return code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return pgCode(err) == "23503" // foreign_key_violation
}

// sqliteCode returns the extended result code of a SQLite error.
func sqliteCode(err error) (int, bool) {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code(), true
	}
	return 0, false
}

// pgCode returns the SQLSTATE of a PostgreSQL error, or "".
func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
