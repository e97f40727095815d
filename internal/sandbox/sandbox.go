package sandbox

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Account is the AWS account the sandbox's roles and SAML provider live in.
const Account = "123456789012"

// ProviderName is the name of the sandbox IdP's IAM SAML provider.
const ProviderName = "Sandbox"

// User is someone who can log in to the sandbox IdP.
type User struct {
	Name, Password string
	// Roles are role names in Account ("Dev") or full role ARNs.
	Roles []string
	// SessionDuration is sent as the SessionDuration attribute; 0 omits it.
	SessionDuration time.Duration
}

// Trust registers another IdP's signing certificate as the SAML provider
// arn:aws:iam::<any account>:saml-provider/<Name>, so that assertions from a
// real IdP can be checked offline.
type Trust struct {
	Name string
	Cert *x509.Certificate
}

// Options configure Start. The zero value runs the default sandbox.
type Options struct {
	IdPAddr, STSAddr string // listen addresses; "" = "127.0.0.1:0"; loopback only
	SigninAddr       string // listen address of the AWS sign-in fake (federation endpoint, role page)
	Users            []User // nil = demo / demo with roles Dev and Admin, SessionDuration 1h
	Trust            []Trust
	MaxSession       time.Duration    // the roles' MaxSessionDuration; 0 = 1h
	Now              func() time.Time // nil = time.Now
	Log              io.Writer        // one line per request; nil = silent
	// Aliases are the accounts' aliases (account ID → alias), shown on the
	// role-selection page; nil = aliases for Account, ProdAccount and
	// AuditAccount. The sandbox IdP is a SAML provider in Account and in
	// each account named here (an alias "" registers it without a name).
	Aliases map[string]string
	// RolePage is the role-selection page's layout: RolePageHTML (default)
	// or RolePageData.
	RolePage string
	// TeamAccounts gives the default user team a role in this many
	// accounts (TeamAccount, TeamRole); 0 = 3.
	TeamAccounts int
	// ExternalIDs are the ExternalId that AssumeRole of a role (by ARN)
	// requires, as its trust policy's sts:ExternalId condition would.
	ExternalIDs map[string]string
	// CredentialLifetime, a test knob, makes issued keys expire after this
	// long whatever DurationSeconds asked for (0 = as asked), so that tests
	// can watch keys being refreshed without waiting 15 minutes.
	CredentialLifetime time.Duration
}

// Sandbox is a running IdP and STS pair.
type Sandbox struct {
	IdPURL string // the IdP-initiated SSO URL for AWS (the form provider's --url)
	STSURL string // the STS endpoint, e.g. http://127.0.0.1:PORT/
	// SigninURL is the federation endpoint (AWS's
	// https://signin.aws.amazon.com/federation); the role-selection page
	// answers POSTs at /saml on the same origin.
	SigninURL string
	Cert      *x509.Certificate // the IdP's signing certificate

	key        *rsa.PrivateKey
	entityID   string
	baseURL    string
	users      map[string]User
	trust      map[string]*x509.Certificate
	maxSession time.Duration
	lifetime   time.Duration
	now        func() time.Time

	logMu sync.Mutex
	log   io.Writer

	sessions *sessionStore
	creds    *credStore
	tokens   *tokenStore

	verifiedCache verifiedCache

	accounts     map[string]bool // where the sandbox IdP is a SAML provider
	aliases      map[string]string
	rolePage     string
	externalIDs  map[string]string
	revokedRoles map[string]bool // under actionMu

	idpSrv, stsSrv, signinSrv *http.Server
	idpCount, stsCount        atomic.Int64
	actionMu                  sync.Mutex
	actions                   map[string]int // "AssumeRoleWithSAML", "GetCallerIdentity ok", ...
	serveErr                  chan error
	stopAfter                 func() bool
	closeOnce                 sync.Once
	closeErr                  error
}

// ProviderARN is the sandbox IdP's IAM SAML provider.
func ProviderARN() string {
	return "arn:aws:iam::" + Account + ":saml-provider/" + ProviderName
}

// RoleARN is the ARN of the sandbox role name.
func RoleARN(name string) string {
	return "arn:aws:iam::" + Account + ":role/" + name
}

