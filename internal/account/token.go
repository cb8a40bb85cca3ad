package account

import (
	"context"
	"regexp"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
)

// tokenNameRE is WHM's rule for API token names.
var tokenNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,50}$`)

// CreateOperatorToken makes an operator token and returns its secret,
// which is shown once: only its hash is stored.
func (s *Service) CreateOperatorToken(ctx context.Context, name string, expires *time.Time) (string, *hosting.OperatorToken, error) {
	st, err := s.operatorStore()
	if err != nil {
		return "", nil, err
	}
	if !tokenNameRE.MatchString(name) {
		return "", nil, hosting.Errorf(hosting.EINVALID, "The API token name “%s” is invalid: use 1 to 50 letters, digits, dashes and underscores.", name)
	}
	if expires != nil && !expires.After(time.Now()) {
		return "", nil, hosting.Errorf(hosting.EINVALID, "The expiry time lies in the past.")
	}
	secret := auth.NewAPIToken()
	t := &hosting.OperatorToken{Name: name, Hash: auth.HashSecret(secret), ExpiresAt: expires}
	if err := st.CreateOperatorToken(ctx, t); err != nil {
		return "", nil, err
	}
	s.log.Info("operator token created", "token", name)
	return secret, t, nil
}

// ListOperatorTokens returns every operator token (never a secret).
func (s *Service) ListOperatorTokens(ctx context.Context) ([]*hosting.OperatorToken, error) {
	st, err := s.operatorStore()
	if err != nil {
		return nil, err
	}
	return st.ListOperatorTokens(ctx)
}

// RevokeOperatorToken deletes an operator token; it stops working at once.
// Returns ENOTFOUND if there is none of that name.
func (s *Service) RevokeOperatorToken(ctx context.Context, name string) error {
	st, err := s.operatorStore()
	if err != nil {
		return err
	}
	ok, err := st.DeleteOperatorToken(ctx, name)
	if err != nil {
		return err
	}
	if !ok {
		return hosting.Errorf(hosting.ENOTFOUND, "The API token “%s” does not exist.", name)
	}
	s.log.Info("operator token revoked", "token", name)
	return nil
}
