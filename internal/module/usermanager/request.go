package usermanager

import (
	"errors"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// userRequest is create_user's or edit_user's arguments, parsed; nil
// pointers were not given.
type userRequest struct {
	user, domain string
	plain, hash  string // password and password_hash
	contact      contact
	invite       bool
	services     map[string]options
}

// contact holds the contact fields given.
type contact struct{ realName, altEmail, phone, avatar *string }

// parseUserRequest reads the arguments the engine has already checked
// field by field; the checks that span fields belong to create and edit.
func parseUserRequest(c *uapi.Call) (*userRequest, error) {
	user, err := normalizeUser("username", c.String("username"))
	if err != nil {
		return nil, err
	}
	return &userRequest{user: user, domain: c.String("domain"), plain: c.String("password"),
		hash: c.String("password_hash"), invite: c.Bool("send_invite"), services: parseServices(c),
		contact: contact{realName: given(c, "real_name"), altEmail: given(c, "alternate_email"),
			phone: given(c, "phone_number"), avatar: given(c, "avatar_url")}}, nil
}

// parseServices reads the services.SERVICE.* arguments.
func parseServices(c *uapi.Call) map[string]options {
	out := make(map[string]options, 3)
	for _, svc := range hosting.SubaccountServices() {
		p := "services." + svc + "."
		o := options{enabled: givenBool(c, p+"enabled"), homedir: given(c, p+"homedir"),
			private: givenBool(c, p+"private"), digest: givenBool(c, p+"enabledigest"),
			welcome: c.Bool(p + "send_welcome_email")}
		if c.Has(p + "quota") {
			q := c.Int(p + "quota")
			o.quotaMB = &q
		}
		if v := given(c, p+"perms"); v != nil {
			perms := normalizePerms(*v)
			o.perms = &perms
		}
		out[svc] = o
	}
	return out
}

func given(c *uapi.Call, name string) *string {
	if !c.Has(name) {
		return nil
	}
	v := c.String(name)
	return &v
}

func givenBool(c *uapi.Call, name string) *bool {
	if !c.Has(name) {
		return nil
	}
	v := c.Bool(name)
	return &v
}

// serviceFeature is the feature an account needs to give a user a
// service, the one that gates the service's own functions.
func serviceFeature(service string) string {
	switch service {
	case hosting.ServiceEmail:
		return hosting.FeatureEmail
	case hosting.ServiceFTP:
		return hosting.FeatureFTPAccounts
	}
	return hosting.FeatureWebDisk
}

// checkServiceFeature refuses to touch a service account (change, delete,
// link) of a kind the account no longer has the feature for: the feature
// governs the service, whichever module reaches it.
func checkServiceFeature(acct *hosting.Account, service string) error {
	if f := serviceFeature(service); !acct.HasFeature(f) {
		return hosting.Errorf(hosting.EFORBIDDEN, "You do not have the feature “%s”.", f)
	}
	return nil
}

// checkNewService checks what enabling one service needs: the service is
// wired, the account has its feature, and FTP and Web Disk have a directory.
func (s *Service) checkNewService(acct *hosting.Account, service string, o options) error {
	switch {
	case s.backend(service) == nil:
		return hosting.Errorf(hosting.EINVALID, "This server does not provide %s accounts.", serviceTitle(service))
	case !acct.HasFeature(serviceFeature(service)):
		return hosting.Errorf(hosting.EFORBIDDEN, "You do not have the feature “%s”.", serviceFeature(service))
	case service != hosting.ServiceEmail && o.homedir == nil:
		return hosting.Errorf(hosting.EINVALID, "You must provide the following mandatory field: services.%s.homedir", service)
	}
	return nil
}

// prefixed puts cPanel's wrapper text before a domain error's message and
// keeps its code; internal errors pass unchanged, for the engine to log.
func prefixed(prefix string, err error) error {
	var de *uapi.DataError
	if err == nil || errors.As(err, &de) || hosting.ErrorCode(err) == hosting.EINTERNAL {
		return err
	}
	return hosting.Errorf(hosting.ErrorCode(err), "%s%s", prefix, hosting.ErrorMessage(err))
}
