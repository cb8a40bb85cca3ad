package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// CreateWebDiskAccount inserts w and sets w.ID and w.CreatedAt; User and
// Domain are stored lower-cased. Returns ECONFLICT if user@domain exists,
// ENOTFOUND if the account does not own the domain and EINVALID for perms
// other than ro or rw.
func (db *DB) CreateWebDiskAccount(ctx context.Context, w *hosting.WebDiskAccount) error {
	return db.write(ctx, func(tx *tx) error { return createWebDiskAccount(ctx, tx, w) })
}

// FindWebDiskAccount returns the account's Web Disk login user@domain or
// ENOTFOUND.
func (db *DB) FindWebDiskAccount(ctx context.Context, accountID int64, user, domain string) (*hosting.WebDiskAccount, error) {
	return read(ctx, db, func(tx *tx) (*hosting.WebDiskAccount, error) {
		return findWebDiskAccount(ctx, tx, webDiskFilter{AccountID: &accountID, User: &user, Domain: &domain},
			webDiskLoginNotFound(user, domain))
	})
}

// FindWebDiskAccountByLogin finds user@domain whatever account owns it (for
// the Web Disk server's login), or ENOTFOUND.
func (db *DB) FindWebDiskAccountByLogin(ctx context.Context, user, domain string) (*hosting.WebDiskAccount, error) {
	return read(ctx, db, func(tx *tx) (*hosting.WebDiskAccount, error) {
		return findWebDiskAccount(ctx, tx, webDiskFilter{User: &user, Domain: &domain}, webDiskLoginNotFound(user, domain))
	})
}

// ListWebDiskAccounts returns the account's Web Disk logins ordered by login.
func (db *DB) ListWebDiskAccounts(ctx context.Context, accountID int64) ([]*hosting.WebDiskAccount, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.WebDiskAccount, error) {
		return findWebDiskAccounts(ctx, tx, webDiskFilter{AccountID: &accountID})
	})
}

// UpdateWebDiskAccount changes the fields set in upd. Returns ENOTFOUND, and
// EINVALID for perms other than ro or rw.
func (db *DB) UpdateWebDiskAccount(ctx context.Context, id int64, upd hosting.WebDiskAccountUpdate) error {
	return db.write(ctx, func(tx *tx) error { return updateWebDiskAccount(ctx, tx, id, upd) })
}

// DeleteWebDiskAccount removes a Web Disk account. Returns ENOTFOUND.
func (db *DB) DeleteWebDiskAccount(ctx context.Context, id int64) error {
	return db.write(ctx, func(tx *tx) error {
		n, err := tx.exec(ctx, `DELETE FROM webdisk_accounts WHERE id = ?`, id)
		if err != nil {
			return convert(err, fmt.Sprintf("delete webdisk account %d", id), on{})
		} else if n == 0 {
			return webDiskNotFoundByID(id)
		}
		return nil
	})
}

func webDiskNotFoundByID(id int64) error {
	return notFound(fmt.Sprintf("The Web Disk account with id %d does not exist.", id))
}

func webDiskLoginNotFound(user, domain string) error {
	return notFound(fmt.Sprintf("The Web Disk account “%s@%s” does not exist.", strings.ToLower(user), strings.ToLower(domain)))
}

// checkPerms refuses perms the table's CHECK constraint would, with a
// message instead of a driver error.
func checkPerms(perms string) error {
	if !hosting.ValidWebDiskPerms(perms) {
		return hosting.Errorf(hosting.EINVALID, "The Web Disk permissions “%s” are invalid: use ro or rw.", perms)
	}
	return nil
}

// webDiskFilter selects Web Disk accounts; nil fields select all.
type webDiskFilter = loginFilter

