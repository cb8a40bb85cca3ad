package usermanager

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/uapi"
)

// selected returns the services whose services.SERVICE.key is 1, in
// service order, and how many such keys the caller passed at all.
func selected(c *uapi.Call, key string) (services []string, passed int) {
	for _, svc := range hosting.SubaccountServices() {
		if name := "services." + svc + "." + key; c.Has(name) {
			passed++
			if c.Bool(name) {
				services = append(services, svc)
			}
		}
	}
	return services, passed
}

// nameArgs returns the username (checked and lower-cased) and domain.
func nameArgs(c *uapi.Call) (user, domain string, err error) {
	user, err = normalizeUser("username", c.String("username"))
	return user, c.String("domain"), err
}

// accountsOf returns the group's service accounts of the services named,
// refusing missing and special ones.
func accountsOf(g *group, services []string) ([]*serviceAccount, error) {
	var out []*serviceAccount
	for _, svc := range services {
		sa, _ := g.account(svc)
		switch {
		case sa == nil:
			return nil, hosting.Errorf(hosting.ENOTFOUND, "The %s account “%s” does not exist.", serviceTitle(svc), g.name)
		case sa.special:
			return nil, hosting.Errorf(hosting.EINVALID, "The %s account “%s” is managed by the system and cannot be linked or dismissed.", serviceTitle(svc), g.name)
		}
		out = append(out, sa)
	}
	return out, nil
}

func (s *Service) mergeServiceAccount(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := nameArgs(c)
	if err != nil {
		return nil, err
	}
	services, passed := selected(c, "merge")
	switch {
	case passed == 0:
		return nil, hosting.Errorf(hosting.EINVALID, "You must specify “services.___.merge” to merge a service account.")
	case len(services) == 0:
		return nil, hosting.Errorf(hosting.EINVALID, "You must specify at least one service account to merge.")
	}
	g, err := s.loadGroup(ctx, c.Account, user, domain)
	if err != nil {
		return nil, err
	}
	accounts, err := accountsOf(g, services)
	if err != nil {
		return nil, err
	}
	for _, sa := range accounts {
		if err := checkServiceFeature(c.Account, sa.service); err != nil {
			return nil, err
		}
	}
	sub, err := s.mergeTarget(g, c.Account, accounts, passed)
	if err != nil {
		return nil, err
	}
	anns := make([]*hosting.ServiceAnnotation, 0, len(accounts))
	for _, sa := range accounts {
		anns = append(anns, &hosting.ServiceAnnotation{AccountID: c.Account.ID, Service: sa.service,
			User: sa.user, Domain: sa.domain, ServiceID: sa.id})
	}
	// One transaction: a crash leaves either no new Subaccount and no
	// links, or all of them.
	if err := s.store.MergeServiceAccounts(ctx, sub, anns); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "service accounts linked", "account", c.Account.Name, "user", g.name, "services", services)
	if g, err = s.loadGroup(ctx, c.Account, user, domain); err != nil {
		return nil, err
	}
	return s.builder(c.Account).listRecords(g, false, nil)[0], nil
}

// mergeTarget returns the Subaccount the accounts join, not yet stored
// when it is new (ID 0). A new one takes the password of the one service
// account when exactly one service key was passed, and a random one
// otherwise; an existing one no longer has a synced password, since the
// accounts joining it keep theirs [IMPL] (MergeServiceAccounts clears it).
func (s *Service) mergeTarget(g *group, acct *hosting.Account, accounts []*serviceAccount, passed int) (*hosting.Subaccount, error) {
	if g.sub != nil {
		return g.sub, nil
	}
	sub := &hosting.Subaccount{AccountID: acct.ID, User: g.user, Domain: g.domain,
		GUID: newGUID(s.cfg.Hostname, g.user, g.domain, s.now().Unix())}
	if passed == 1 {
		sub.PasswordHash, sub.SyncedPassword = accounts[0].hash, true
	} else {
		hash, err := password.Hash(rand.Text())
		if err != nil {
			return nil, fmt.Errorf("usermanager: hash password: %w", err)
		}
		sub.PasswordHash = hash
	}
	return sub, nil
}

func (s *Service) dismissMerge(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := nameArgs(c)
	if err != nil {
		return nil, err
	}
	services, _ := selected(c, "dismiss")
	if len(services) == 0 {
		// cPanel's text names ".merge" here too.
		return nil, hosting.Errorf(hosting.EINVALID, "You must specify “services.___.merge” to dismiss a service account merge.")
	}
	g, err := s.loadGroup(ctx, c.Account, user, domain)
	if err != nil {
		return nil, err
	}
	accounts, err := dismissable(c, g, services)
	if err != nil {
		return nil, err
	}
	for _, sa := range accounts {
		if err := s.store.PutServiceAnnotation(ctx, &hosting.ServiceAnnotation{AccountID: c.Account.ID,
			Service: sa.service, User: sa.user, Domain: sa.domain, ServiceID: sa.id, Dismissed: true}); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// dismissable returns the group's service accounts of the services named.
// A service without an account of that name is skipped with a message:
// cPanel's documentation example dismisses all three services at once, and
// a name rarely has all three. With none at all there is nothing to
// dismiss, which is an error; a special account is refused as for a merge.
func dismissable(c *uapi.Call, g *group, services []string) ([]*serviceAccount, error) {
	var out []*serviceAccount
	var missing []string
	for _, svc := range services {
		sa, _ := g.account(svc)
		switch {
		case sa == nil:
			missing = append(missing, svc)
			continue
		case sa.special:
			return nil, hosting.Errorf(hosting.EINVALID, "The %s account “%s” is managed by the system and cannot be linked or dismissed.", serviceTitle(svc), g.name)
		}
		out = append(out, sa)
	}
	if len(out) == 0 {
		return nil, hosting.Errorf(hosting.ENOTFOUND, "No service account “%s” exists to dismiss.", g.name)
	}
	for _, svc := range missing {
		c.AddMessage(fmt.Sprintf("There is no %s account “%s” to dismiss.", serviceTitle(svc), g.name))
	}
	return out, nil
}

func (s *Service) unlinkServiceAccount(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := nameArgs(c)
	if err != nil {
		return nil, err
	}
	g, err := s.loadGroup(ctx, c.Account, user, domain)
	if err != nil {
		return nil, err
	}
	if g.sub == nil {
		return nil, hosting.Errorf(hosting.ENOTFOUND, "The user does not exist.")
	}
	svc := c.String("service")
	sa, rel := g.account(svc)
	if sa == nil || rel != linked {
		return nil, hosting.Errorf(hosting.ENOTFOUND, "The system failed to delete the annotation record for the %s account “%s”.", svc, g.name)
	}
	if c.Bool("dismiss") {
		err = s.store.PutServiceAnnotation(ctx, &hosting.ServiceAnnotation{AccountID: c.Account.ID,
			Service: sa.service, User: sa.user, Domain: sa.domain, ServiceID: sa.id, Dismissed: true})
	} else {
		_, err = s.store.DeleteServiceAnnotation(ctx, c.Account.ID, sa.service, sa.user, sa.domain)
	}
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "service account unlinked", "account", c.Account.Name, "user", g.name, "service", svc)
	return nil, nil
}
