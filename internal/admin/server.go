package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// UserHeader names the account a uapi call acts for (cPanel's --user).
const UserHeader = "X-Uapid-User"

// Server serves the admin socket.
type Server struct {
	eng      *uapi.Engine
	accounts *account.Service
	log      *slog.Logger
	srv      *http.Server
	ln       net.Listener
	owner    int // the daemon's effective uid, trusted beside root
}

// New returns a server; call Listen to open the socket.
func New(eng *uapi.Engine, accounts *account.Service, log *slog.Logger) *Server {
	s := &Server{eng: eng, accounts: accounts, log: log, owner: os.Geteuid()}
	s.srv = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second,
		ConnContext: peerContext}
	return s
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /execute/{module}/{function}", s.execute)
	mux.HandleFunc("GET /admin/accounts", s.listAccounts)
	mux.HandleFunc("POST /admin/accounts", s.createAccount)
	mux.HandleFunc("GET /admin/accounts/{name}", s.showAccount)
	mux.HandleFunc("DELETE /admin/accounts/{name}", s.deleteAccount)
	mux.HandleFunc("POST /admin/accounts/{name}/password", s.setPassword)
	mux.HandleFunc("POST /admin/accounts/{name}/suspend", s.suspend)
	mux.HandleFunc("POST /admin/accounts/{name}/unsuspend", s.unsuspend)
	mux.HandleFunc("POST /admin/accounts/{name}/plan", s.changePlan)
	mux.HandleFunc("POST /admin/accounts/{name}/quota", s.setQuota)
	mux.HandleFunc("POST /admin/accounts/{name}/domains", s.addDomain)
	mux.HandleFunc("DELETE /admin/accounts/{name}/domains/{domain}", s.removeDomain)
	mux.HandleFunc("GET /admin/packages", s.listPackages)
	mux.HandleFunc("POST /admin/packages", s.createPackage)
	mux.HandleFunc("DELETE /admin/packages/{name}", s.deletePackage)
	mux.HandleFunc("GET /admin/tokens", s.listTokens)
	mux.HandleFunc("POST /admin/tokens", s.createToken)
	mux.HandleFunc("DELETE /admin/tokens/{name}", s.revokeToken)
	return s.onlyTrusted(mux)
}

// Listen creates the socket at path with mode 0600, replacing a stale one.
func (s *Server) Listen(path string) error {
	if err := removeStale(path); err != nil {
		return err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("admin: listen: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("admin: chmod socket: %w", err)
	}
	s.ln = ln
	return nil
}

// removeStale deletes a socket file left by a crashed daemon, but refuses
// to start a second daemon on a socket that still answers.
func removeStale(path string) error {
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return fmt.Errorf("admin: %s is in use: is another uapid running?", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("admin: remove stale socket: %w", err)
	}
	return nil
}

// Serve serves until Shutdown.
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops serving and waits for running requests.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

type peerKey struct{}

// peerContext records the connecting process's uid from SO_PEERCRED.
func peerContext(ctx context.Context, c net.Conn) context.Context {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return ctx
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return ctx
	}
	var cred *unix.Ucred
	_ = raw.Control(func(fd uintptr) {
		cred, _ = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if cred == nil {
		return ctx
	}
	return context.WithValue(ctx, peerKey{}, int(cred.Uid))
}

// onlyTrusted refuses every peer but root and the daemon's own user: the
// socket's mode already keeps others out, and this holds even if the mode
// is loosened or the socket is reached through a file descriptor.
func (s *Server) onlyTrusted(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uid, ok := r.Context().Value(peerKey{}).(int)
		if !ok || (uid != 0 && uid != s.owner) {
			writeError(w, hosting.Errorf(hosting.EFORBIDDEN, "Only root or the daemon's own user may use the admin socket."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// execute runs a UAPI function for the account named in UserHeader and
// answers the bare result object, exactly as /execute over HTTPS does.
func (s *Server) execute(w http.ResponseWriter, r *http.Request) {
	acct, err := s.accounts.Get(r.Context(), r.Header.Get(UserHeader))
	if err != nil {
		writeError(w, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, hosting.Errorf(hosting.EINVALID, "The arguments could not be read: %v", err))
		return
	}
	res := s.eng.Execute(r.Context(), uapi.Request{Account: acct, Module: r.PathValue("module"),
		Function: r.PathValue("function"), Args: uapi.ArgsFromValues(r.PostForm), Transport: "cli"})
	writeJSON(w, http.StatusOK, res)
}

var statusByCode = map[string]int{
	hosting.EINVALID: http.StatusBadRequest, hosting.ENOTFOUND: http.StatusNotFound,
	hosting.ECONFLICT: http.StatusConflict, hosting.EFORBIDDEN: http.StatusForbidden,
	hosting.EUNAUTHORIZED: http.StatusUnauthorized, hosting.EQUOTA: http.StatusInsufficientStorage,
	hosting.EINTERNAL: http.StatusInternalServerError,
}

// Error is the body of a failed admin request.
type Error struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, err error) {
	writeJSON(w, statusByCode[hosting.ErrorCode(err)], Error{Error: hosting.ErrorMessage(err)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func readJSON(r *http.Request, v any) error {
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		return hosting.Errorf(hosting.EINVALID, "The request body is not valid JSON: %v", err)
	}
	return nil
}
