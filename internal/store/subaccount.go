package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// CreateSubaccount inserts s and sets s.ID and s.CreatedAt; User and Domain
// are stored lower-cased. Returns ECONFLICT if the account has a Subaccount
// user@domain or the GUID is taken, and ENOTFOUND if the account does not
// own the domain.
func (db *DB) CreateSubaccount(ctx context.Context, s *hosting.Subaccount) error {
	return db.write(ctx, func(tx *tx) error { return createSubaccount(ctx, tx, s) })
}

// FindSubaccount returns the account's Subaccount user@domain or ENOTFOUND.
func (db *DB) FindSubaccount(ctx context.Context, accountID int64, user, domain string) (*hosting.Subaccount, error) {
	return read(ctx, db, func(tx *tx) (*hosting.Subaccount, error) {
		return findSubaccount(ctx, tx, subFilter{AccountID: &accountID, User: &user, Domain: &domain},
			subNotFound(strings.ToLower(user)+"@"+strings.ToLower(domain)))
	})
}

// FindSubaccountByGUID returns the account's Subaccount with that GUID or
// ENOTFOUND.
func (db *DB) FindSubaccountByGUID(ctx context.Context, accountID int64, guid string) (*hosting.Subaccount, error) {
	return read(ctx, db, func(tx *tx) (*hosting.Subaccount, error) {
		return findSubaccount(ctx, tx, subFilter{AccountID: &accountID, GUID: &guid}, notFound("The user does not exist."))
	})
}

// ListSubaccounts returns the account's Subaccounts ordered by user@domain.
func (db *DB) ListSubaccounts(ctx context.Context, accountID int64) ([]*hosting.Subaccount, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.Subaccount, error) {
		return findSubaccounts(ctx, tx, subFilter{AccountID: &accountID})
	})
}

// UpdateSubaccount changes the fields set in upd. Returns ENOTFOUND.
func (db *DB) UpdateSubaccount(ctx context.Context, id int64, upd hosting.SubaccountUpdate) error {
	return db.write(ctx, func(tx *tx) error { return updateSubaccount(ctx, tx, id, upd) })
}

// DeleteSubaccount removes a Subaccount; the foreign key on owner_guid
// removes the annotations linking service accounts to it. Returns
// ENOTFOUND.
func (db *DB) DeleteSubaccount(ctx context.Context, id int64) error {
	return db.write(ctx, func(tx *tx) error {
		n, err := tx.exec(ctx, `DELETE FROM subaccounts WHERE id = ?`, id)
		if err != nil {
			return convert(err, fmt.Sprintf("delete subaccount %d", id), on{})
		} else if n == 0 {
			return subNotFoundByID(id)
		}
		return nil
	})
}

// AcceptInvite sets the password of the Subaccount whose pending invitation
// hashes to inviteHash and clears the invitation, in one transaction, so
// that an invitation works at most once. Returns ENOTFOUND for an unknown or
// used invitation and EINVALID for one that expired before now.
func (db *DB) AcceptInvite(ctx context.Context, inviteHash string, now time.Time, passwordHash string) (*hosting.Subaccount, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	s, err := findSubaccount(ctx, tx, subFilter{InviteHash: &inviteHash},
		notFound("The invitation is not valid or was already used."))
	if err != nil {
		return nil, err
	}
	if s.InviteExpires == nil || !now.Before(*s.InviteExpires) {
		return nil, hosting.Errorf(hosting.EINVALID, "The invitation has expired. Ask for a new one.")
	}
	// A suspended account is frozen: the invitation stays unused until the
	// account is unsuspended.
	if acct, err := findAccountByID(ctx, tx, s.AccountID); err != nil {
		return nil, err
	} else if acct.Suspended {
		return nil, hosting.Errorf(hosting.EFORBIDDEN, "The account is suspended. Try the invitation again later.")
	}
	synced, clear := true, hosting.SubaccountInvite{}
	upd := hosting.SubaccountUpdate{PasswordHash: &passwordHash, SyncedPassword: &synced, Invite: &clear}
	if err := updateSubaccount(ctx, tx, s.ID, upd); err != nil {
		return nil, err
	}
	s.PasswordHash, s.SyncedPassword, s.InviteHash, s.InviteExpires = passwordHash, true, "", nil
	return s, tx.commit()
}

