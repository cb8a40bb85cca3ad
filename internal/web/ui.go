package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// DefaultRefresh is how often the FTP Connections page reloads itself when
// Config.Refresh is zero.
const DefaultRefresh = 10 * time.Second

// Config configures the web UI. Its zero value is ready to use.
type Config struct {
	// Brand is the product name in page titles and the header; "" means
	// "uapid".
	Brand string
	// Refresh is how often the FTP Connections page reloads itself; 0 means
	// DefaultRefresh and a negative value turns the reload off. Every reload
	// counts as activity, so an open Connections page keeps its session.
	Refresh time.Duration
	// Location is the time zone of the times pages show (token creation and
	// expiry); nil means time.Local.
	Location *time.Location
	// Invites accepts the Subaccount invitations UserManager mails
	// (*usermanager.Service). nil turns the /invitation page off (404).
	Invites Invites
}

// Invites is what the invitation page needs from UserManager. AcceptInvite
// sets the password of the Subaccount whose invitation token is, and uses
// the invitation up; it returns ENOTFOUND for an unknown or used token and
// EINVALID for an expired one.
type Invites interface {
	AcceptInvite(ctx context.Context, token, password string) (*hosting.Subaccount, error)
}

// withDefaults returns c with its zero fields filled in.
func (c Config) withDefaults() Config {
	if c.Brand == "" {
		c.Brand = "uapid"
	}
	if c.Refresh == 0 {
		c.Refresh = DefaultRefresh
	}
	if c.Location == nil {
		c.Location = time.Local
	}
	return c
}

// UI is the web interface. It holds no per-request state and is safe for
// concurrent use.
type UI struct {
	cfg     Config
	eng     *uapi.Engine
	auth    *auth.Authenticator
	log     *slog.Logger
	pages   map[string]*page
	actions map[string]*action
	tmpl    *templates
	static  *staticFiles
	handler http.Handler
}

// New returns the web UI over eng, resolving sessions with au. log may be
// nil. It panics if the embedded templates do not parse, which is a bug
// that every test of this package finds.
func New(cfg Config, eng *uapi.Engine, au *auth.Authenticator, log *slog.Logger) *UI {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ui := &UI{cfg: cfg.withDefaults(), eng: eng, auth: au, log: log,
		pages: make(map[string]*page), actions: make(map[string]*action)}
	for _, p := range allPages() {
		ui.pages[p.name] = p
	}
	for _, a := range allActions() {
		ui.actions[a.name] = a
	}
	tmpl, err := parseTemplates(ui.templateNames(), ui.baseFuncs())
	if err != nil {
		panic(err)
	}
	ui.tmpl = tmpl
	if ui.static, err = loadStatic(); err != nil {
		panic(err)
	}
	ui.handler = ui.secure(ui.routes())
	return ui
}

// Handler returns the handler of every web UI route; httpapi.Config.Web
// takes it.
func (ui *UI) Handler() http.Handler { return ui.handler }

// hasModule reports whether the engine serves a module. Pages of modules
// that are not registered answer 404 and stay out of the navigation.
func (ui *UI) hasModule(module string) bool {
	if module == "" {
		return true
	}
	_, found := ui.eng.Registry().Lookup(module, "")
	return found
}
