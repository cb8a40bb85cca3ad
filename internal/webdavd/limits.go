package webdavd

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/uapid/uapid/internal/vfs"
)

// Defaults of LockLimits.
const (
	DefaultMaxLocks       = 100
	DefaultMaxLocksTotal  = 10000
	DefaultMaxLockOwner   = 4 << 10
	DefaultMaxLockTimeout = time.Hour
)

// Bounds of the lock tokens a client sends back. The server's own tokens
// ("urn:uuid:…" style, 50 bytes or so) fit with room to spare; longer
// ones cannot name a lock, so they are refused before anything parses them.
const (
	maxLockTokenHeader = 256     // Lock-Token of UNLOCK, with its angle brackets
	maxIfHeader        = 8 << 10 // If: a few lists of tokens and ETags
)

// LockLimits bound the WebDAV locks clients can make the server hold in
// memory. Zero fields take the defaults.
type LockLimits struct {
	// PerLogin is how many locks one login may hold at once; a LOCK past
	// it is refused with 507.
	PerLogin int
	// Total is how many locks every login together may hold, so that many
	// logins cannot add up to unbounded memory; past it LOCK gets 507.
	Total int
	// OwnerBytes bounds the <D:owner> XML of a LOCK, which the server keeps
	// and shows in lockdiscovery; a larger one is refused with 413.
	OwnerBytes int
	// MaxTimeout is the longest lock: a LOCK or refresh asking for
	// "Infinite", no timeout, or more gets this (RFC 4918 section 10.7
	// lets the server choose).
	MaxTimeout time.Duration
}

// validate fills in the defaults and checks the values.
func (l *LockLimits) validate() error {
	if l.PerLogin < 0 || l.Total < 0 || l.OwnerBytes < 0 || l.MaxTimeout < 0 {
		return fmt.Errorf("webdavd: negative lock limit in %+v", *l)
	}
	if l.PerLogin == 0 {
		l.PerLogin = DefaultMaxLocks
	}
	if l.Total == 0 {
		l.Total = DefaultMaxLocksTotal
	}
	if l.OwnerBytes == 0 {
		l.OwnerBytes = DefaultMaxLockOwner
	}
	if l.MaxTimeout == 0 {
		l.MaxTimeout = DefaultMaxLockTimeout
	}
	if l.MaxTimeout < time.Second {
		return fmt.Errorf("webdavd: lock timeout %v is under a second", l.MaxTimeout)
	}
	return nil
}

// limitError is a request refused because it would pass one of the
// server's bounds. limit names the bound in the metric and the log.
type limitError struct {
	limit  string
	status int
	msg    string
}

func (e *limitError) Error() string { return "webdavd: limit " + e.limit + ": " + e.msg }

// The limits a request can hit, as the metric's label names them.
var (
	errTooManyLocks      = &limitError{"locks_per_login", http.StatusInsufficientStorage, "This login holds as many locks as it may; unlock some first."}
	errTooManyLocksTotal = &limitError{"locks_total", http.StatusInsufficientStorage, "The server holds as many locks as it may; try again later."}
	errOwnerTooLarge     = &limitError{"lock_owner", http.StatusRequestEntityTooLarge, "The lock owner is too large."}
	errTokenTooLarge     = &limitError{"lock_token", http.StatusBadRequest, "The lock token or If header is too long."}
	errInfiniteDepth     = &limitError{"depth_infinity", http.StatusForbidden, "PROPFIND with Depth: infinity is not allowed."}
	errListTooLarge      = &limitError{"list_entries", http.StatusForbidden, fmt.Sprintf("This collection holds more than %d entries; it cannot be listed at once.", vfs.MaxListEntries)}
)

// limitNames are every label value of the metric, so that each series
// exists (at zero) from the start.
var limitNames = []string{"locks_per_login", "locks_total", "lock_owner", "lock_token", "depth_infinity", "list_entries"}

// metrics are the server's Prometheus collectors.
type metrics struct {
	limitHits *prometheus.CounterVec
}

