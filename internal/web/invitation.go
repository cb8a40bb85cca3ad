package web

import (
	"net/http"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// inviteView is what the invitation page shows.
type inviteView struct {
	Token  string   // the link's secret, posted back by the form
	Form   bool     // show the set-password form
	Errors []string // why the form just failed
	Done   string   // the user whose password is now set
}

// Texts of the invitation page. Unknown and used links read the same: the
// page tells no more about a token than whether it was accepted.
const (
	inviteIncomplete = "This link is incomplete. Open the link in the invitation mail exactly as it is."
	inviteUnknown    = "This invitation link is not valid: it was used already, or it was copied incompletely. Ask for a new invitation."
)

// invitationPage serves GET /invitation?token=…, the link UserManager mails
// to an invited Subaccount user: a form to choose a password. It does not
// look the token up, so the page is the same for every token and cannot be
// used to test tokens; only sending the form does that, once per guess,
// through AcceptInvite.
func (ui *UI) invitationPage(w http.ResponseWriter, r *http.Request) {
	if ui.cfg.Invites == nil {
		ui.notFound(w, r)
		return
	}
	token := r.URL.Query().Get("token")
	if token == "" {
		ui.renderInvite(w, r, http.StatusBadRequest, &inviteView{}, inviteIncomplete)
		return
	}
	ui.renderInvite(w, r, http.StatusOK, &inviteView{Token: token, Form: true}, "")
}

// invitationAccept serves POST /invitation: the chosen password goes to
// AcceptInvite with the token. There is no session and no CSRF token: the
// invitation token in the form is the secret another site cannot know.
func (ui *UI) invitationAccept(w http.ResponseWriter, r *http.Request) {
	if ui.cfg.Invites == nil {
		ui.notFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		ui.renderError(w, r, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return
	}
	token, pass := r.PostForm.Get("token"), r.PostForm.Get("password")
	iv := &inviteView{Token: token, Form: true}
	// The checks the page can make itself come first: a typo in the second
	// password must not use the invitation up.
	switch {
	case token == "":
		ui.renderInvite(w, r, http.StatusBadRequest, &inviteView{}, inviteIncomplete)
		return
	case pass == "":
		iv.Errors = []string{"Choose a password."}
	case pass != r.PostForm.Get("confirm"):
		iv.Errors = []string{"The two passwords differ. Type the same password twice."}
	}
	if iv.Errors != nil {
		ui.renderInvite(w, r, http.StatusUnprocessableEntity, iv, "")
		return
	}
	ui.acceptInvite(w, r, token, pass)
}

// acceptInvite calls AcceptInvite and shows its answer: the user's name on
// success; for a refused token a page without the form, since sending it
// again cannot succeed.
func (ui *UI) acceptInvite(w http.ResponseWriter, r *http.Request, token, pass string) {
	sub, err := ui.cfg.Invites.AcceptInvite(r.Context(), token, pass)
	switch hosting.ErrorCode(err) {
	case "":
		ui.renderInvite(w, r, http.StatusOK, &inviteView{Done: sub.FullUsername()}, "")
	case hosting.ENOTFOUND:
		ui.log.InfoContext(r.Context(), "web: invitation refused", "req_id", uapi.RequestID(r.Context()), "remote", r.RemoteAddr)
		ui.renderInvite(w, r, http.StatusNotFound, &inviteView{}, inviteUnknown)
	case hosting.EINVALID:
		// An expired invitation: the message says to ask for a new one.
		ui.renderInvite(w, r, http.StatusGone, &inviteView{}, hosting.ErrorMessage(err))
	case hosting.EFORBIDDEN:
		// The account is suspended; the invitation stays valid for later.
		ui.renderInvite(w, r, http.StatusForbidden, &inviteView{}, hosting.ErrorMessage(err))
	default:
		ui.internalError(w, r, err)
	}
}

// renderInvite renders the invitation page; notice, when set, is why there
// is no form.
func (ui *UI) renderInvite(w http.ResponseWriter, r *http.Request, status int, iv *inviteView, notice string) {
	v := &view{Brand: ui.cfg.Brand, Title: "Set your password", Page: "invitation", Notice: notice, Invite: iv}
	ui.render(w, r, nil, "invitation", v, status)
}
