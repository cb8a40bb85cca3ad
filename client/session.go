package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
)

// session is a login session: the security token that prefixes its paths
// and the cookies the login set.
type session struct {
	prefix  string // "/cpsess0123456789"
	cookies []*http.Cookie
}

func (s *session) addCookies(req *http.Request) {
	for _, ck := range s.cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
}

// securityTokenRE is the form of cPanel's security token; anything else in
// the answer would put an arbitrary string into every request path.
var securityTokenRE = regexp.MustCompile(`^/cpsess[0-9]+$`)

// loginReply is the JSON answer of /login/?login_only=1.
type loginReply struct {
	Status        int    `json:"status"`
	SecurityToken string `json:"security_token"`
	Message       string `json:"message"`
}

// Login opens a login session for user and returns a Client that calls
// functions on it (/cpsessN/execute/...), with the session cookie, until
// Logout. The password is sent once and not kept, so a session that ends
// (15 minutes without a request, or Logout) answers *HTTPError 401 and
// needs a new Login. Authentication options among opts are ignored.
//
// A wrong password returns an *HTTPError whose Message is "invalid_login".
func Login(ctx context.Context, baseURL, user, password string, opts ...Option) (*Client, error) {
	c, err := New(baseURL, opts...)
	if err != nil {
		return nil, err
	}
	c.authorize, c.loginSession = nil, true
	u := *c.base
	u.Path += "/login/"
	u.RawQuery = "login_only=1"
	req, err := c.newRequest(ctx, http.MethodPost, u.String(), url.Values{"user": {user}, "pass": {password}})
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("client: login: %w", err)
	}
	defer resp.Body.Close()
	sess, err := readLogin(resp)
	if err != nil {
		return nil, err
	}
	c.session = sess
	return c, nil
}

// readLogin checks a login answer and returns the session it opened.
func readLogin(resp *http.Response) (*session, error) {
	body, err := readBody(resp)
	if err != nil {
		return nil, fmt.Errorf("client: login: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, newHTTPError(resp, body)
	}
	var reply loginReply
	if err := json.Unmarshal(body, &reply); err != nil {
		return nil, fmt.Errorf("client: login: the answer is not JSON: %w", err)
	}
	if reply.Status != 1 {
		return nil, fmt.Errorf("client: login failed: %q", reply.Message)
	}
	if !securityTokenRE.MatchString(reply.SecurityToken) {
		return nil, fmt.Errorf("client: login: unexpected security token %q", reply.SecurityToken)
	}
	sess := &session{prefix: reply.SecurityToken}
	for _, ck := range resp.Cookies() {
		if ck.Value != "" {
			sess.cookies = append(sess.cookies, ck)
		}
	}
	if len(sess.cookies) == 0 {
		return nil, errors.New("client: login: the answer set no session cookie")
	}
	return sess, nil
}

// ErrNotLoggedIn is returned by Logout on a Client that has no login
// session (one made by New, or one that has logged out already), and by
// the calls of a Client made by Login after its Logout.
var ErrNotLoggedIn = errors.New("client: not logged in")

// Logout ends the login session on the server. The Client cannot call
// functions afterwards; Login again for a new session. The session is
// forgotten even when the request fails, since the server ends idle
// sessions by itself.
func (c *Client) Logout(ctx context.Context) error {
	c.mu.Lock()
	sess := c.session
	c.session = nil
	c.mu.Unlock()
	if sess == nil {
		return ErrNotLoggedIn
	}
	u := *c.base
	u.Path += "/logout/"
	u.RawQuery = "login_only=1"
	req, err := c.newRequest(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return err
	}
	sess.addCookies(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("client: logout: %w", err)
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	if err != nil {
		return fmt.Errorf("client: logout: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return newHTTPError(resp, body)
	}
	return nil
}

// currentSession returns the login session, or nil.
func (c *Client) currentSession() *session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.session
}
