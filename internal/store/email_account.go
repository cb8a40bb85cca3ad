package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// CreateEmailAccount inserts e and sets e.ID and e.CreatedAt; User and
// Domain are stored lower-cased. Returns ECONFLICT if user@domain exists,
// ENOTFOUND if the account does not own the domain and EINVALID for a
// negative quota.
func (db *DB) CreateEmailAccount(ctx context.Context, e *hosting.EmailAccount) error {
	return db.write(ctx, func(tx *tx) error { return createEmailAccount(ctx, tx, e) })
}

// FindEmailAccount returns the account's mailbox user@domain or ENOTFOUND.
func (db *DB) FindEmailAccount(ctx context.Context, accountID int64, user, domain string) (*hosting.EmailAccount, error) {
	return read(ctx, db, func(tx *tx) (*hosting.EmailAccount, error) {
		return findEmailAccount(ctx, tx, emailFilter{AccountID: &accountID, User: &user, Domain: &domain},
			notFound(fmt.Sprintf("The email account “%s@%s” does not exist.", strings.ToLower(user), strings.ToLower(domain))))
	})
}

// ListEmailAccounts returns the account's mailboxes ordered by address.
func (db *DB) ListEmailAccounts(ctx context.Context, accountID int64) ([]*hosting.EmailAccount, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.EmailAccount, error) {
		return findEmailAccounts(ctx, tx, emailFilter{AccountID: &accountID})
	})
}

// ListDomainEmailAccounts returns every mailbox on domain, whatever account
// owns it, ordered by address.
func (db *DB) ListDomainEmailAccounts(ctx context.Context, domain string) ([]*hosting.EmailAccount, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.EmailAccount, error) {
		return findEmailAccounts(ctx, tx, emailFilter{Domain: &domain})
	})
}

// CountEmailAccounts returns how many mailboxes the account has.
func (db *DB) CountEmailAccounts(ctx context.Context, accountID int64) (int, error) {
	return read(ctx, db, func(tx *tx) (int, error) {
		var n int
		err := tx.queryRow(ctx, `SELECT COUNT(*) FROM email_accounts WHERE account_id = ?`, accountID).Scan(&n)
		if err != nil {
			return 0, convert(err, fmt.Sprintf("count email accounts of account %d", accountID), on{})
		}
		return n, nil
	})
}

// UpdateEmailAccount changes the fields set in upd. Returns ENOTFOUND and
// EINVALID for a negative quota.
func (db *DB) UpdateEmailAccount(ctx context.Context, id int64, upd hosting.EmailAccountUpdate) error {
	return db.write(ctx, func(tx *tx) error { return updateEmailAccount(ctx, tx, id, upd) })
}

// DeleteEmailAccount removes a mailbox record. Returns ENOTFOUND.
func (db *DB) DeleteEmailAccount(ctx context.Context, id int64) error {
	return db.write(ctx, func(tx *tx) error {
		n, err := tx.exec(ctx, `DELETE FROM email_accounts WHERE id = ?`, id)
		if err != nil {
			return convert(err, fmt.Sprintf("delete email account %d", id), on{})
		} else if n == 0 {
			return emailNotFoundByID(id)
		}
		return nil
	})
}

func emailNotFoundByID(id int64) error {
	return notFound(fmt.Sprintf("The email account with id %d does not exist.", id))
}

// checkEmailQuota refuses what the column's CHECK would turn into an
// internal error.
func checkEmailQuota(mb int64) error {
	if mb < 0 {
		return hosting.Errorf(hosting.EINVALID, "The quota must not be negative.")
	}
	return nil
}

// emailFilter selects email accounts; nil fields select all.
type emailFilter = loginFilter

func createEmailAccount(ctx context.Context, tx *tx, e *hosting.EmailAccount) error {
	if err := checkEmailQuota(e.QuotaMB); err != nil {
		return err
	}
	user, domain, created := strings.ToLower(e.User), strings.ToLower(e.Domain), now()
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO email_accounts
		(account_id, username, domain, password_hash, quota_mb, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		e.AccountID, user, domain, e.PasswordHash, e.QuotaMB, created.Unix()).Scan(&id)
	if err != nil {
		return convert(err, fmt.Sprintf("create email account %q", user+"@"+domain), on{
			// The foreign key is (account_id, domain): either is missing.
			NotFound: fmt.Sprintf("The account does not own the domain “%s”.", domain),
			Conflict: fmt.Sprintf("The email account “%s@%s” already exists.", user, domain),
		})
	}
	e.ID, e.User, e.Domain, e.CreatedAt = id, user, domain, created
	return nil
}

// findEmailAccount returns the one email account f selects, or notFound.
func findEmailAccount(ctx context.Context, tx *tx, f emailFilter, notFound error) (*hosting.EmailAccount, error) {
	es, err := findEmailAccounts(ctx, tx, f)
	if err != nil {
		return nil, err
	} else if len(es) == 0 {
		return nil, notFound
	}
	return es[0], nil
}

// findEmailAccounts returns the email accounts f selects ordered by address.
func findEmailAccounts(ctx context.Context, tx *tx, f emailFilter) ([]*hosting.EmailAccount, error) {
	where, args := f.where()
	rows, err := tx.query(ctx, `SELECT id, account_id, username, domain, password_hash, quota_mb, created_at
		FROM email_accounts WHERE `+where, args...)
	if err != nil {
		return nil, convert(err, "find email accounts", on{})
	}
	defer rows.Close()
	es := []*hosting.EmailAccount{}
	for rows.Next() {
		var e hosting.EmailAccount
		var created int64
		if err := rows.Scan(&e.ID, &e.AccountID, &e.User, &e.Domain, &e.PasswordHash, &e.QuotaMB, &created); err != nil {
			return nil, convert(err, "scan email account", on{})
		}
		e.CreatedAt = unixTime(created)
		es = append(es, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, convert(err, "find email accounts", on{})
	}
	// By address in Go, for the byte order both dialects would not give.
	sortByKey(es, (*hosting.EmailAccount).Address)
	return es, nil
}

// updateEmailAccount builds the SET list from the fields upd names; with
// none it only checks that the email account exists.
func updateEmailAccount(ctx context.Context, tx *tx, id int64, upd hosting.EmailAccountUpdate) error {
	var set []string
	var args []any
	if upd.PasswordHash != nil {
		set, args = append(set, "password_hash = ?"), append(args, *upd.PasswordHash)
	}
	if upd.QuotaMB != nil {
		if err := checkEmailQuota(*upd.QuotaMB); err != nil {
			return err
		}
		set, args = append(set, "quota_mb = ?"), append(args, *upd.QuotaMB)
	}
	if len(set) == 0 {
		_, err := findEmailAccount(ctx, tx, emailFilter{ID: &id}, emailNotFoundByID(id))
		return err
	}
	n, err := tx.exec(ctx, `UPDATE email_accounts SET `+strings.Join(set, ", ")+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		return convert(err, fmt.Sprintf("update email account %d", id), on{})
	} else if n == 0 {
		return emailNotFoundByID(id)
	}
	return nil
}

// Interface guard.
var _ hosting.EmailAccountStore = (*DB)(nil)