func subNotFound(fullUsername string) error {
	return notFound(fmt.Sprintf("The user “%s” does not exist.", fullUsername))
}

func subNotFoundByID(id int64) error {
	return notFound(fmt.Sprintf("The Subaccount with id %d does not exist.", id))
}

// subFilter selects Subaccounts; nil fields select all.
type subFilter struct {
	ID         *int64
	AccountID  *int64
	User       *string
	Domain     *string
	GUID       *string
	InviteHash *string
}

func (f subFilter) where() (string, []any) {
	conds, args := []string{"1 = 1"}, []any{}
	add := func(cond string, v any) { conds, args = append(conds, cond), append(args, v) }
	if f.ID != nil {
		add("id = ?", *f.ID)
	}
	if f.AccountID != nil {
		add("account_id = ?", *f.AccountID)
	}
	if f.User != nil {
		add("username = ?", strings.ToLower(*f.User))
	}
	if f.Domain != nil {
		add("domain = ?", strings.ToLower(*f.Domain))
	}
	if f.GUID != nil {
		add("guid = ?", *f.GUID)
	}
	if f.InviteHash != nil {
		add("invite_hash = ?", *f.InviteHash)
	}
	return strings.Join(conds, " AND "), args
}

func createSubaccount(ctx context.Context, tx *tx, s *hosting.Subaccount) error {
	user, domain, created := strings.ToLower(s.User), strings.ToLower(s.Domain), orNow(s.CreatedAt)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO subaccounts
		(account_id, guid, username, domain, real_name, alternate_email, phone_number, avatar_url,
		 password_hash, synced_password, invite_hash, invite_expires, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.AccountID, s.GUID, user, domain, nullString(s.RealName), nullString(s.AlternateEmail),
		nullString(s.PhoneNumber), nullString(s.AvatarURL), s.PasswordHash, s.SyncedPassword,
		nullIfEmpty(s.InviteHash), nullTime(s.InviteExpires), created.Unix()).Scan(&id)
	if err != nil {
		return convert(err, fmt.Sprintf("create subaccount %q", user+"@"+domain), on{
			// The foreign key is (account_id, domain): either is missing.
			NotFound: fmt.Sprintf("The account does not own the domain “%s”.", domain),
			Conflict: fmt.Sprintf("The user “%s@%s” already exists.", user, domain),
		})
	}
	s.ID, s.User, s.Domain, s.CreatedAt = id, user, domain, created
	return nil
}

// findSubaccount returns the one Subaccount f selects, or notFound.
func findSubaccount(ctx context.Context, tx *tx, f subFilter, notFound error) (*hosting.Subaccount, error) {
	ss, err := findSubaccounts(ctx, tx, f)
	if err != nil {
		return nil, err
	} else if len(ss) == 0 {
		return nil, notFound
	}
	return ss[0], nil
}

// findSubaccounts returns the Subaccounts f selects ordered by user@domain.
func findSubaccounts(ctx context.Context, tx *tx, f subFilter) ([]*hosting.Subaccount, error) {
	where, args := f.where()
	rows, err := tx.query(ctx, `SELECT id, account_id, guid, username, domain, real_name, alternate_email,
		phone_number, avatar_url, password_hash, synced_password, invite_hash, invite_expires, created_at
		FROM subaccounts WHERE `+where, args...)
	if err != nil {
		return nil, convert(err, "find subaccounts", on{})
	}
	defer rows.Close()
	ss := []*hosting.Subaccount{}
	for rows.Next() {
		s, err := scanSubaccount(rows)
		if err != nil {
			return nil, err
		}
		ss = append(ss, s)
	}
	if err := rows.Err(); err != nil {
		return nil, convert(err, "find subaccounts", on{})
	}
	// In Go, as for the service accounts: PostgreSQL's collation would not
	// give byte order.
	sortByKey(ss, (*hosting.Subaccount).FullUsername)
	return ss, nil
}

