package web

import (
	"net/http"
	"strings"
)

// allPages lists every page, in navigation order.
func allPages() []*page {
	return []*page{homePage(), tokensPage(), ftpAccountsPage(), ftpConnectionsPage(), emailPage(), webDiskPage(),
		userManagerPage(), userManagerEditPage(), userManagerDeletePage(), apiShellPage()}
}

// allActions lists every action: each is a POST form on one of the pages.
func allActions() []*action {
	return []*action{
		tokenCreate(), tokenRename(), tokenRevoke(),
		ftpAccountAdd(), ftpAccountPasswd(), ftpAccountQuota(), ftpAccountHomedir(), ftpAccountDelete(),
		ftpAnonymous(), ftpAnonymousIncoming(), ftpWelcome(),
		ftpConnectionKill(),
		emailAdd(), emailPasswd(), emailQuota(), emailDelete(),
		webDiskAdd(), webDiskPasswd(), webDiskPerms(), webDiskHomedir(), webDiskDelete(),
		userManagerAdd(), userManagerSave(), userManagerPasswd(), userManagerDelete(),
		userManagerLink(), userManagerDismiss(), userManagerUnlink(), userManagerOwnerPasswd(),
	}
}

// routes is the whole web surface. Pages answer GET only; an action
// answers POST only, and any other method on its path gets 405, so a link
// or an image on another page can never trigger one.
func (ui *UI) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", ui.loginPage)
	mux.HandleFunc("GET /login/{$}", ui.loginPage)
	mux.HandleFunc("GET /login", ui.loginPage)
	// No method-less /invitation for a 405: it would conflict with
	// GET /{session}. Other methods find no page (404).
	mux.HandleFunc("GET /invitation", ui.invitationPage)
	mux.HandleFunc("POST /invitation", ui.invitationAccept)
	ui.static.register(mux)
	mux.HandleFunc("GET /{session}", ui.sessionRoot)
	for _, p := range ui.pages {
		mux.HandleFunc("GET "+pattern(p.path), ui.servePage(p))
	}
	// The API Shell runs whatever function its form names, so it is not an
	// action with fixed fields; its POST is guarded by the session token
	// in the path like every action.
	mux.HandleFunc("POST "+pattern(apiShellPath), ui.apiShellRun)
	for _, a := range ui.actions {
		mux.HandleFunc("POST "+pattern(a.path), ui.serveAction(a))
		mux.HandleFunc(pattern(a.path), ui.methodNotAllowed)
	}
	mux.HandleFunc("/", ui.notFound)
	return mux
}

// pattern turns a path below the session prefix into a ServeMux pattern;
// a path ending in "/" matches only itself, not the subtree.
func pattern(path string) string {
	p := "/{session}" + path
	if strings.HasSuffix(p, "/") {
		p += "{$}"
	}
	return p
}

// sessionRoot sends /cpsessN to /cpsessN/, the home page.
func (ui *UI) sessionRoot(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("session")
	if !isSessionToken(token) {
		ui.notFound(w, r)
		return
	}
	http.Redirect(w, r, "/"+token+"/", http.StatusSeeOther)
}
