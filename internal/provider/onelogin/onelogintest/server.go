// Package onelogintest is a strict stand-in for OneLogin's API (token,
// saml_assertion, verify_factor) on 127.0.0.1, so that tests of any
// package can drive whole OneLogin logins. It answers in the documented
// formats, and it records as a violation, answering 400, every request the
// real service would refuse or that a careful client must not send: a
// wrong method, path, Content-Type, Authorization format, JSON field or
// type, a password sent again after it was refused, a second push, a poll
// without do_not_notify, a code factor without a code. Tests assert that
// Violations is empty. It owns no production code and touches nothing
// outside its own server.
package onelogintest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Device is one MFA device of a user.
type Device struct {
	ID   int
	Type string // device_type as OneLogin lists it: "Google Authenticator", "OneLogin Protect", "OneLogin SMS", …
	Code string // the code it takes: from the app or token, the SMS once sent, or the one OneLogin Protect shows
	// PushApproveAfter approves a OneLogin Protect push at that poll after
	// the push (1 = the first poll); 0 never approves.
	PushApproveAfter int
	// PushApproveDelay approves the push at the first poll this long (on
	// Options.Now) after it was sent; 0 leaves it to PushApproveAfter.
	PushApproveDelay time.Duration
	PushDenied       bool // the user denies the push: the first poll is refused
}

// User is someone who can log in.
type User struct {
	Password string
	Devices  []Device // none: no MFA
	Locked   bool
}

// Options configure the fake. Empty ClientID, ClientSecret, Subdomain and
// AppID default to "client-id", "client-secret", "acme" and "123456".
type Options struct {
	ClientID, ClientSecret string
	Subdomain              string
	AppID                  string
	Users                  map[string]User
	// Assertion makes the SAMLResponse for a user (tests hand out a
	// sandbox-signed one); nil gives a fixed placeholder.
	Assertion     func(username string) (string, error)
	TokenLifetime time.Duration    // 0 = 10h, as OneLogin
	Now           func() time.Time // nil = time.Now; the clock of token expiry and rate windows

	IPNotAllowed           bool          // every login is refused for the caller's address
	InsufficientPermission bool          // the API credential may not call saml_assertion
	RateLimit              int           // API calls per window (token calls not counted); 0 = 5000
	RateWindow             time.Duration // 0 = 1h
	RateLimited            bool          // the window is used up from the start
	ExpireStates           int           // the first n state tokens issued are expired at their first verify_factor
}

// Placeholder is the SAMLResponse handed out when Options.Assertion is nil.
const Placeholder = "PHNhbWxwOlJlc3BvbnNlLz4="

// Counts are the calls the fake saw.
type Counts struct {
	Token, Assertion, Verify int // calls per endpoint, malformed ones included
	Pushes                   int // pushes sent to a phone
	SMS                      int // SMS sent
	Polls                    int // push polls: verify_factor without a code after the push
}

// API is the number of calls counted against OneLogin's rate limit and
// round trips of a login: every call above.
func (c Counts) API() int { return c.Token + c.Assertion + c.Verify }

// Request is one well-formed request body, decoded (numbers as json.Number).
type Request struct {
	Path string
	Body map[string]any
}

// Server is a running fake.
type Server struct {
	URL string // base URL: the provider's url setting

	opts  Options
	srv   *httptest.Server
	decoy *httptest.Server // the callback_url host, which clients must not call

	mu         sync.Mutex
	counts     Counts
	violations []string
	requests   []Request
	tokens     map[string]time.Time // access token → expiry
	rejected   map[string]bool      // users whose password OneLogin refused
	states     map[string]*state
	issued     int
	windowEnd  time.Time
	used       int
}

// state is an MFA state token and what happened under it.
type state struct {
	user        string
	appID       string
	expired     bool
	expiredSeen bool
	done        bool
	pushed      map[int]bool
	pushedAt    map[int]time.Time
	polls       map[int]int
	smsSent     map[int]bool
}

// New starts a fake on 127.0.0.1; Close stops it.
func New(opts Options) *Server {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&opts.ClientID, "client-id")
	def(&opts.ClientSecret, "client-secret")
	def(&opts.Subdomain, "acme")
	def(&opts.AppID, "123456")
	if opts.TokenLifetime == 0 {
		opts.TokenLifetime = 10 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = 5000
	}
	if opts.RateWindow == 0 {
		opts.RateWindow = time.Hour
	}
	s := &Server{opts: opts, tokens: map[string]time.Time{}, rejected: map[string]bool{}, states: map[string]*state{}}
	if opts.RateLimited {
		s.windowEnd, s.used = opts.Now().Add(opts.RateWindow), opts.RateLimit
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.decoy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.violate(w, "%s %s went to the callback_url host instead of the configured API host", r.Method, r.URL.Path)
	}))
	s.URL = s.srv.URL
	return s
}

// Close stops the fake.
func (s *Server) Close() {
	s.srv.Close()
	s.decoy.Close()
}

// Options returns the options in force, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Counts returns the calls so far.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

// Violations returns what the client did that it must not.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// Requests returns the well-formed requests so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RevokeTokens forgets every access token issued, as when an administrator
// revokes an API credential's tokens: a cached token is then refused.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	switch r.URL.Path {
	case "/auth/oauth2/v2/token":
		s.counts.Token++
		s.token(w, r)
	case "/api/2/saml_assertion":
		s.counts.Assertion++
		s.assertion(w, r)
	case "/api/2/saml_assertion/verify_factor":
		s.counts.Verify++
		s.verify(w, r)
	default:
		s.violate(w, "%s %s: no such endpoint", r.Method, r.URL.Path)
	}
}

// violate records a violation and answers 400.
func (s *Server) violate(w http.ResponseWriter, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.violations = append(s.violations, msg)
	writeError(w, http.StatusBadRequest, msg)
}

// writeError answers in OneLogin's v2 error shape.
func writeError(w http.ResponseWriter, status int, message string) {
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"statusCode": status, "name": http.StatusText(status), "message": message})
}

func writeJSON(w http.ResponseWriter, v any) {
	json.NewEncoder(w).Encode(v)
}

// api checks what every /api/2 call needs (a valid bearer token, calls
// left in the rate window) and returns false when it has answered.
func (s *Server) api(w http.ResponseWriter, r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "bearer:")
	if !ok || tok == "" || strings.ContainsAny(tok, " \t") {
		s.violate(w, "%s: Authorization is not bearer:<token>", r.URL.Path)
		return false
	}
	exp, known := s.tokens[tok]
	now := s.opts.Now()
	switch {
	case !known:
		writeError(w, http.StatusUnauthorized, "Authentication Failure")
		return false
	case !now.Before(exp):
		s.violations = append(s.violations, r.URL.Path+": sent an access token past its expires_in")
		writeError(w, http.StatusUnauthorized, "Authentication Failure")
		return false
	}
	if s.windowEnd.IsZero() || !now.Before(s.windowEnd) {
		s.windowEnd, s.used = now.Add(s.opts.RateWindow), 0
	}
	s.used++
	reset := strconv.Itoa(int(math.Ceil(s.windowEnd.Sub(now).Seconds())))
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.opts.RateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, s.opts.RateLimit-s.used)))
	h.Set("X-RateLimit-Reset", reset)
	if s.used > s.opts.RateLimit {
		h.Set("Retry-After", reset)
		writeError(w, http.StatusTooManyRequests, "Rate limit exceeded")
		return false
	}
	return true
}

func randomToken() string {
	b := make([]byte, 20)
	rand.Read(b)
	return hex.EncodeToString(b)
}
