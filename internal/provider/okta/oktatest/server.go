// Package oktatest is a strict stand-in for an Okta org on 127.0.0.1: the
// classic authentication API (/api/v1/authn and factor verification), the
// AWS app's embed link answering a SAML form, /api/v1/sessions/me,
// /.well-known/okta-organization, and the OAuth 2.0 device authorization
// grant with token exchange that Identity Engine orgs offer, so that tests
// of any package can drive whole Okta sign-ins. It answers in the formats of
// ../shared/PROTOCOLS.md, and it records as a violation (answering 400)
// every request the real service would refuse or that a careful client must
// not send: a wrong method, path, Content-Type or field, a password sent
// again after it was refused, a second push, a push poll faster than 1 s or
// without the state token, a device-code poll faster than its interval.
// Tests assert that Violations is empty. It owns no production code.
package oktatest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Factor is one enrolled MFA factor of a user.
type Factor struct {
	ID       string // "" = derived from the type
	Type     string // factorType: push, token:software:totp, token:hardware, token, sms, call, email, question, webauthn, web, signed_nonce
	Provider string // OKTA, GOOGLE, YUBICO, RSA, DUO, FIDO; "" = OKTA
	Name     string // the device's name (profile.name), if any
	Code     string // the code it takes: from the app or token, the one sent by SMS, call or email, or a question's answer

	// Push behaviour. The push is approved at the first poll ApproveAfter
	// (on Options.Now) after it was sent, or at poll ApproveAtPoll; with
	// neither set it waits for ever. Reject and TimeOut answer REJECTED or
	// TIMEOUT at the first poll.
	ApproveAfter  time.Duration
	ApproveAtPoll int
	Reject        bool
	TimeOut       bool
	// Number is the number challenge shown with the push (correctAnswer); 0: none.
	Number int
	// NumberLate leaves the number out of the push's first answer: it
	// comes with the polls, as some orgs answer.
	NumberLate bool
}

// User is someone who can sign in.
type User struct {
	Password        string
	Factors         []Factor // none: no MFA
	LockedOut       bool
	PasswordExpired bool
	// StepUp makes the app ask for MFA at the embed link (a step-up page
	// holding a stateToken) instead of at /api/v1/authn.
	StepUp bool
}

// Options configure the fake.
type Options struct {
	Users map[string]User
	// AppID is the AWS app's id in the embed link /home/amazon_aws/<AppID>/272; "" = "0oa1awsapp".
	AppID string
	// Assertion makes the SAMLResponse for a user; nil gives Placeholder.
	Assertion func(username string) (string, error)
	ACS       string // where the SAML form posts; "" = https://signin.aws.amazon.com/saml
	// AppRedirect makes the embed link answer, as many orgs do, with a
	// redirect to the app's SSO URL /app/amazon_aws/<id>/sso/saml, which
	// serves the SAML form to a live session.
	AppRedirect bool
	Now         func() time.Time // nil = time.Now: the clock of tokens, sessions, pushes and polls

	// IdentityEngine makes the org an Okta Identity Engine org: the
	// well-known document says pipeline "idx", sessions use the idx cookie,
	// and the embed link answers a session token from /api/v1/authn with
	// the Identity Engine sign-in page (a stateToken the classic API does
	// not know) instead of the SAML form.
	IdentityEngine bool
	ClientID       string        // the OIDC native app of the device flow; "" = "0oadevice"
	DeviceApprove  time.Duration // the user approves the device code this long after it was issued
	DeviceInterval int           // seconds between device-code polls; 0 = 5

	RateLimited    int           // the first n calls of /api/v1/authn answer 429 E0000047
	RateLimitPolls int           // the first n push polls answer 429 E0000047 (the push stays pending)
	ExpireStates   int           // the first n state tokens are expired at their first use after issue
	SessionLength  time.Duration // an Okta session lives this long; 0 = 2h
	TokenLifetime  time.Duration // a sessionToken; 0 = 5m
	RateLimitReset time.Duration // X-Rate-Limit-Reset is this far ahead; 0 = 1m
}

// Placeholder is the SAMLResponse handed out when Options.Assertion is nil.
const Placeholder = "PHNhbWxwOlJlc3BvbnNlLz4="

// Counts are the calls the fake saw, malformed ones included.
type Counts struct {
	Authn      int // POST /api/v1/authn
	Verify     int // POST …/factors/{id}/verify (pushes, polls, sends and codes)
	Pushes     int // pushes sent to a phone
	Polls      int // push verify calls after the push
	Sent       int // SMS, calls and emails sent
	Embed      int // GET of the embed link
	AppSSO     int // GET of /app/amazon_aws/<id>/sso/saml (Options.AppRedirect)
	SessionsMe int // GET /api/v1/sessions/me
	WellKnown  int // GET /.well-known/okta-organization
	Device     int // POST /oauth2/v1/device/authorize
	Token      int // POST /oauth2/v1/token (device-code polls and the exchange)
	TokenSSO   int // GET /login/token/sso
	Other      int // anything else, the sign-in page included
}

// Requests is every request made to the org.
func (c Counts) Requests() int {
	return c.Authn + c.Verify + c.Embed + c.AppSSO + c.SessionsMe + c.WellKnown + c.Device + c.Token + c.TokenSSO + c.Other
}

// Request is one well-formed request: its path and decoded body (JSON
// fields, or form values as strings).
type Request struct {
	Path string
	Body map[string]any
}

