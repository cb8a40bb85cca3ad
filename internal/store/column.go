package store

import (
	"cmp"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// Column encodings shared by every entity: both dialects store lists as
// comma-separated TEXT and times as Unix seconds, so the same Go code reads
// and writes them.

// joinList encodes a list such as features. An element that is empty or
// holds a comma could not be read back, so it is refused.
func joinList(what string, list []string) (string, error) {
	for _, s := range list {
		if s == "" || strings.Contains(s, ",") {
			return "", hosting.Errorf(hosting.EINVALID, "The %s “%s” is not valid.", what, s)
		}
	}
	return strings.Join(list, ","), nil
}

// splitList decodes joinList's text; it never returns nil, so callers can
// tell a stored empty list from a field that was not read.
func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// now returns the current time at the precision the store keeps, so that a
// value set on create compares equal to the one read back.
func now() time.Time { return time.Unix(time.Now().Unix(), 0).UTC() }

// unixTime decodes a stored time.
func unixTime(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// orNow returns t, or now() for the zero time (a caller that left it unset).
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return time.Unix(t.Unix(), 0).UTC()
}

// nullTime encodes an optional time.
func nullTime(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.Unix(), Valid: true}
}

// timePtr decodes an optional time.
func timePtr(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := unixTime(n.Int64)
	return &t
}

// sortByKey orders xs by a string key computed once per element: the
// user@domain keys of service accounts would otherwise be built twice per
// comparison, which dominated listing 100,000 of them.
func sortByKey[T any](xs []T, key func(T) string) {
	type keyed struct {
		key string
		x   T
	}
	ks := make([]keyed, len(xs))
	for i, x := range xs {
		ks[i] = keyed{key(x), x}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	for i := range ks {
		xs[i] = ks[i].x
	}
}

// compareLogins compares "userA@domainA" with "userB@domainB" in byte
// order, as sortByKey with the joined strings would, without joining them.
func compareLogins(userA, domainA, userB, domainB string) int {
	if userA == userB {
		return strings.Compare(domainA, domainB)
	}
	lenA, lenB := len(userA)+1+len(domainA), len(userB)+1+len(domainB)
	for i := range min(lenA, lenB) {
		if a, b := loginByte(userA, domainA, i), loginByte(userB, domainB, i); a != b {
			return cmp.Compare(a, b)
		}
	}
	return cmp.Compare(lenA, lenB)
}

// loginByte is byte i of user + "@" + domain.
func loginByte(user, domain string, i int) byte {
	switch {
	case i < len(user):
		return user[i]
	case i == len(user):
		return '@'
	}
	return domain[i-len(user)-1]
}

// loginFilter selects user@domain service accounts (FTP, email, Web Disk:
// their tables share these columns); nil fields select all.
type loginFilter struct {
	ID        *int64
	AccountID *int64
	User      *string
	Domain    *string
}

func (f loginFilter) where() (string, []any) {
	conds, args := []string{"1 = 1"}, []any{}
	if f.ID != nil {
		conds, args = append(conds, "id = ?"), append(args, *f.ID)
	}
	if f.AccountID != nil {
		conds, args = append(conds, "account_id = ?"), append(args, *f.AccountID)
	}
	if f.User != nil {
		conds, args = append(conds, "username = ?"), append(args, strings.ToLower(*f.User))
	}
	if f.Domain != nil {
		conds, args = append(conds, "domain = ?"), append(args, strings.ToLower(*f.Domain))
	}
	return strings.Join(conds, " AND "), args
}
