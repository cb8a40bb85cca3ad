package usermanager

import (
	"context"
	"net/url"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

func (s *Service) listUsers(ctx context.Context, c *uapi.Call) (any, error) {
	snap, err := s.loadAll(ctx, c.Account)
	if err != nil {
		return nil, err
	}
	return s.builder(c.Account).listUsers(snap, c.Bool("flat")), nil
}

func (s *Service) lookupUser(ctx context.Context, c *uapi.Call) (any, error) {
	sub, err := s.store.FindSubaccountByGUID(ctx, c.Account.ID, normalizeGUID(c.String("guid")))
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return nil, hosting.Errorf(hosting.ENOTFOUND, "The user does not exist.")
	} else if err != nil {
		return nil, err
	}
	g, err := s.loadGroup(ctx, c.Account, sub.User, sub.Domain)
	if err != nil {
		return nil, err
	}
	return s.builder(c.Account).lookupRecord(g), nil
}

// normalizeGUID forgives what clients do to GUIDs in URLs: lower case, and
// ":" encoded once more than the transport decodes.
func normalizeGUID(v string) string {
	if strings.Contains(v, "%") {
		if d, err := url.PathUnescape(v); err == nil {
			v = d
		}
	}
	return strings.ToUpper(strings.TrimSpace(v))
}

func (s *Service) lookupServiceAccount(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := splitFullUsername(c.String("full_username"))
	g, err := s.loadGroup(ctx, c.Account, user, domain)
	if err != nil {
		return nil, err
	}
	sa, rel := g.account(c.String("type"))
	if sa == nil {
		return nil, hosting.Errorf(hosting.ENOTFOUND, "The specified service account does not exist.")
	}
	r := s.builder(c.Account).serviceRecord(g, sa)
	r.Dismissed = b2i(rel == dismissed)
	return r, nil
}

// conflicts is check_account_conflicts' data.
type conflicts struct {
	Accounts *Record `json:"accounts,omitempty"`
	Conflict int     `json:"conflict"`
}

func (s *Service) checkAccountConflicts(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := splitFullUsername(c.String("full_username"))
	g, err := s.loadGroup(ctx, c.Account, user, domain)
	if err != nil {
		return nil, err
	}
	switch {
	case g.sub != nil:
		return conflicts{Conflict: 1}, nil
	case len(g.accounts) == 0:
		return conflicts{}, nil
	}
	return conflicts{Accounts: s.builder(c.Account).lookupRecord(g)}, nil
}

// splitFullUsername splits "user@domain" (lower-cased). Without "@" the
// domain is "", which only the NAME_logs FTP login has. A name the account
// does not have is simply not found, so no check is needed here: every
// lookup is confined to the calling account.
func splitFullUsername(v string) (user, domain string) {
	user, domain, _ = strings.Cut(strings.ToLower(strings.TrimSpace(v)), "@")
	return user, strings.TrimSuffix(domain, ".")
}
