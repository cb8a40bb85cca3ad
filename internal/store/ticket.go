package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// CreateLoginTicket inserts t. Returns ENOTFOUND if the account does not
// exist.
func (db *DB) CreateLoginTicket(ctx context.Context, t *hosting.LoginTicket) error {
	return db.write(ctx, func(tx *tx) error {
		_, err := tx.exec(ctx, `INSERT INTO login_tickets (hash, account_id, security_token, expires_at) VALUES (?, ?, ?, ?)`,
			t.Hash, t.AccountID, t.SecurityToken, t.ExpiresAt.Unix())
		return convert(err, fmt.Sprintf("create login ticket for account %d", t.AccountID),
			on{NotFound: accountNotFoundMsg(t.AccountID)})
	})
}

// TakeLoginTicket deletes the ticket with that hash and returns it: the
// DELETE … RETURNING is one statement, so two logins racing with one
// ticket cannot both get it. Returns ENOTFOUND if there is none.
func (db *DB) TakeLoginTicket(ctx context.Context, hash string) (*hosting.LoginTicket, error) {
	t := &hosting.LoginTicket{Hash: hash}
	err := db.write(ctx, func(tx *tx) error {
		var expires int64
		err := tx.queryRow(ctx, `DELETE FROM login_tickets WHERE hash = ? RETURNING account_id, security_token, expires_at`,
			hash).Scan(&t.AccountID, &t.SecurityToken, &expires)
		t.ExpiresAt = unixTime(expires)
		return convert(err, "take login ticket", on{NotFound: "The login ticket does not exist."})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteExpiredLoginTickets removes tickets that expired before now.
func (db *DB) DeleteExpiredLoginTickets(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *tx) error {
		var err error
		n, err = tx.exec(ctx, `DELETE FROM login_tickets WHERE expires_at < ?`, now.Unix())
		return convert(err, "delete expired login tickets", on{})
	})
	return int(n), err
}

// Interface guard.
var _ hosting.LoginTicketStore = (*DB)(nil)