// Start binds both listeners, generates the IdP's signing key and serves
// until Close or until ctx ends.
func Start(ctx context.Context, opts Options) (*Sandbox, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	s := &Sandbox{now: opts.Now, log: opts.Log, maxSession: opts.MaxSession, lifetime: opts.CredentialLifetime,
		aliases: opts.Aliases, rolePage: opts.RolePage, externalIDs: opts.ExternalIDs}
	if s.aliases == nil {
		s.aliases = defaultAliases(opts.TeamAccounts)
	}
	switch s.rolePage {
	case "":
		s.rolePage = RolePageHTML
	case RolePageHTML, RolePageData:
	default:
		return nil, fmt.Errorf("sandbox: role page layout %q is neither %q nor %q", s.rolePage, RolePageHTML, RolePageData)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxSession == 0 {
		s.maxSession = time.Hour
	}
	if s.maxSession < time.Hour || s.maxSession > 12*time.Hour {
		return nil, fmt.Errorf("sandbox: max session %v is outside 1h to 12h, the range AWS allows for a role", s.maxSession)
	}
	var err error
	if opts.TeamAccounts < 0 || opts.TeamAccounts > 1000 {
		return nil, fmt.Errorf("sandbox: %d team accounts is outside 0 to 1000", opts.TeamAccounts)
	}
	if s.users, err = userTable(opts.Users, opts.TeamAccounts); err != nil {
		return nil, err
	}
	if s.trust, err = trustTable(opts.Trust); err != nil {
		return nil, err
	}
	s.accounts = map[string]bool{Account: true}
	for id := range s.aliases {
		s.accounts[id] = true
	}

	// Key generation dominates start-up; binding runs beside it.
	type keyPair struct {
		key  *rsa.PrivateKey
		cert *x509.Certificate
		err  error
	}
	keyc := make(chan keyPair, 1)
	go func() {
		k, c, err := newSigningKey(s.now())
		keyc <- keyPair{k, c, err}
	}()

	idpL, err := listenLoopback(ctx, "IdP", opts.IdPAddr)
	if err != nil {
		<-keyc
		return nil, err
	}
	stsL, err := listenLoopback(ctx, "STS", opts.STSAddr)
	if err != nil {
		idpL.Close()
		<-keyc
		return nil, err
	}
	signinL, err := listenLoopback(ctx, "sign-in", opts.SigninAddr)
	if err != nil {
		idpL.Close()
		stsL.Close()
		<-keyc
		return nil, err
	}
	kp := <-keyc
	if kp.err != nil {
		idpL.Close()
		stsL.Close()
		signinL.Close()
		return nil, kp.err
	}
	s.key, s.Cert = kp.key, kp.cert
	s.baseURL = "http://" + idpL.Addr().String()
	s.entityID = s.baseURL + "/idp/metadata"
	s.IdPURL = s.baseURL + ssoPath + "?spentityid=" + awsEntityID
	s.STSURL = "http://" + stsL.Addr().String() + "/"
	s.SigninURL = "http://" + signinL.Addr().String() + federationPath
	s.sessions = newSessionStore()
	s.creds = newCredStore()
	s.tokens = &tokenStore{tokens: map[string]signinToken{}}

	s.idpSrv = &http.Server{Handler: s.idpHandler(), ReadHeaderTimeout: 10 * time.Second}
	s.stsSrv = &http.Server{Handler: http.HandlerFunc(s.serveSTS), ReadHeaderTimeout: 10 * time.Second}
	s.signinSrv = &http.Server{Handler: s.signinHandler(), ReadHeaderTimeout: 10 * time.Second}
	s.serveErr = make(chan error, 3)
	go func() { s.serveErr <- s.idpSrv.Serve(idpL) }()
	go func() { s.serveErr <- s.stsSrv.Serve(stsL) }()
	go func() { s.serveErr <- s.signinSrv.Serve(signinL) }()
	s.stopAfter = context.AfterFunc(ctx, func() { s.Close() })
	return s, nil
}

// Close stops both servers at once; it is safe to call more than once.
func (s *Sandbox) Close() error {
	s.closeOnce.Do(func() {
		s.stopAfter()
		var errs []error
		for _, srv := range []*http.Server{s.idpSrv, s.stsSrv, s.signinSrv} {
			if err := srv.Close(); err != nil {
				errs = append(errs, err)
			}
		}
		for range 3 {
			if err := <-s.serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("sandbox: closing: %w", err)
		}
	})
	return s.closeErr
}

func (s *Sandbox) countAction(action string, ok bool) {
	if !stsActions[action] && !strings.HasPrefix(action, "signin ") {
		action = "(unknown action)"
	}
	s.actionMu.Lock()
	defer s.actionMu.Unlock()
	if s.actions == nil {
		s.actions = map[string]int{}
	}
	s.actions[action]++
	if ok {
		s.actions[action+" ok"]++
	}
}

// STSActions reports how many STS requests named each action ("Action"),
// and how many of them succeeded ("Action ok"); requests to the sign-in
// fake count as "signin getSigninToken", "signin login", "signin logout"
// and "signin saml".
func (s *Sandbox) STSActions() map[string]int {
	s.actionMu.Lock()
	defer s.actionMu.Unlock()
	out := make(map[string]int, len(s.actions))
	for k, v := range s.actions {
		out[k] = v
	}
	return out
}

// Counts reports how many HTTP requests each service has received.
func (s *Sandbox) Counts() (idpRequests, stsRequests int) {
	return int(s.idpCount.Load()), int(s.stsCount.Load())
}

// logf writes one log line; the caller must pass no secrets.
func (s *Sandbox) logf(format string, args ...any) {
	if s.log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.log, "sandbox: "+format+"\n", args...)
}

// listenLoopback refuses anything but loopback: the sandbox hands out a
// well-known password and keys that must not be reachable from elsewhere.
func listenLoopback(ctx context.Context, what, addr string) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %s address %q: %w", what, addr, err)
	}
	if host == "localhost" {
		// /etc/hosts may map the name anywhere; the address cannot lie.
		addr = net.JoinHostPort("127.0.0.1", port)
	} else if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("sandbox: %s address %q is not on loopback (use 127.0.0.1:PORT)", what, addr)
	}
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %s: %w", what, err)
	}
	return l, nil
}
