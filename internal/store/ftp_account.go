package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// CreateFTPAccount inserts f and sets f.ID and f.CreatedAt; User and Domain
// are stored lower-cased. Returns ECONFLICT if user@domain exists and
// ENOTFOUND if the account does not own the domain.
func (db *DB) CreateFTPAccount(ctx context.Context, f *hosting.FTPAccount) error {
	return db.write(ctx, func(tx *tx) error { return createFTPAccount(ctx, tx, f) })
}

// FindFTPAccount returns the account's FTP login user@domain or ENOTFOUND.
func (db *DB) FindFTPAccount(ctx context.Context, accountID int64, user, domain string) (*hosting.FTPAccount, error) {
	return read(ctx, db, func(tx *tx) (*hosting.FTPAccount, error) {
		return findFTPAccount(ctx, tx, ftpFilter{AccountID: &accountID, User: &user, Domain: &domain}, ftpLoginNotFound(user, domain))
	})
}

// FindFTPAccountByLogin finds user@domain whatever account owns it (for
// the FTP server's login), or ENOTFOUND.
func (db *DB) FindFTPAccountByLogin(ctx context.Context, user, domain string) (*hosting.FTPAccount, error) {
	return read(ctx, db, func(tx *tx) (*hosting.FTPAccount, error) {
		return findFTPAccount(ctx, tx, ftpFilter{User: &user, Domain: &domain}, ftpLoginNotFound(user, domain))
	})
}

// ListFTPAccounts returns the account's FTP logins ordered by login.
func (db *DB) ListFTPAccounts(ctx context.Context, accountID int64) ([]*hosting.FTPAccount, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.FTPAccount, error) {
		return findFTPAccounts(ctx, tx, ftpFilter{AccountID: &accountID})
	})
}

// ListFTPLogins returns the account's FTP logins, without hashes, counts
// and times, ordered by login. Every list_ftp call reads them, so on SQLite
// the answer is cached while no credentials write happens (loginCache).
func (db *DB) ListFTPLogins(ctx context.Context, accountID int64) ([]hosting.FTPLogin, error) {
	version, trusted := db.CredentialsVersion()
	if !trusted {
		return listFTPLogins(ctx, db, accountID)
	}
	if fs, ok := db.logins.Get(accountID, version, time.Now()); ok {
		return slices.Clone(fs), nil
	}
	fs, err := listFTPLogins(ctx, db, accountID)
	if err == nil {
		current, _ := db.CredentialsVersion()
		db.logins.Put(accountID, slices.Clone(fs), version, current, time.Now())
	}
	return fs, err
}

// listFTPLogins reads ListFTPLogins' answer. Each column of each row costs
// a call into SQLite, so it reads only the five columns it needs.
func listFTPLogins(ctx context.Context, db *DB, accountID int64) ([]hosting.FTPLogin, error) {
	return readOne(ctx, db, func(ctx context.Context, tx *tx) ([]hosting.FTPLogin, error) {
		rows, err := tx.query(ctx, `SELECT id, username, domain, home_dir, quota_mb
			FROM ftp_accounts WHERE account_id = ?`, accountID)
		if err != nil {
			return nil, convert(err, "list ftp logins", on{})
		}
		defer rows.Close()
		fs := []hosting.FTPLogin{}
		for rows.Next() {
			// Scanned in place: a separate row variable escapes (Scan takes
			// pointers): one more allocation per login on every read (PostgreSQL,
			// or SQLite when the cache misses).
			fs = append(fs, hosting.FTPLogin{})
			f := &fs[len(fs)-1]
			if err := rows.Scan(&f.ID, &f.User, &f.Domain, &f.HomeDir, &f.QuotaMB); err != nil {
				return nil, convert(err, "scan ftp login", on{})
			}
		}
		if err := rows.Err(); err != nil {
			return nil, convert(err, "list ftp logins", on{})
		}
		slices.SortFunc(fs, func(a, b hosting.FTPLogin) int { return compareLogins(a.User, a.Domain, b.User, b.Domain) })
		return fs, nil
	})
}

// UpdateFTPAccount changes the fields set in upd. Returns ENOTFOUND.
func (db *DB) UpdateFTPAccount(ctx context.Context, id int64, upd hosting.FTPAccountUpdate) error {
	return db.write(ctx, func(tx *tx) error { return updateFTPAccount(ctx, tx, id, upd) })
}

// AddFTPUsage adds delta (may be negative; the total never goes below
// zero) to the bytes used. Returns ENOTFOUND.
func (db *DB) AddFTPUsage(ctx context.Context, id int64, delta int64) error {
	return db.writeData(ctx, func(tx *tx) error {
		// One statement, so concurrent transfers add up instead of overwriting.
		n, err := tx.exec(ctx, `UPDATE ftp_accounts
			SET used_bytes = CASE WHEN used_bytes + ? < 0 THEN 0 ELSE used_bytes + ? END WHERE id = ?`,
			delta, delta, id)
		if err != nil {
			return convert(err, fmt.Sprintf("add usage to ftp account %d", id), on{})
		} else if n == 0 {
			return ftpNotFoundByID(id)
		}
		return nil
	})
}

