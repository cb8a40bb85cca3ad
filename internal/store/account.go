package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// CreateAccount inserts a with its domains and sets a.ID and a.CreatedAt.
// The primary domain is a.Domain, or the first of a.Domains when that is
// empty; domains are stored lower-cased. Returns ECONFLICT if the name or a
// domain is taken and EINVALID if there is no domain.
func (db *DB) CreateAccount(ctx context.Context, a *hosting.Account) error {
	return db.write(ctx, func(tx *tx) error { return createAccount(ctx, tx, a) })
}

// FindAccountByName returns ENOTFOUND if no account has that name.
func (db *DB) FindAccountByName(ctx context.Context, name string) (*hosting.Account, error) {
	return read(ctx, db, func(tx *tx) (*hosting.Account, error) {
		return findAccount(ctx, tx, accountFilter{Name: &name},
			notFound(fmt.Sprintf("The account “%s” does not exist.", name)))
	})
}

// FindAccountByDomain returns the account owning domain, or ENOTFOUND.
func (db *DB) FindAccountByDomain(ctx context.Context, domain string) (*hosting.Account, error) {
	return read(ctx, db, func(tx *tx) (*hosting.Account, error) {
		domain = strings.ToLower(domain)
		return findAccount(ctx, tx, accountFilter{Domain: &domain},
			notFound(fmt.Sprintf("No account owns the domain “%s”.", domain)))
	})
}

// FindAccountByID returns ENOTFOUND if no account has that id.
func (db *DB) FindAccountByID(ctx context.Context, id int64) (*hosting.Account, error) {
	return read(ctx, db, func(tx *tx) (*hosting.Account, error) { return findAccountByID(ctx, tx, id) })
}

// ListAccounts returns every account ordered by name.
func (db *DB) ListAccounts(ctx context.Context) ([]*hosting.Account, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.Account, error) { return findAccounts(ctx, tx, accountFilter{}) })
}

// UpdateAccount changes the fields set in upd. Returns ENOTFOUND, or
// EINVALID for a feature name that cannot be stored.
func (db *DB) UpdateAccount(ctx context.Context, id int64, upd hosting.AccountUpdate) error {
	return db.write(ctx, func(tx *tx) error { return updateAccount(ctx, tx, id, upd) })
}

// DeleteAccount removes the account with its domains, tokens, sessions and
// service accounts (the foreign keys cascade). Returns ENOTFOUND.
func (db *DB) DeleteAccount(ctx context.Context, id int64) error {
	return db.write(ctx, func(tx *tx) error {
		n, err := tx.exec(ctx, `DELETE FROM accounts WHERE id = ?`, id)
		if err != nil {
			return convert(err, fmt.Sprintf("delete account %d", id), on{})
		} else if n == 0 {
			return accountNotFound(id)
		}
		return nil
	})
}

// AddDomain gives domain (stored lower-cased) to the account. Returns
// ECONFLICT if any account owns it already, ENOTFOUND if the account does
// not exist.
func (db *DB) AddDomain(ctx context.Context, accountID int64, domain string) error {
	return db.write(ctx, func(tx *tx) error { return insertDomain(ctx, tx, accountID, strings.ToLower(domain), false) })
}

// RemoveDomain takes a secondary domain away, and with it the service
// accounts on that domain. Returns ENOTFOUND if the account does not own it
// and EINVALID for the primary domain.
func (db *DB) RemoveDomain(ctx context.Context, accountID int64, domain string) error {
	return db.write(ctx, func(tx *tx) error { return removeDomain(ctx, tx, accountID, strings.ToLower(domain)) })
}

func accountNotFound(id int64) error { return notFound(accountNotFoundMsg(id)) }

func accountNotFoundMsg(id int64) string {
	return fmt.Sprintf("The account with id %d does not exist.", id)
}

// accountFilter selects accounts; nil fields select all.
type accountFilter struct {
	ID     *int64
	Name   *string
	Domain *string
}

