package usermanager

import (
	"context"
	"fmt"

	"github.com/uapid/uapid/internal/hosting"
)

// loadAll reads every user of acct: its Subaccounts, the annotations, and
// the service accounts of every wired service.
func (s *Service) loadAll(ctx context.Context, acct *hosting.Account) (*snapshot, error) {
	subs, err := s.store.ListSubaccounts(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	notes, err := s.store.ListServiceAnnotations(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	var services []*serviceAccount
	for _, b := range s.backends {
		list, err := b.list(ctx, acct)
		if err != nil {
			return nil, fmt.Errorf("usermanager: list %s accounts of %s: %w", b.service(), acct.Name, err)
		}
		services = append(services, list...)
	}
	return newSnapshot(subs, services, notes), nil
}

// loadName reads the users named user@domain (domain "" for the _logs
// login): a handful of point lookups, so that functions about one user do
// not read the whole account.
func (s *Service) loadName(ctx context.Context, acct *hosting.Account, user, domain string) (*snapshot, error) {
	var subs []*hosting.Subaccount
	sub, err := s.store.FindSubaccount(ctx, acct.ID, user, domain)
	if err == nil {
		subs = append(subs, sub)
	} else if hosting.ErrorCode(err) != hosting.ENOTFOUND {
		return nil, err
	}
	notes, err := s.store.FindServiceAnnotations(ctx, acct.ID, user, domain)
	if err != nil {
		return nil, err
	}
	var services []*serviceAccount
	for _, b := range s.backends {
		if domain == "" && b.service() != hosting.ServiceFTP {
			continue // only FTP has a login without a domain
		}
		sa, err := b.get(ctx, acct, user, domain)
		if err == nil {
			services = append(services, sa)
		} else if hosting.ErrorCode(err) != hosting.ENOTFOUND {
			return nil, fmt.Errorf("usermanager: find %s account %s@%s: %w", b.service(), user, domain, err)
		}
	}
	return newSnapshot(subs, services, notes), nil
}

// loadGroup reads and groups the users named user@domain. The group is
// empty (no Subaccount, no accounts) when nothing has that name.
func (s *Service) loadGroup(ctx context.Context, acct *hosting.Account, user, domain string) (*group, error) {
	snap, err := s.loadName(ctx, acct, user, domain)
	if err != nil {
		return nil, err
	}
	if gs := groupAll(snap); len(gs) > 0 {
		return gs[0], nil
	}
	name := user + "@" + domain
	if domain == "" {
		name = user
	}
	return &group{name: name, user: user, domain: domain}, nil
}

// builder returns a record builder for one call.
func (s *Service) builder(acct *hosting.Account) *builder {
	return newBuilder(acct, s.now(), s.cfg.Hostname)
}

// linkedAccounts returns the group's service accounts linked to its
// Subaccount, by service.
func (g *group) linkedAccounts() map[string]*serviceAccount {
	out := make(map[string]*serviceAccount, 3)
	for i, sa := range g.accounts {
		if g.rels[i] == linked {
			out[sa.service] = sa
		}
	}
	return out
}

// account returns the group's service account of one service, whatever its
// relation, or nil.
func (g *group) account(service string) (*serviceAccount, relation) {
	for i, sa := range g.accounts {
		if sa.service == service {
			return sa, g.rels[i]
		}
	}
	return nil, unlinked
}