// DeleteFTPAccount removes an FTP account. Returns ENOTFOUND.
func (db *DB) DeleteFTPAccount(ctx context.Context, id int64) error {
	return db.write(ctx, func(tx *tx) error {
		n, err := tx.exec(ctx, `DELETE FROM ftp_accounts WHERE id = ?`, id)
		if err != nil {
			return convert(err, fmt.Sprintf("delete ftp account %d", id), on{})
		} else if n == 0 {
			return ftpNotFoundByID(id)
		}
		return nil
	})
}

func ftpNotFoundByID(id int64) error {
	return notFound(fmt.Sprintf("The FTP account with id %d does not exist.", id))
}

func ftpLoginNotFound(user, domain string) error {
	return notFound(fmt.Sprintf("The FTP account “%s@%s” does not exist.", strings.ToLower(user), strings.ToLower(domain)))
}

// ftpFilter selects FTP accounts; nil fields select all.
type ftpFilter = loginFilter

func createFTPAccount(ctx context.Context, tx *tx, f *hosting.FTPAccount) error {
	user, domain, created := strings.ToLower(f.User), strings.ToLower(f.Domain), now()
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO ftp_accounts
		(account_id, username, domain, password_hash, home_dir, quota_mb, used_bytes, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.AccountID, user, domain, f.PasswordHash, f.HomeDir, f.QuotaMB, f.UsedBytes, created.Unix()).Scan(&id)
	if err != nil {
		return convert(err, fmt.Sprintf("create ftp account %q", user+"@"+domain), on{
			// The foreign key is (account_id, domain): either is missing.
			NotFound: fmt.Sprintf("The account does not own the domain “%s”.", domain),
			Conflict: fmt.Sprintf("The FTP account “%s@%s” already exists.", user, domain),
		})
	}
	f.ID, f.User, f.Domain, f.CreatedAt = id, user, domain, created
	return nil
}

func findFTPAccountByID(ctx context.Context, tx *tx, id int64) (*hosting.FTPAccount, error) {
	return findFTPAccount(ctx, tx, ftpFilter{ID: &id}, ftpNotFoundByID(id))
}

// findFTPAccount returns the one FTP account f selects, or notFound.
func findFTPAccount(ctx context.Context, tx *tx, f ftpFilter, notFound error) (*hosting.FTPAccount, error) {
	fs, err := findFTPAccounts(ctx, tx, f)
	if err != nil {
		return nil, err
	} else if len(fs) == 0 {
		return nil, notFound
	}
	return fs[0], nil
}

// findFTPAccounts returns the FTP accounts f selects ordered by login.
func findFTPAccounts(ctx context.Context, tx *tx, f ftpFilter) ([]*hosting.FTPAccount, error) {
	where, args := f.where()
	rows, err := tx.query(ctx, `SELECT id, account_id, username, domain, password_hash, home_dir, quota_mb, used_bytes, created_at
		FROM ftp_accounts WHERE `+where, args...)
	if err != nil {
		return nil, convert(err, "find ftp accounts", on{})
	}
	defer rows.Close()
	fs := []*hosting.FTPAccount{}
	for rows.Next() {
		var a hosting.FTPAccount
		var created int64
		if err := rows.Scan(&a.ID, &a.AccountID, &a.User, &a.Domain, &a.PasswordHash, &a.HomeDir,
			&a.QuotaMB, &a.UsedBytes, &created); err != nil {
			return nil, convert(err, "scan ftp account", on{})
		}
		a.CreatedAt = unixTime(created)
		fs = append(fs, &a)
	}
	if err := rows.Err(); err != nil {
		return nil, convert(err, "find ftp accounts", on{})
	}
	// By login string in Go: neither (username, domain) order nor
	// PostgreSQL's collation gives "user@domain" byte order.
	sortByKey(fs, (*hosting.FTPAccount).Login)
	return fs, nil
}

// updateFTPAccount builds the SET list from the fields upd names; with none
// it only checks that the FTP account exists.
func updateFTPAccount(ctx context.Context, tx *tx, id int64, upd hosting.FTPAccountUpdate) error {
	var set []string
	var args []any
	if upd.PasswordHash != nil {
		set, args = append(set, "password_hash = ?"), append(args, *upd.PasswordHash)
	}
	if upd.HomeDir != nil {
		set, args = append(set, "home_dir = ?"), append(args, *upd.HomeDir)
	}
	if upd.QuotaMB != nil {
		set, args = append(set, "quota_mb = ?"), append(args, *upd.QuotaMB)
	}
	if upd.UsedBytes != nil {
		set, args = append(set, "used_bytes = ?"), append(args, max(*upd.UsedBytes, 0))
	}
	if len(set) == 0 {
		_, err := findFTPAccountByID(ctx, tx, id)
		return err
	}
	n, err := tx.exec(ctx, `UPDATE ftp_accounts SET `+strings.Join(set, ", ")+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		return convert(err, fmt.Sprintf("update ftp account %d", id), on{})
	} else if n == 0 {
		return ftpNotFoundByID(id)
	}
	return nil
}

// Interface guard.
var _ hosting.FTPAccountStore = (*DB)(nil)