func scanSubaccount(rows *sql.Rows) (*hosting.Subaccount, error) {
	var s hosting.Subaccount
	var realName, altEmail, phone, avatar, invite sql.NullString
	var expires sql.NullInt64
	var created int64
	if err := rows.Scan(&s.ID, &s.AccountID, &s.GUID, &s.User, &s.Domain, &realName, &altEmail, &phone, &avatar,
		&s.PasswordHash, &s.SyncedPassword, &invite, &expires, &created); err != nil {
		return nil, convert(err, "scan subaccount", on{})
	}
	s.RealName, s.AlternateEmail, s.PhoneNumber, s.AvatarURL = stringPtr(realName), stringPtr(altEmail),
		stringPtr(phone), stringPtr(avatar)
	s.InviteHash, s.InviteExpires, s.CreatedAt = invite.String, timePtr(expires), unixTime(created)
	return &s, nil
}

// updateSubaccount builds the SET list from the fields upd names; with none
// it only checks that the Subaccount exists.
func updateSubaccount(ctx context.Context, tx *tx, id int64, upd hosting.SubaccountUpdate) error {
	var set []string
	var args []any
	add := func(col string, v any) { set, args = append(set, col+" = ?"), append(args, v) }
	// A fixed column order keeps the statement text, and so the prepared
	// statement cache, small.
	contacts := []struct {
		col string
		v   *string
	}{{"real_name", upd.RealName}, {"alternate_email", upd.AlternateEmail},
		{"phone_number", upd.PhoneNumber}, {"avatar_url", upd.AvatarURL}}
	for _, c := range contacts {
		if c.v != nil {
			add(c.col, *c.v)
		}
	}
	if upd.PasswordHash != nil {
		add("password_hash", *upd.PasswordHash)
	}
	if upd.SyncedPassword != nil {
		add("synced_password", *upd.SyncedPassword)
	}
	if inv := upd.Invite; inv != nil {
		var expires *time.Time
		if inv.Hash != "" {
			expires = &inv.Expires
		}
		add("invite_hash", nullIfEmpty(inv.Hash))
		add("invite_expires", nullTime(expires))
	}
	if len(set) == 0 {
		_, err := findSubaccount(ctx, tx, subFilter{ID: &id}, subNotFoundByID(id))
		return err
	}
	n, err := tx.exec(ctx, `UPDATE subaccounts SET `+strings.Join(set, ", ")+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		return convert(err, fmt.Sprintf("update subaccount %d", id), on{Conflict: "The invitation could not be stored; try again."})
	} else if n == 0 {
		return subNotFoundByID(id)
	}
	return nil
}

// nullString encodes an optional text column.
func nullString(s *string) sql.NullString {
	if s == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *s, Valid: true}
}

// nullIfEmpty stores "" as NULL, for columns where "none" must not take
// part in a unique index.
func nullIfEmpty(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// stringPtr decodes an optional text column.
func stringPtr(n sql.NullString) *string {
	if !n.Valid {
		return nil
	}
	s := n.String
	return &s
}

// ListServiceAnnotations returns the account's annotations ordered by
// service, then user@domain.
func (db *DB) ListServiceAnnotations(ctx context.Context, accountID int64) ([]*hosting.ServiceAnnotation, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.ServiceAnnotation, error) {
		return findAnnotations(ctx, tx, `account_id = ?`, accountID)
	})
}

// FindServiceAnnotations returns the account's annotations on user@domain,
// ordered by service.
func (db *DB) FindServiceAnnotations(ctx context.Context, accountID int64, user, domain string) ([]*hosting.ServiceAnnotation, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.ServiceAnnotation, error) {
		return findAnnotations(ctx, tx, `account_id = ? AND username = ? AND domain = ?`,
			accountID, strings.ToLower(user), strings.ToLower(domain))
	})
}

// PutServiceAnnotation stores a, replacing the annotation on the same
// service account. Returns ENOTFOUND if the account does not own the domain
// or OwnerGUID names no Subaccount of the account, and EINVALID for an
// unknown service.
func (db *DB) PutServiceAnnotation(ctx context.Context, a *hosting.ServiceAnnotation) error {
	return db.write(ctx, func(tx *tx) error { return putAnnotation(ctx, tx, a) })
}