// Server is a running fake.
type Server struct {
	URL string // the org's origin, http://127.0.0.1:port

	opts Options
	srv  *httptest.Server

	mu         sync.Mutex
	counts     Counts
	violations []string
	requests   []Request
	rejected   map[string]bool // users whose password was refused
	states     map[string]*state
	tokens     map[string]*sessionToken
	sessions   map[string]*session
	devices    map[string]*deviceCode
	accessToks map[string]string // access or id token → user
	webSSO     map[string]string // web SSO token → user
	issued     int
	userOfIdx  string // the user the device flow signs in
}

// state is an authentication transaction.
type state struct {
	user       string
	issued     time.Time
	expired    bool // Options.ExpireStates: refused at its next use
	done       bool
	mfaDone    bool
	pushedAt   map[string]time.Time
	lastPoll   map[string]time.Time
	polls      map[string]int
	sent       map[string]bool
	resolution map[string]string // factor id → REJECTED or TIMEOUT once answered
	heldUntil  time.Time         // a 429 asked for no call before then
}

type sessionToken struct {
	user    string
	issued  time.Time
	used    bool
	mfaDone bool
}

type session struct {
	user    string
	expires time.Time
	revoked bool
}

type deviceCode struct {
	issued   time.Time
	lastPoll time.Time
	done     bool
}

// New starts a fake org on 127.0.0.1; Close stops it.
func New(opts Options) *Server {
	if opts.AppID == "" {
		opts.AppID = "0oa1awsapp"
	}
	if opts.ACS == "" {
		opts.ACS = "https://signin.aws.amazon.com/saml"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClientID == "" {
		opts.ClientID = "0oadevice"
	}
	if opts.DeviceInterval == 0 {
		opts.DeviceInterval = 5
	}
	if opts.SessionLength == 0 {
		opts.SessionLength = 2 * time.Hour
	}
	if opts.TokenLifetime == 0 {
		opts.TokenLifetime = 5 * time.Minute
	}
	if opts.RateLimitReset == 0 {
		opts.RateLimitReset = time.Minute
	}
	s := &Server{
		opts: opts, rejected: map[string]bool{}, states: map[string]*state{}, tokens: map[string]*sessionToken{},
		sessions: map[string]*session{}, devices: map[string]*deviceCode{}, accessToks: map[string]string{}, webSSO: map[string]string{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the fake.
func (s *Server) Close() { s.srv.Close() }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// EmbedLink is the AWS app's embed link: the url of an okta [idp] section.
func (s *Server) EmbedLink() string { return s.URL + "/home/amazon_aws/" + s.opts.AppID + "/272" }

// Counts returns the calls so far.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

// Violations lists what a careful client must not have sent.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// Requests returns the well-formed requests, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RevokeSessions ends every Okta session, as signing out elsewhere or an
// administrator would.
func (s *Server) RevokeSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ss := range s.sessions {
		ss.revoked = true
	}
}

// Sessions is the number of live sessions.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, ss := range s.sessions {
		if !ss.revoked && s.opts.Now().Before(ss.expires) {
			n++
		}
	}
	return n
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := r.URL.Path
	switch {
	case p == "/api/v1/authn":
		s.counts.Authn++
		s.authn(w, r)
	case strings.HasPrefix(p, "/api/v1/authn/factors/"):
		s.counts.Verify++
		s.verify(w, r)
	case p == "/home/amazon_aws/"+s.opts.AppID+"/272":
		s.counts.Embed++
		s.embed(w, r)
	case p == s.appSSOPath():
		s.counts.AppSSO++
		s.appSSO(w, r)
	case strings.HasPrefix(p, "/home/"):
		s.counts.Embed++
		s.page(w, http.StatusNotFound, "Not Found", `<div class="error-code">404</div><p class="error">The page you are looking for can't be found.</p>`)
	case p == "/api/v1/sessions/me":
		s.counts.SessionsMe++
		s.sessionsMe(w, r)
	case p == "/.well-known/okta-organization":
		s.counts.WellKnown++
		s.wellKnown(w, r)
	case p == "/oauth2/v1/device/authorize":
		s.counts.Device++
		s.deviceAuthorize(w, r)
	case p == "/oauth2/v1/token":
		s.counts.Token++
		s.token(w, r)
	case p == "/login/token/sso":
		s.counts.TokenSSO++
		s.tokenSSO(w, r)
	case p == "/login/login.htm":
		s.counts.Other++
		s.page(w, http.StatusOK, "Acme - Sign In", `<div id="okta-sign-in"></div><script>var config = {};</script>`)
	default:
		s.counts.Other++
		s.violate(w, "%s %s: no such endpoint", r.Method, p)
	}
}

// violate records a violation and answers 400 with Okta's validation error.
func (s *Server) violate(w http.ResponseWriter, format string, args ...any) {
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
	s.apiError(w, http.StatusBadRequest, "E0000001", "Api validation failed: "+fmt.Sprintf(format, args...))
}

// apiError answers Okta's error JSON.
func (s *Server) apiError(w http.ResponseWriter, status int, code, summary string, causes ...string) {
	var cs []map[string]string
	for _, c := range causes {
		cs = append(cs, map[string]string{"errorSummary": c})
	}
	if cs == nil {
		cs = []map[string]string{}
	}
	s.json(w, status, map[string]any{"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae" + s.random(8), "errorCauses": cs})
}

func (s *Server) json(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) page(w http.ResponseWriter, status int, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>%s</title></head><body>%s</body></html>", title, body)
}

func (s *Server) random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