func createWebDiskAccount(ctx context.Context, tx *tx, w *hosting.WebDiskAccount) error {
	if err := checkPerms(w.Perms); err != nil {
		return err
	}
	user, domain, created := strings.ToLower(w.User), strings.ToLower(w.Domain), now()
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO webdisk_accounts
		(account_id, username, domain, password_hash, digest_ha1, home_dir, perms, private, enable_digest, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		w.AccountID, user, domain, w.PasswordHash, w.DigestHA1, w.HomeDir, w.Perms, w.Private, w.EnableDigest,
		created.Unix()).Scan(&id)
	if err != nil {
		return convert(err, fmt.Sprintf("create webdisk account %q", user+"@"+domain), on{
			// The foreign key is (account_id, domain): either is missing.
			NotFound: fmt.Sprintf("The account does not own the domain “%s”.", domain),
			Conflict: fmt.Sprintf("The Web Disk account “%s@%s” already exists.", user, domain),
		})
	}
	w.ID, w.User, w.Domain, w.CreatedAt = id, user, domain, created
	return nil
}

// findWebDiskAccount returns the one Web Disk account f selects, or
// notFound.
func findWebDiskAccount(ctx context.Context, tx *tx, f webDiskFilter, notFound error) (*hosting.WebDiskAccount, error) {
	ws, err := findWebDiskAccounts(ctx, tx, f)
	if err != nil {
		return nil, err
	} else if len(ws) == 0 {
		return nil, notFound
	}
	return ws[0], nil
}

// findWebDiskAccounts returns the Web Disk accounts f selects ordered by
// login.
func findWebDiskAccounts(ctx context.Context, tx *tx, f webDiskFilter) ([]*hosting.WebDiskAccount, error) {
	where, args := f.where()
	rows, err := tx.query(ctx, `SELECT id, account_id, username, domain, password_hash, digest_ha1, home_dir,
		perms, private, enable_digest, created_at FROM webdisk_accounts WHERE `+where, args...)
	if err != nil {
		return nil, convert(err, "find webdisk accounts", on{})
	}
	defer rows.Close()
	ws := []*hosting.WebDiskAccount{}
	for rows.Next() {
		var w hosting.WebDiskAccount
		var created int64
		if err := rows.Scan(&w.ID, &w.AccountID, &w.User, &w.Domain, &w.PasswordHash, &w.DigestHA1, &w.HomeDir,
			&w.Perms, &w.Private, &w.EnableDigest, &created); err != nil {
			return nil, convert(err, "scan webdisk account", on{})
		}
		w.CreatedAt = unixTime(created)
		ws = append(ws, &w)
	}
	if err := rows.Err(); err != nil {
		return nil, convert(err, "find webdisk accounts", on{})
	}
	// By login string in Go, as for FTP accounts: neither column order nor
	// PostgreSQL's collation gives "user@domain" byte order.
	sortByKey(ws, (*hosting.WebDiskAccount).Login)
	return ws, nil
}

// updateWebDiskAccount builds the SET list from the fields upd names; with
// none it only checks that the Web Disk account exists.
func updateWebDiskAccount(ctx context.Context, tx *tx, id int64, upd hosting.WebDiskAccountUpdate) error {
	var set []string
	var args []any
	add := func(col string, v any) { set, args = append(set, col+" = ?"), append(args, v) }
	if upd.PasswordHash != nil {
		add("password_hash", *upd.PasswordHash)
	}
	if upd.DigestHA1 != nil {
		add("digest_ha1", *upd.DigestHA1)
	}
	if upd.EnableDigest != nil {
		add("enable_digest", *upd.EnableDigest)
	}
	if upd.HomeDir != nil {
		add("home_dir", *upd.HomeDir)
	}
	if upd.Perms != nil {
		if err := checkPerms(*upd.Perms); err != nil {
			return err
		}
		add("perms", *upd.Perms)
	}
	if upd.Private != nil {
		add("private", *upd.Private)
	}
	if len(set) == 0 {
		_, err := findWebDiskAccount(ctx, tx, webDiskFilter{ID: &id}, webDiskNotFoundByID(id))
		return err
	}
	n, err := tx.exec(ctx, `UPDATE webdisk_accounts SET `+strings.Join(set, ", ")+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		return convert(err, fmt.Sprintf("update webdisk account %d", id), on{})
	} else if n == 0 {
		return webDiskNotFoundByID(id)
	}
	return nil
}

// Interface guard.
var _ hosting.WebDiskAccountStore = (*DB)(nil)