// where returns the condition on the accounts table and its arguments.
func (f accountFilter) where() (string, []any) {
	conds, args := []string{"1 = 1"}, []any{}
	if f.ID != nil {
		conds, args = append(conds, "id = ?"), append(args, *f.ID)
	}
	if f.Name != nil {
		conds, args = append(conds, "name = ?"), append(args, *f.Name)
	}
	if f.Domain != nil {
		conds, args = append(conds, "id IN (SELECT account_id FROM domains WHERE domain = ?)"), append(args, *f.Domain)
	}
	return strings.Join(conds, " AND "), args
}

func findAccountByID(ctx context.Context, tx *tx, id int64) (*hosting.Account, error) {
	return findAccount(ctx, tx, accountFilter{ID: &id}, accountNotFound(id))
}

// findAccount returns the one account f selects, or notFound.
func findAccount(ctx context.Context, tx *tx, f accountFilter, notFound error) (*hosting.Account, error) {
	as, err := findAccounts(ctx, tx, f)
	if err != nil {
		return nil, err
	} else if len(as) == 0 {
		return nil, notFound
	}
	return as[0], nil
}

// findAccounts returns the accounts f selects, ordered by name, each with
// its domains. It reads domains with one more query, not one per account.
func findAccounts(ctx context.Context, tx *tx, f accountFilter) ([]*hosting.Account, error) {
	where, args := f.where()
	rows, err := tx.query(ctx, `SELECT id, name, password_hash, home_dir, quota_mb, features, suspended, created_at
		FROM accounts WHERE `+where, args...)
	if err != nil {
		return nil, convert(err, "find accounts", on{})
	}
	defer rows.Close()
	as := []*hosting.Account{}
	for rows.Next() {
		var a hosting.Account
		var features string
		var created int64
		if err := rows.Scan(&a.ID, &a.Name, &a.PasswordHash, &a.HomeDir, &a.QuotaMB, &features, &a.Suspended, &created); err != nil {
			return nil, convert(err, "scan account", on{})
		}
		a.Features, a.CreatedAt, a.Domains = splitList(features), unixTime(created), []string{}
		as = append(as, &a)
	}
	if err := rows.Err(); err != nil {
		return nil, convert(err, "find accounts", on{})
	}
	// Byte order in Go: PostgreSQL's collation would otherwise differ from SQLite's.
	slices.SortFunc(as, func(a, b *hosting.Account) int { return strings.Compare(a.Name, b.Name) })
	if err := attachDomains(ctx, tx, as, where, args); err != nil {
		return nil, err
	}
	return as, nil
}

// attachDomains fills Domain and Domains (primary first, then by name) of
// the accounts selected by where.
func attachDomains(ctx context.Context, tx *tx, as []*hosting.Account, where string, args []any) error {
	if len(as) == 0 {
		return nil
	}
	byID := make(map[int64]*hosting.Account, len(as))
	for _, a := range as {
		byID[a.ID] = a
	}
	rows, err := tx.query(ctx, `SELECT account_id, domain, is_primary FROM domains
		WHERE account_id IN (SELECT id FROM accounts WHERE `+where+`)`, args...)
	if err != nil {
		return convert(err, "find domains", on{})
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var domain string
		var primary bool
		if err := rows.Scan(&id, &domain, &primary); err != nil {
			return convert(err, "scan domain", on{})
		}
		if a := byID[id]; a != nil && primary {
			a.Domain = domain
		} else if a != nil {
			a.Domains = append(a.Domains, domain)
		}
	}
	if err := rows.Err(); err != nil {
		return convert(err, "find domains", on{})
	}
	for _, a := range as {
		slices.Sort(a.Domains)
		if a.Domain != "" {
			a.Domains = append([]string{a.Domain}, a.Domains...)
		}
	}
	return nil
}

