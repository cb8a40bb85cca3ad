package account

import (
	"context"
	"regexp"

	"github.com/uapid/uapid/internal/hosting"
)

// DefaultPlan is the plan an account is on when no package is named, as
// cPanel calls it. Unless a package of that name is stored, it means every
// feature and no quota.
const DefaultPlan = "default"

var packageNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$`)

// CreatePackage validates and stores a package.
func (s *Service) CreatePackage(ctx context.Context, p hosting.Package) (*hosting.Package, error) {
	st, err := s.operatorStore()
	if err != nil {
		return nil, err
	}
	if !packageNameRE.MatchString(p.Name) {
		return nil, hosting.Errorf(hosting.EINVALID, "The package name “%s” is invalid: use 1 to 64 letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit.", p.Name)
	}
	if p.QuotaMB < 0 {
		return nil, hosting.Errorf(hosting.EINVALID, "The quota must not be negative.")
	}
	if p.Features, err = checkFeatures(p.Features); err != nil {
		return nil, err
	}
	if err := st.CreatePackage(ctx, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ListPackages returns every stored package ordered by name.
func (s *Service) ListPackages(ctx context.Context) ([]*hosting.Package, error) {
	st, err := s.operatorStore()
	if err != nil {
		return nil, err
	}
	return st.ListPackages(ctx)
}

// DeletePackage removes a package. Accounts on it keep the quota and
// features they copied, and the plan's name.
func (s *Service) DeletePackage(ctx context.Context, name string) error {
	st, err := s.operatorStore()
	if err != nil {
		return err
	}
	return st.DeletePackage(ctx, name)
}

// ChangePackage moves an account to a plan: it copies the package's quota
// and features and records the plan's name.
func (s *Service) ChangePackage(ctx context.Context, name, plan string) error {
	pkg, err := s.findPlan(ctx, plan)
	if err != nil {
		return err
	}
	acct, err := s.store.FindAccountByName(ctx, name)
	if err != nil {
		return err
	}
	features := append([]string{}, pkg.Features...) // non-nil: an empty list clears the features
	if err := s.store.UpdateAccount(ctx, acct.ID, hosting.AccountUpdate{QuotaMB: &pkg.QuotaMB, Features: features}); err != nil {
		return err
	}
	return s.updateProfile(ctx, name, func(p *hosting.AccountProfile) error {
		p.Plan = pkg.Name
		return nil
	})
}

// findPlan returns the stored package called plan, or the built-in
// default plan.
func (s *Service) findPlan(ctx context.Context, plan string) (*hosting.Package, error) {
	st, err := s.operatorStore()
	if err != nil {
		return nil, err
	}
	pkg, err := st.FindPackage(ctx, plan)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND && plan == DefaultPlan {
		return &hosting.Package{Name: DefaultPlan, Features: hosting.AllFeatures()}, nil
	}
	return pkg, err
}
