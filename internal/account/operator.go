package account

import (
	"context"
	"fmt"
	"net/mail"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// OperatorStore is what the operator's side beyond the account itself is
// kept in: packages, account profiles and operator tokens.
type OperatorStore interface {
	hosting.PackageStore
	hosting.AccountProfileStore
	hosting.OperatorTokenStore
}

// DiskUsage reads the bytes kept for accounts' homes. uapid serve gives
// the counters internal/usage keeps as files change (usage.Keeper), so no
// call walks a home.
type DiskUsage interface {
	// HomeUsed returns each account's home bytes by id, in one store read.
	HomeUsed(ctx context.Context, accts []*hosting.Account) (map[int64]int64, error)
}

// UseOperatorStore enables packages, profiles, operator tokens and disk
// usage reports (WHM API 1 and the matching `uapid` commands). Call it
// before the service is used.
func (s *Service) UseOperatorStore(st OperatorStore, usage DiskUsage) {
	s.operator, s.usage = st, usage
}

func (s *Service) operatorStore() (OperatorStore, error) {
	if s.operator == nil {
		return nil, fmt.Errorf("account: no operator store configured")
	}
	return s.operator, nil
}

// Details is an account with what the operator recorded about it.
type Details struct {
	*hosting.Account
	Profile hosting.AccountProfile
}

// ProvisionRequest is a new account as a billing system orders it: the
// account itself, how to reach its owner, and the plan it is sold on.
type ProvisionRequest struct {
	CreateRequest
	ContactEmail string
	Plan         string // a package name; its quota and features replace the request's
}

// Provision creates an account on a plan: the package's quota and
// features apply (the built-in "default" plan, when no package has that
// name, is every feature and no quota). The account is made as Create
// makes it, and its profile is stored before Create's intent is finished:
// if storing fails the account is deleted again, and after a crash the
// reconciler deletes an account left without its profile, so a provision
// leaves a whole account or nothing.
func (s *Service) Provision(ctx context.Context, req ProvisionRequest) (*Details, error) {
	st, err := s.operatorStore()
	if err != nil {
		return nil, err
	}
	if err := validateEmail(req.ContactEmail); err != nil {
		return nil, err
	}
	if req.Plan != "" {
		pkg, err := s.findPlan(ctx, req.Plan)
		if err != nil {
			return nil, err
		}
		req.QuotaMB, req.Features = pkg.QuotaMB, pkg.Features
	}
	var p hosting.AccountProfile
	acct, err := s.create(ctx, req.CreateRequest, func(acct *hosting.Account) error {
		p = hosting.AccountProfile{AccountID: acct.ID, ContactEmail: req.ContactEmail, Plan: req.Plan}
		return st.SaveProfile(ctx, &p)
	})
	if err != nil {
		return nil, err
	}
	return &Details{Account: acct, Profile: p}, nil
}

// Details returns an account with its profile.
func (s *Service) Details(ctx context.Context, name string) (*Details, error) {
	st, err := s.operatorStore()
	if err != nil {
		return nil, err
	}
	acct, err := s.store.FindAccountByName(ctx, name)
	if err != nil {
		return nil, err
	}
	p, err := st.FindProfile(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	return &Details{Account: acct, Profile: *p}, nil
}

// ListDetails returns every account with its profile, ordered by name, in
// two queries whatever the number of accounts.
func (s *Service) ListDetails(ctx context.Context) ([]*Details, error) {
	st, err := s.operatorStore()
	if err != nil {
		return nil, err
	}
	accts, err := s.store.ListAccounts(ctx)
	if err != nil {
		return nil, err
	}
	profiles, err := st.ListProfiles(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Details, 0, len(accts))
	for _, a := range accts {
		d := &Details{Account: a, Profile: hosting.AccountProfile{AccountID: a.ID}}
		if p, ok := profiles[a.ID]; ok {
			d.Profile = *p
		}
		out = append(out, d)
	}
	return out, nil
}

// DiskUsed returns the bytes counted in an account's home.
func (s *Service) DiskUsed(ctx context.Context, acct *hosting.Account) (int64, error) {
	used, err := s.DisksUsed(ctx, []*hosting.Account{acct})
	return used[acct.ID], err
}

// DisksUsed returns the bytes counted in each account's home, by id, in
// one read whatever the number of accounts.
func (s *Service) DisksUsed(ctx context.Context, accts []*hosting.Account) (map[int64]int64, error) {
	if s.usage == nil {
		return nil, fmt.Errorf("account: no disk usage configured")
	}
	return s.usage.HomeUsed(ctx, accts)
}

// Suspend suspends an account (every session and live connection closes
// at once) and records why and when (when an operator store is set).
func (s *Service) Suspend(ctx context.Context, name, reason string) error {
	if err := s.SetSuspended(ctx, name, true); err != nil || s.operator == nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Second)
	return s.updateProfile(ctx, name, func(p *hosting.AccountProfile) error {
		p.SuspendReason, p.SuspendedAt = reason, &now
		return nil
	})
}

// Unsuspend lifts a suspension and forgets its reason.
func (s *Service) Unsuspend(ctx context.Context, name string) error {
	if err := s.SetSuspended(ctx, name, false); err != nil || s.operator == nil {
		return err
	}
	return s.updateProfile(ctx, name, func(p *hosting.AccountProfile) error {
		p.SuspendReason, p.SuspendedAt = "", nil
		return nil
	})
}

// SetContactEmail changes the address the account's owner is reached at
// (empty: none).
func (s *Service) SetContactEmail(ctx context.Context, name, email string) error {
	if err := validateEmail(email); err != nil {
		return err
	}
	return s.updateProfile(ctx, name, func(p *hosting.AccountProfile) error {
		p.ContactEmail = email
		return nil
	})
}

// SetFeatures replaces the account's feature list.
func (s *Service) SetFeatures(ctx context.Context, name string, features []string) error {
	features, err := checkFeatures(features)
	if err != nil {
		return err
	}
	acct, err := s.store.FindAccountByName(ctx, name)
	if err != nil {
		return err
	}
	return s.store.UpdateAccount(ctx, acct.ID, hosting.AccountUpdate{Features: features})
}

// updateProfile reads the account's profile, lets change edit it, and
// stores it.
func (s *Service) updateProfile(ctx context.Context, name string, change func(*hosting.AccountProfile) error) error {
	d, err := s.Details(ctx, name)
	if err != nil {
		return err
	}
	if err := change(&d.Profile); err != nil {
		return err
	}
	return s.operator.SaveProfile(ctx, &d.Profile)
}

// validateEmail accepts an empty address (none) or one bare address.
func validateEmail(email string) error {
	if email == "" {
		return nil
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		return hosting.Errorf(hosting.EINVALID, "“%s” is not a valid email address.", email)
	}
	return nil
}
