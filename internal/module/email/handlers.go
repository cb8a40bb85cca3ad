package email

import (
	"context"
	"fmt"
	"strings"

	"github.com/uapid/uapid/internal/uapi"
)

// target returns the mailbox a call names in its email and domain
// parameters, which the engine has resolved.
func target(c *uapi.Call) (user, domain string) {
	l := c.Login("email")
	return l.User, l.Domain
}

// quotaArg returns the quota parameter in MB, or UseDefaultQuota when the
// caller left it out or sent it empty.
func quotaArg(c *uapi.Call) int64 {
	if raw, ok := c.Raw("quota"); !ok || strings.TrimSpace(raw) == "" {
		return UseDefaultQuota
	}
	return c.Int("quota")
}

// addPop answers "user+domain", cPanel's form of the new address.
func (s *Service) addPop(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c)
	e, err := s.AddMailbox(ctx, c.Account, AddRequest{User: user, Domain: domain,
		Password: c.String("password"), PasswordHash: c.String("password_hash"), QuotaMB: quotaArg(c)})
	if err != nil {
		return nil, err
	}
	if c.Bool("send_welcome_email") {
		c.AddWarning(fmt.Sprintf("uapid does not send email: no welcome message was sent to “%s”.", e.Address()))
	}
	return e.User + "+" + e.Domain, nil
}

func (s *Service) deletePop(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c)
	warnings, err := s.DeleteMailbox(ctx, c.Account, user, domain, c.String("flags") == "passwd")
	for _, w := range warnings {
		c.AddWarning(w)
	}
	return nil, err
}

func (s *Service) passwdPop(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c)
	return nil, s.SetPassword(ctx, c.Account, user, domain, c.String("password"))
}

// editPopQuota says so in messages when the maximum replaced the quota
// asked for.
func (s *Service) editPopQuota(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c)
	asked := quotaArg(c)
	applied, err := s.SetQuota(ctx, c.Account, user, domain, asked)
	if err != nil {
		return nil, err
	}
	if asked != UseDefaultQuota && applied != asked {
		c.AddMessage(fmt.Sprintf("The maximum email account quota of %d MB was applied.", applied))
	}
	return nil, nil
}

// getPopQuota answers the quota as an integer in MB or bytes, and
// "unlimited" for an unlimited mailbox.
func (s *Service) getPopQuota(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c)
	e, err := s.GetMailbox(ctx, c.Account, user, domain)
	if err != nil {
		return nil, err
	}
	switch {
	case e.QuotaMB == 0:
		return "unlimited", nil
	case c.Bool("as_bytes"):
		return e.QuotaMB * bytesPerMB, nil
	}
	return e.QuotaMB, nil
}

func (s *Service) countPops(ctx context.Context, c *uapi.Call) (any, error) {
	return s.CountMailboxes(ctx, c.Account)
}
