package hosting

import (
	"context"
	"time"
)

// WebSession is a logged-in browser or API-client session: the cookie secret
// and the cpsess security token that must accompany it in every URL. Only a
// hash of the cookie secret is stored.
type WebSession struct {
	IDHash        string // hex SHA-256 of the cookie secret
	AccountID     int64
	SecurityToken string // "cpsess" followed by ten digits
	CreatedAt     time.Time
	LastSeen      time.Time
	RemoteAddr    string
}

// SessionStore persists web sessions so that every node sees them.
type SessionStore interface {
	// CreateSession inserts s.
	CreateSession(ctx context.Context, s *WebSession) error
	// FindSession returns the session with that id hash, or ENOTFOUND.
	FindSession(ctx context.Context, idHash string) (*WebSession, error)
	// TouchSession records activity at time at. Returns ENOTFOUND.
	TouchSession(ctx context.Context, idHash string, at time.Time) error
	// DeleteSession removes a session; a missing one is not an error.
	DeleteSession(ctx context.Context, idHash string) error
	// DeleteIdleSessions removes sessions last seen before the cut-off and
	// returns how many it removed.
	DeleteIdleSessions(ctx context.Context, before time.Time) (int, error)
	// DeleteAccountSessions removes every session of an account.
	DeleteAccountSessions(ctx context.Context, accountID int64) error
}
