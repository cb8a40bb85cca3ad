package usermanager

import (
	"context"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

const deleteFailed = "The system failed to delete the user: "

// deleteUser deletes the Subaccount and its linked service accounts (whose
// modules close their live FTP and WebDAV sessions), then answers with what
// still has the name, as cPanel does (SPEC 3.9). The Subaccount goes first,
// with an intent listing its service accounts in the same transaction, so
// a crash before they are all gone leaves the intent and the reconciler
// deletes the rest.
func (s *Service) deleteUser(ctx context.Context, c *uapi.Call) (any, error) {
	user, err := normalizeUser("username", c.String("username"))
	if err != nil {
		return nil, err
	}
	domain := c.String("domain")
	g, err := s.loadGroup(ctx, c.Account, user, domain)
	if err != nil {
		return nil, err
	}
	if g.sub == nil {
		return nil, hosting.Errorf(hosting.ENOTFOUND, "The system could not find the “%s” user at the “%s” domain.", user, domain)
	}
	// Check every linked service first, so a refusal removes nothing.
	for i, sa := range g.accounts {
		if g.rels[i] == linked {
			if err := checkServiceFeature(c.Account, sa.service); err != nil {
				return nil, err
			}
		}
	}
	if err := s.remove(ctx, c, g); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "subaccount deleted", "account", c.Account.Name, "user", g.name)
	if g, err = s.loadGroup(ctx, c.Account, user, domain); err != nil {
		return nil, err
	}
	if r := s.builder(c.Account).remaining(g); r != nil {
		return r, nil
	}
	return nil, nil
}

// remove deletes the Subaccount of g with the intent, then its linked
// service accounts, then the intent.
func (s *Service) remove(ctx context.Context, c *uapi.Call, g *group) error {
	d := deletion{GUID: g.sub.GUID}
	for i, sa := range g.accounts {
		if g.rels[i] == linked {
			d.Accounts = append(d.Accounts, accountRef{Service: sa.service, User: sa.user, Domain: sa.domain, ID: sa.id})
		}
	}
	in, err := s.journal.Begin(kindDelete, c.Account.ID, d)
	if err != nil {
		return err
	}
	defer s.journal.Release(in)
	// The Subaccount's links go with it (foreign key on owner_guid).
	if err := s.store.DeleteSubaccountIntent(ctx, g.sub.ID, in); err != nil {
		return prefixed(deleteFailed, err)
	}
	warnings, err := s.removeAccounts(ctx, c.Account, d.Accounts)
	for _, w := range warnings {
		c.AddWarning(w)
	}
	if err != nil {
		return prefixed(deleteFailed, err)
	}
	s.finish(ctx, in)
	return nil
}

// remaining is what delete_user answers: nothing when no undismissed service
// account has the name, its record when one has, and a hypothetical
// Subaccount with them as merge candidates when several have. cPanel's
// documented answer (the seed example, checked by TestDeleteUserSeed) shows
// these candidates bare, parent_type null and has_siblings 0, unlike the
// candidates list_users nests; scripts written against it see the same.
func (b *builder) remaining(g *group) *Record {
	var left []*serviceAccount
	for i, sa := range g.accounts {
		if g.rels[i] != dismissed {
			left = append(left, sa)
		}
	}
	switch len(left) {
	case 0:
		return nil
	case 1:
		return b.serviceRecord(g, left[0])
	}
	head := hypotheticalRecord(g.user, g.domain, b.guids.next(g.user, g.domain, TypeHypothetical))
	for _, sa := range left {
		head.MergeCandidates = append(head.MergeCandidates, serviceRecord(sa, b.guids.next(sa.user, sa.domain, TypeService)))
	}
	return head
}