// newMetrics registers the collectors on reg (nil: kept but unregistered).
// A second server on the same registry shares the first one's collectors.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	hits := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "uapid_webdav_limit_hits_total",
		Help: "WebDAV requests refused because they would pass a limit, by limit.",
	}, []string{"limit"})
	if reg != nil {
		if err := reg.Register(hits); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, fmt.Errorf("webdavd: register metrics: %w", err)
			}
			existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
			if !ok {
				return nil, fmt.Errorf("webdavd: register metrics: %w", err)
			}
			hits = existing
		}
	}
	for _, l := range limitNames {
		hits.WithLabelValues(l)
	}
	return &metrics{limitHits: hits}, nil
}

// hit counts one refusal.
func (m *metrics) hit(e *limitError) { m.limitHits.WithLabelValues(e.limit).Inc() }

// checkLimits refuses, before x/net/webdav runs, a request that would pass
// a limit, and shortens a LOCK's timeout to what the server grants.
func (s *Server) checkLimits(r *http.Request, fsys *fileSystem, table *lockTable) *limitError {
	if len(r.Header.Get("If")) > maxIfHeader || len(r.Header.Get("Lock-Token")) > maxLockTokenHeader {
		return errTokenTooLarge
	}
	switch r.Method {
	case "PROPFIND":
		if infiniteDepth(r, fsys) {
			return errInfiniteDepth
		}
		if listsTooMuch(r, fsys) {
			return errListTooLarge
		}
	case "LOCK":
		grantTimeout(r, table.limits.MaxTimeout)
		// A LOCK with a body asks for a new lock (an empty one refreshes):
		// at the limit, refuse it before reading a body of up to 1 MiB.
		if r.ContentLength > 0 {
			return table.full(time.Now())
		}
	}
	return nil
}

// infiniteDepth reports a PROPFIND of a collection with Depth: infinity,
// or without Depth, which RFC 4918 section 9.1 makes infinity. On a file
// infinity is the same as 0 and is served.
func infiniteDepth(r *http.Request, fsys *fileSystem) bool {
	if d := r.Header.Get("Depth"); d != "" && !strings.EqualFold(strings.TrimSpace(d), "infinity") {
		return false // 0, 1, or invalid, which x/net/webdav answers 400
	}
	fi, err := fsys.Stat(r.Context(), r.URL.Path)
	return err == nil && fi.IsDir()
}

// listsTooMuch reports a PROPFIND with Depth: 1 of a collection larger
// than a listing may be (vfs.MaxListEntries): refused before the answer
// begins, as x/net/webdav would otherwise start a 207 and cut it short.
func listsTooMuch(r *http.Request, fsys *fileSystem) bool {
	if strings.TrimSpace(r.Header.Get("Depth")) != "1" {
		return false
	}
	return errors.Is(fsys.v.CheckListable(r.URL.Path), vfs.ErrDirTooLarge)
}

// grantTimeout rewrites a LOCK's Timeout header (RFC 4918 section 10.7)
// to at most longest: "Infinite", none at all, or more become longest. A header
// that does not parse is left for x/net/webdav to answer 400.
func grantTimeout(r *http.Request, longest time.Duration) {
	v, _, _ := strings.Cut(r.Header.Get("Timeout"), ",") // the client's first choice
	v = strings.TrimSpace(v)
	if n, ok := strings.CutPrefix(v, "Second-"); ok {
		secs, err := strconv.ParseUint(n, 10, 32)
		if err != nil || time.Duration(secs)*time.Second <= longest {
			return
		}
	} else if v != "" && v != "Infinite" {
		return
	}
	r.Header.Set("Timeout", "Second-"+strconv.FormatInt(int64(longest/time.Second), 10))
}

// finiteDepthBody is the error body of RFC 4918 section 9.1's precondition,
// as Apache answers with DavDepthInfinity Off.
const finiteDepthBody = `<?xml version="1.0" encoding="utf-8"?>
<D:error xmlns:D="DAV:"><D:propfind-finite-depth/></D:error>
`

// refuseLimit answers a request refused by checkLimits.
func refuseLimit(w http.ResponseWriter, e *limitError) {
	if e == errInfiniteDepth {
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.WriteHeader(e.status)
		_, _ = io.WriteString(w, finiteDepthBody)
		return
	}
	http.Error(w, e.msg, e.status)
}
