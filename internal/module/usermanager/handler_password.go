package usermanager

import (
	"context"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// changePassword changes the hosting account's own password, which needs
// the current one; cPanel answers with the string "Password Changed".
func (s *Service) changePassword(ctx context.Context, c *uapi.Call) (any, error) {
	if s.passwords == nil {
		return nil, hosting.Errorf(hosting.EFORBIDDEN, "Failed to change password: this server does not manage account passwords.")
	}
	if c.Bool("enablemysql") {
		c.AddMessage("uapid has no MySQL server: “enablemysql” has no effect.")
	}
	if err := s.passwords.ChangePassword(ctx, c.Account, c.String("oldpass"), c.String("newpass")); err != nil {
		return nil, prefixed("Failed to change password: ", err)
	}
	return "Password Changed", nil
}
