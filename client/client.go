package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// DefaultUserAgent is the User-Agent header a Client sends unless
// WithUserAgent names another.
const DefaultUserAgent = "uapid-go-client/1"

// Client calls UAPI functions on one server as one account. It is safe for
// concurrent use by several goroutines.
type Client struct {
	base      *url.URL // scheme, host and an optional path prefix, no trailing slash
	http      *http.Client
	userAgent string
	authorize func(*http.Request) // sets Authorization; nil for a login session
	hook      func(*Result)

	loginSession bool // made by Login: never falls back to calls without credentials

	mu      sync.Mutex
	session *session // set by Login, cleared by Logout
}

// Option configures a Client in New or Login.
type Option func(*options)

type options struct {
	httpClient *http.Client
	insecure   bool
	userAgent  string
	authorize  func(*http.Request)
	hook       func(*Result)
}

// WithBasicAuth authenticates every request with the account's password
// over HTTP Basic. Use it only over HTTPS.
func WithBasicAuth(user, password string) Option {
	return func(o *options) {
		o.authorize = func(r *http.Request) { r.SetBasicAuth(user, password) }
	}
}

// WithToken authenticates every request with an API token, as cPanel's
// "Authorization: cpanel USER:TOKEN" header. Tokens come from
// Tokens::create_full_access (TokensModule.CreateFullAccess).
func WithToken(user, token string) Option {
	return func(o *options) {
		o.authorize = func(r *http.Request) { r.Header.Set("Authorization", "cpanel "+user+":"+token) }
	}
}

// WithHTTPClient sends requests through hc instead of a client of the
// package's own (for timeouts, proxies, custom TLS roots or tracing).
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) { o.httpClient = hc }
}

// WithInsecureSkipVerify accepts any TLS certificate, such as the
// self-signed one uapid makes when it is given none. It exposes the
// password or token to anyone who can intercept the connection: prefer
// adding the server's certificate to the roots of a client given with
// WithHTTPClient.
func WithInsecureSkipVerify() Option {
	return func(o *options) { o.insecure = true }
}

// WithUserAgent sets the User-Agent header (DefaultUserAgent otherwise).
func WithUserAgent(ua string) Option {
	return func(o *options) { o.userAgent = ua }
}

// WithResultHook calls hook with every result object the server answers,
// successful or not, before the Client returns it. Typed methods return only
// their data, so this is where a program sees their warnings and messages
// (for example Email::delete_pop's note about a mail directory it could not
// remove). hook must be safe for concurrent use when the Client is.
func WithResultHook(hook func(*Result)) Option {
	return func(o *options) { o.hook = hook }
}

// New returns a Client for the server at baseURL, such as
// "https://host.example:2083". A path in baseURL is kept as a prefix, for a
// server behind a reverse proxy. Without an authentication option every
// call is refused with an *HTTPError 401.
func New(baseURL string, opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	base, err := parseBase(baseURL)
	if err != nil {
		return nil, err
	}
	hc, err := o.buildHTTPClient()
	if err != nil {
		return nil, err
	}
	ua := o.userAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	return &Client{base: base, http: hc, userAgent: ua, authorize: o.authorize, hook: o.hook}, nil
}

func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("client: base URL: %w", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("client: base URL %q: want https://host:port", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("client: base URL %q: must not have a query, a fragment or user info", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// buildHTTPClient returns the caller's client, or a new one, with
// certificate checks turned off when asked. The caller's client is copied,
// never changed, since it may serve other code too.
func (o *options) buildHTTPClient() (*http.Client, error) {
	hc := &http.Client{}
	if o.httpClient != nil {
		copied := *o.httpClient
		hc = &copied
	}
	if !o.insecure {
		return hc, nil
	}
	var tr *http.Transport
	switch t := hc.Transport.(type) {
	case nil:
		tr = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		tr = t.Clone()
	default:
		return nil, errors.New("client: WithInsecureSkipVerify needs an *http.Transport in the HTTP client")
	}
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	}
	tr.TLSClientConfig.InsecureSkipVerify = true
	hc.Transport = tr
	return hc, nil
}

// identRE is what cPanel accepts as a module or function name; checking it
// here also keeps "/" and "." out of the path.
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Call runs module::function with args (nil for none) and returns the
// result object. It returns an *Error when the function fails (status 0),
// with the result in it, and an *HTTPError when the server refuses the
// request (authentication, limits). Arguments go in a POST form body, so
// passwords never appear in URLs or access logs.
func (c *Client) Call(ctx context.Context, module, function string, args url.Values) (*Result, error) {
	if !identRE.MatchString(module) || !identRE.MatchString(function) {
		return nil, fmt.Errorf("client: invalid function name %q::%q", module, function)
	}
	req, err := c.executeRequest(ctx, module, function, args)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("client: %s::%s: %w", module, function, err)
	}
	defer resp.Body.Close()
	return c.readResult(resp, module, function)
}

// CallInto runs module::function like Call and decodes the result's data
// into out (a pointer; nil to ignore the data).
func (c *Client) CallInto(ctx context.Context, module, function string, args url.Values, out any) error {
	r, err := c.Call(ctx, module, function, args)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	return r.Decode(out)
}

// executeRequest builds the POST of one call, on the session's cpsess path
// when the Client is logged in.
func (c *Client) executeRequest(ctx context.Context, module, function string, args url.Values) (*http.Request, error) {
	sess := c.currentSession()
	if sess == nil && c.loginSession {
		return nil, ErrNotLoggedIn
	}
	prefix := ""
	if sess != nil {
		prefix = sess.prefix
	}
	u := *c.base
	u.Path += prefix + "/execute/" + module + "/" + function
	req, err := c.newRequest(ctx, http.MethodPost, u.String(), args)
	if err != nil {
		return nil, err
	}
	if sess != nil {
		sess.addCookies(req)
	} else if c.authorize != nil {
		c.authorize(req)
	}
	return req, nil
}

// newRequest builds a request with the Client's headers; a POST carries
// form as its body.
func (c *Client) newRequest(ctx context.Context, method, target string, form url.Values) (*http.Request, error) {
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	return req, nil
}
