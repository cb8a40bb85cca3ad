// Package catalog lists every UAPI module uapid serves and builds the
// registry from them, explicitly (no init-time registration). The daemon
// builds it with real services; the uapi command line builds it with none,
// only to print help from the same declarations.
package catalog

import (
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/module/tokens"
	"github.com/uapid/uapid/internal/module/usermanager"
	"github.com/uapid/uapid/internal/module/webdisk"
	"github.com/uapid/uapid/internal/uapi"
)

// Deps are the services the modules run on. With zero Deps the registry's
// declarations are complete but its handlers must not be called.
type Deps struct {
	Tokens      hosting.TokenStore
	FTP         *ftp.Service
	Email       *email.Service
	WebDisk     *webdisk.Service
	UserManager *usermanager.Service
	Now         func() time.Time
}

// Registry returns the registry of every module. A module is listed here
// only when all of its registered functions do the real thing.
func Registry(d Deps) *uapi.Registry {
	reg := uapi.NewRegistry()
	reg.Add(tokens.New(d.Tokens, d.Now).Funcs()...)
	ftpSvc := d.FTP
	if ftpSvc == nil {
		ftpSvc = &ftp.Service{} // declarations only, for help and docs
	}
	reg.Add(ftpSvc.Funcs()...)
	reg.Add(d.Email.Funcs()...) // a nil *email.Service still declares its functions
	webdiskSvc := d.WebDisk
	if webdiskSvc == nil {
		webdiskSvc = &webdisk.Service{}
	}
	reg.Add(webdiskSvc.Funcs()...)
	umSvc := d.UserManager
	if umSvc == nil {
		umSvc = &usermanager.Service{}
	}
	reg.Add(umSvc.Funcs()...)
	return reg
}