// MergeServiceAccounts links service accounts to a Subaccount in one
// transaction, so that a crash leaves all of them linked or none: it
// creates s first when s.ID is 0, and otherwise marks its password no
// longer synced (the accounts joining it keep theirs). Each annotation's
// OwnerGUID is set to s.GUID. Returns what CreateSubaccount and
// PutServiceAnnotation return.
func (db *DB) MergeServiceAccounts(ctx context.Context, s *hosting.Subaccount, anns []*hosting.ServiceAnnotation) error {
	return db.write(ctx, func(tx *tx) error {
		if s.ID == 0 {
			if err := createSubaccount(ctx, tx, s); err != nil {
				return err
			}
		} else if s.SyncedPassword {
			off := false
			if err := updateSubaccount(ctx, tx, s.ID, hosting.SubaccountUpdate{SyncedPassword: &off}); err != nil {
				return err
			}
		}
		for _, a := range anns {
			a.OwnerGUID = s.GUID
			if err := putAnnotation(ctx, tx, a); err != nil {
				return err
			}
		}
		return nil
	})
}

func putAnnotation(ctx context.Context, tx *tx, a *hosting.ServiceAnnotation) error {
	if !slices.Contains(hosting.SubaccountServices(), a.Service) {
		return hosting.Errorf(hosting.EINVALID, "Unsupported service type. You must specify email, ftp, or webdisk.")
	}
	if a.OwnerGUID != "" {
		// Checked first so that a foreign-key failure below can only mean
		// the domain, and each gets its own message.
		if _, err := findSubaccount(ctx, tx, subFilter{AccountID: &a.AccountID, GUID: &a.OwnerGUID},
			notFound("The user does not exist.")); err != nil {
			return err
		}
	}
	user, domain := strings.ToLower(a.User), strings.ToLower(a.Domain)
	_, err := tx.exec(ctx, `INSERT INTO subaccount_annotations
		(account_id, service, username, domain, service_id, owner_guid, dismissed) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, service, username, domain) DO UPDATE SET service_id = excluded.service_id,
		owner_guid = excluded.owner_guid, dismissed = excluded.dismissed`,
		a.AccountID, a.Service, user, domain, a.ServiceID, nullIfEmpty(a.OwnerGUID), a.Dismissed)
	if err != nil {
		return convert(err, fmt.Sprintf("put %s annotation %q", a.Service, user+"@"+domain), on{
			NotFound: fmt.Sprintf("The account does not own the domain “%s”.", domain),
		})
	}
	a.User, a.Domain = user, domain
	return nil
}

// DeleteServiceAnnotation removes the annotation on a service account and
// reports whether there was one.
func (db *DB) DeleteServiceAnnotation(ctx context.Context, accountID int64, service, user, domain string) (bool, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, err
	}
	defer tx.rollback()
	n, err := tx.exec(ctx, `DELETE FROM subaccount_annotations
		WHERE account_id = ? AND service = ? AND username = ? AND domain = ?`,
		accountID, service, strings.ToLower(user), strings.ToLower(domain))
	if err != nil {
		return false, convert(err, fmt.Sprintf("delete %s annotation %q", service, user+"@"+domain), on{})
	}
	return n > 0, tx.commit()
}

// findAnnotations returns the annotations a WHERE clause selects, ordered
// by service, then user@domain.
func findAnnotations(ctx context.Context, tx *tx, where string, args ...any) ([]*hosting.ServiceAnnotation, error) {
	rows, err := tx.query(ctx, `SELECT account_id, service, username, domain, service_id, owner_guid, dismissed
		FROM subaccount_annotations WHERE `+where, args...)
	if err != nil {
		return nil, convert(err, "find annotations", on{})
	}
	defer rows.Close()
	as := []*hosting.ServiceAnnotation{}
	for rows.Next() {
		var a hosting.ServiceAnnotation
		var owner sql.NullString
		if err := rows.Scan(&a.AccountID, &a.Service, &a.User, &a.Domain, &a.ServiceID, &owner, &a.Dismissed); err != nil {
			return nil, convert(err, "scan annotation", on{})
		}
		a.OwnerGUID = owner.String
		as = append(as, &a)
	}
	if err := rows.Err(); err != nil {
		return nil, convert(err, "find annotations", on{})
	}
	slices.SortFunc(as, func(a, b *hosting.ServiceAnnotation) int {
		if c := strings.Compare(a.Service, b.Service); c != 0 {
			return c
		}
		return strings.Compare(a.FullUsername(), b.FullUsername())
	})
	return as, nil
}

// Interface guard.
var _ hosting.SubaccountStore = (*DB)(nil)
