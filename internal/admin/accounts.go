package admin

import (
	"net/http"

	"github.com/uapid/uapid/internal/account"
)

// Account is an account as the admin API shows it (never the password hash).
type Account struct {
	Name      string   `json:"name"`
	Domain    string   `json:"domain"`
	Domains   []string `json:"domains"`
	HomeDir   string   `json:"home_dir"`
	QuotaMB   int64    `json:"quota_mb"`
	Features  []string `json:"features"`
	Suspended bool     `json:"suspended"`
	CreatedAt int64    `json:"created_at"`
	// From the operator's profile of the account (see account.Details).
	ContactEmail  string `json:"contact_email"`
	Plan          string `json:"plan"`
	SuspendReason string `json:"suspend_reason,omitempty"`
}

func view(d *account.Details) Account {
	a := d.Account
	return Account{Name: a.Name, Domain: a.Domain, Domains: a.Domains, HomeDir: a.HomeDir,
		QuotaMB: a.QuotaMB, Features: a.Features, Suspended: a.Suspended, CreatedAt: a.CreatedAt.Unix(),
		ContactEmail: d.Profile.ContactEmail, Plan: d.Profile.Plan, SuspendReason: d.Profile.SuspendReason}
}

// CreateAccount is the body of POST /admin/accounts.
type CreateAccount struct {
	Name     string   `json:"name"`
	Password string   `json:"password"`
	Domain   string   `json:"domain"`
	QuotaMB  int64    `json:"quota_mb"`
	Features []string `json:"features,omitempty"`
	// ContactEmail and Plan as WHM's createacct takes them; a plan's
	// quota and features replace QuotaMB and Features.
	ContactEmail string `json:"contact_email,omitempty"`
	Plan         string `json:"plan,omitempty"`
}

// Suspension is the optional body of POST /admin/accounts/{name}/suspend.
type Suspension struct {
	Reason string `json:"reason"`
}

// Password is the body of POST /admin/accounts/{name}/password.
type Password struct {
	Password string `json:"password"`
}

// Quota is the body of POST /admin/accounts/{name}/quota.
type Quota struct {
	QuotaMB int64 `json:"quota_mb"`
}

// Domain is the body of POST /admin/accounts/{name}/domains.
type Domain struct {
	Domain string `json:"domain"`
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	accts, err := s.accounts.ListDetails(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]Account, 0, len(accts))
	for _, d := range accts {
		out = append(out, view(d))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	var req CreateAccount
	if err := readJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	d, err := s.accounts.Provision(r.Context(), account.ProvisionRequest{CreateRequest: account.CreateRequest{
		Name: req.Name, Password: req.Password, Domain: req.Domain, QuotaMB: req.QuotaMB, Features: req.Features},
		ContactEmail: req.ContactEmail, Plan: req.Plan})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, view(d))
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) {
	d, err := s.accounts.Details(r.Context(), r.PathValue("name"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, view(d))
}

// done answers a change: the account as it is now, or the error.
func (s *Server) done(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		writeError(w, err)
		return
	}
	s.showAccount(w, r)
}

func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) {
	if err := s.accounts.Delete(r.Context(), r.PathValue("name")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) {
	var req Password
	if err := readJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	s.done(w, r, s.accounts.SetPassword(r.Context(), r.PathValue("name"), req.Password))
}

func (s *Server) suspend(w http.ResponseWriter, r *http.Request) {
	req := Suspension{Reason: "Unknown"} // WHM's default reason
	if r.ContentLength > 0 {
		if err := readJSON(r, &req); err != nil {
			writeError(w, err)
			return
		}
	}
	s.done(w, r, s.accounts.Suspend(r.Context(), r.PathValue("name"), req.Reason))
}

func (s *Server) unsuspend(w http.ResponseWriter, r *http.Request) {
	s.done(w, r, s.accounts.Unsuspend(r.Context(), r.PathValue("name")))
}

func (s *Server) setQuota(w http.ResponseWriter, r *http.Request) {
	var req Quota
	if err := readJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	s.done(w, r, s.accounts.SetQuota(r.Context(), r.PathValue("name"), req.QuotaMB))
}

func (s *Server) addDomain(w http.ResponseWriter, r *http.Request) {
	var req Domain
	if err := readJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	s.done(w, r, s.accounts.AddDomain(r.Context(), r.PathValue("name"), req.Domain))
}

func (s *Server) removeDomain(w http.ResponseWriter, r *http.Request) {
	s.done(w, r, s.accounts.RemoveDomain(r.Context(), r.PathValue("name"), r.PathValue("domain")))
}
