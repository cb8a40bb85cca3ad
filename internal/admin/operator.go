package admin

import (
	"net/http"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// Token is an operator token as the admin API shows it; Secret is set only
// in the answer to its creation.
type Token struct {
	Name      string `json:"name"`
	Secret    string `json:"token,omitempty"`
	CreatedAt int64  `json:"created_at"`
	ExpiresAt *int64 `json:"expires_at"`
}

// CreateToken is the body of POST /admin/tokens.
type CreateToken struct {
	Name      string `json:"name"`
	ExpiresAt int64  `json:"expires_at,omitempty"` // Unix time; 0: never
}

func tokenView(t *hosting.OperatorToken) Token {
	v := Token{Name: t.Name, CreatedAt: t.CreatedAt.Unix()}
	if t.ExpiresAt != nil {
		e := t.ExpiresAt.Unix()
		v.ExpiresAt = &e
	}
	return v
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var req CreateToken
	if err := readJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	var expires *time.Time
	if req.ExpiresAt != 0 {
		e := time.Unix(req.ExpiresAt, 0).UTC()
		expires = &e
	}
	secret, t, err := s.accounts.CreateOperatorToken(r.Context(), req.Name, expires)
	if err != nil {
		writeError(w, err)
		return
	}
	v := tokenView(t)
	v.Secret = secret
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	ts, err := s.accounts.ListOperatorTokens(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]Token, 0, len(ts))
	for _, t := range ts {
		out = append(out, tokenView(t))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.accounts.RevokeOperatorToken(r.Context(), r.PathValue("name")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Package is a hosting plan as the admin API shows and takes it.
type Package struct {
	Name     string   `json:"name"`
	QuotaMB  int64    `json:"quota_mb"`
	Features []string `json:"features,omitempty"` // empty on create: every feature
}

// Plan is the body of POST /admin/accounts/{name}/plan.
type Plan struct {
	Plan string `json:"plan"`
}

func (s *Server) createPackage(w http.ResponseWriter, r *http.Request) {
	var req Package
	if err := readJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	p, err := s.accounts.CreatePackage(r.Context(), hosting.Package{Name: req.Name, QuotaMB: req.QuotaMB, Features: req.Features})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, Package{Name: p.Name, QuotaMB: p.QuotaMB, Features: p.Features})
}

func (s *Server) listPackages(w http.ResponseWriter, r *http.Request) {
	ps, err := s.accounts.ListPackages(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]Package, 0, len(ps))
	for _, p := range ps {
		out = append(out, Package{Name: p.Name, QuotaMB: p.QuotaMB, Features: p.Features})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) deletePackage(w http.ResponseWriter, r *http.Request) {
	if err := s.accounts.DeletePackage(r.Context(), r.PathValue("name")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) changePlan(w http.ResponseWriter, r *http.Request) {
	var req Plan
	if err := readJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	s.done(w, r, s.accounts.ChangePackage(r.Context(), r.PathValue("name"), req.Plan))
}