// createAccount inserts the account row, then its domains.
func createAccount(ctx context.Context, tx *tx, a *hosting.Account) error {
	domains, err := accountDomains(a)
	if err != nil {
		return err
	}
	features, err := joinList("feature", a.Features)
	if err != nil {
		return err
	}
	created := now()
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO accounts (name, password_hash, home_dir, quota_mb, features, suspended, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Name, a.PasswordHash, a.HomeDir, a.QuotaMB, features, a.Suspended, created.Unix()).Scan(&id)
	if err != nil {
		return convert(err, fmt.Sprintf("create account %q", a.Name),
			on{Conflict: fmt.Sprintf("The account “%s” already exists.", a.Name)})
	}
	for i, d := range domains {
		if err := insertDomain(ctx, tx, id, d, i == 0); err != nil {
			return err
		}
	}
	a.ID, a.CreatedAt, a.Domain, a.Domains = id, created, domains[0], domains
	return nil
}

// accountDomains returns a's domains lower-cased, without repeats, primary
// first: a.Domain, or a.Domains[0] when a.Domain is empty, then by name.
func accountDomains(a *hosting.Account) ([]string, error) {
	var ds []string
	for _, d := range append([]string{a.Domain}, a.Domains...) {
		if d = strings.ToLower(d); d != "" && !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return nil, hosting.Errorf(hosting.EINVALID, "The account “%s” needs a primary domain.", a.Name)
	}
	slices.Sort(ds[1:]) // the order every find returns
	return ds, nil
}

func insertDomain(ctx context.Context, tx *tx, accountID int64, domain string, primary bool) error {
	_, err := tx.exec(ctx, `INSERT INTO domains (domain, account_id, is_primary) VALUES (?, ?, ?)`,
		domain, accountID, primary)
	return convert(err, fmt.Sprintf("add domain %q to account %d", domain, accountID), on{
		NotFound: accountNotFoundMsg(accountID),
		Conflict: fmt.Sprintf("The domain “%s” already belongs to an account.", domain),
	})
}

func removeDomain(ctx context.Context, tx *tx, accountID int64, domain string) error {
	op := fmt.Sprintf("remove domain %q from account %d", domain, accountID)
	var primary bool
	err := tx.queryRow(ctx, `SELECT is_primary FROM domains WHERE account_id = ? AND domain = ?`,
		accountID, domain).Scan(&primary)
	if err != nil {
		return convert(err, op, on{NotFound: fmt.Sprintf("The account does not own the domain “%s”.", domain)})
	} else if primary {
		return hosting.Errorf(hosting.EINVALID, "The domain “%s” is the primary domain and cannot be removed.", domain)
	}
	_, err = tx.exec(ctx, `DELETE FROM domains WHERE account_id = ? AND domain = ?`, accountID, domain)
	return convert(err, op, on{})
}

// updateAccount builds the SET list from the fields upd names; with none it
// only checks that the account exists.
func updateAccount(ctx context.Context, tx *tx, id int64, upd hosting.AccountUpdate) error {
	var set []string
	var args []any
	if upd.PasswordHash != nil {
		set, args = append(set, "password_hash = ?"), append(args, *upd.PasswordHash)
	}
	if upd.QuotaMB != nil {
		set, args = append(set, "quota_mb = ?"), append(args, *upd.QuotaMB)
	}
	if upd.Features != nil {
		features, err := joinList("feature", upd.Features)
		if err != nil {
			return err
		}
		set, args = append(set, "features = ?"), append(args, features)
	}
	if upd.Suspended != nil {
		set, args = append(set, "suspended = ?"), append(args, *upd.Suspended)
	}
	if len(set) == 0 {
		_, err := findAccountByID(ctx, tx, id)
		return err
	}
	n, err := tx.exec(ctx, `UPDATE accounts SET `+strings.Join(set, ", ")+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		return convert(err, fmt.Sprintf("update account %d", id), on{})
	} else if n == 0 {
		return accountNotFound(id)
	}
	return nil
}

// Interface guards.
var (
	_ hosting.AccountStore         = (*DB)(nil)
	_ hosting.CredentialsVersioner = (*DB)(nil)
)
