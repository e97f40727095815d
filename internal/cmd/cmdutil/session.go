package cmdutil

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/saml"
	"github.com/awsfed/awsfed/internal/signin"
	"github.com/awsfed/awsfed/internal/sts"
)

// Session is one account's sign-in, resolved and ready to run.
//
// A session is made in two steps: what a cache lookup needs (the
// configuration, the cache and the binding of its keys), then, only when
// keys must be fetched, what a sign-in needs (provider, password sources,
// HTTP clients, the source account's session). A cache hit, what every
// credential_process run is, does not pay for the second.
type Session struct {
	F     *factory.Factory
	Login *config.Login
	// Options are the sign-in's; set once the session is built (Prepare,
	// or Keys when the cache could not serve).
	Options signin.Options
	Cache   *cache.Cache
	// ConfigPath is awsfed's configuration file (it may not exist).
	ConfigPath string
	// Source is the session of the account whose keys a chained account
	// (Login.Source) assumes its role with; set once the session is built.
	Source *Session

	secrets *secrets
	// stsClients are the STS clients of the sessions prepared with this
	// one, by endpoint and CA bundle: accounts served by one sign-in share
	// connections.
	stsClients map[string]*http.Client
	file       *config.File
	lf         *LoginFlags
	cacheDir   string
	progress   io.Writer
	// shared, when set, is the session whose IdP side this one uses.
	shared     *Session
	built      bool
	unattended bool
}

// Prepare resolves account and the flags into a Session. Progress lines of
// a sign-in go to progress (io.Discard for credential-process, whose
// stderr belongs to the AWS tool that runs it).
func Prepare(ctx context.Context, f *factory.Factory, account string, lf *LoginFlags, progress io.Writer) (*Session, error) {
	s, err := resolve(f, account, lf, progress)
	if err != nil {
		return nil, err
	}
	if err := s.build(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// resolve is the first step of Prepare: enough to look in the cache.
func resolve(f *factory.Factory, account string, lf *LoginFlags, progress io.Writer) (*Session, error) {
	file, err := loadFile(f, lf)
	if err != nil {
		return nil, err
	}
	l, err := file.Resolve(account, overrides(f, lf), f.Getenv)
	if err != nil {
		return nil, err
	}
	return newSession(f, file, l, lf, progress, nil)
}

func loadFile(f *factory.Factory, lf *LoginFlags) (*config.File, error) {
	if err := lf.parseDuration(); err != nil {
		return nil, err
	}
	return config.LoadDefault(f.Getenv)
}

func overrides(f *factory.Factory, lf *LoginFlags) config.Overrides {
	o := lf.Overrides
	o.DefaultURL = f.Providers.DefaultURL
	return o
}

// prepare makes and builds the session of l. With shared, the IdP side
// (provider, password and keyring, IdP client) is shared's: one sign-in
// serves both.
func prepare(ctx context.Context, f *factory.Factory, file *config.File, l *config.Login, lf *LoginFlags, progress io.Writer, shared *Session) (*Session, error) {
	s, err := newSession(f, file, l, lf, progress, shared)
	if err != nil {
		return nil, err
	}
	if err := s.build(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// newSession makes the session of l as far as the cache needs it: the
// provider's settings from the environment (identity settings bind the
// keys), the cache directory and the binding of the keys.
func newSession(f *factory.Factory, file *config.File, l *config.Login, lf *LoginFlags, progress io.Writer, shared *Session) (*Session, error) {
	s := &Session{F: f, Login: l, ConfigPath: file.Path, file: file, lf: lf, progress: progress, shared: shared}
	if shared != nil {
		s.cacheDir = shared.cacheDir
	} else {
		f.Providers.FromEnv(l.Provider, l.Settings, f.Getenv)
		var err error
		if s.cacheDir, err = cache.Dir(f.Getenv); err != nil {
			return nil, err
		}
	}
	requested := l.Duration
	if l.Chained() {
		requested = signin.ChainedDuration(l)
	}
	s.Cache = &cache.Cache{Dir: s.cacheDir, Now: f.Now, Who: who(l), Binding: binding(f.Providers, l), Requested: requested}
	return s, nil
}

// build makes what a sign-in needs, once. A sign-in waits (on the IdP, the
// user, STS, locks): from here on Ctrl-C cancels the run.
func (s *Session) build(ctx context.Context) error {
	if s.built {
		return nil
	}
	s.F.Interruptible()
	f, l, lf, file, shared := s.F, s.Login, s.lf, s.file, s.shared
	debug := f.Debug()
	var prov provider.Provider
	var idpHTTP *http.Client
	if shared != nil {
		s.secrets, prov, idpHTTP = shared.secrets, shared.Options.Provider, shared.Options.Input.HTTP
	} else {
		var err error
		if prov, err = f.Providers.New(l.Provider); err != nil {
			return err
		}
		if s.secrets, err = newSecrets(ctx, f, l, lf); err != nil {
			return err
		}
		if _, ok := file.IdPs[l.IdPName]; ok && lf.StorePassword && !isTrue(l.Settings["store_password"]) {
			s.secrets.remember = func(ctx context.Context) error {
				idp := &config.IdP{Name: l.IdPName, Settings: map[string]string{"store_password": "true"}}
				if err := config.Save(ctx, file.Path, idp, nil); err != nil {
					return err
				}
				fmt.Fprintf(f.IO.ErrOut, "Set store_password = true in [idp %s] of %s: credential-process and exec will use the stored password too.\n", l.IdPName, file.Path)
				return nil
			}
		}
		if idpHTTP, err = IdPClient(l, IdPSection(l, file), true, lf.Timeout, debug); err != nil {
			return err
		}
	}
	credPath, err := awsfiles.CredentialsPath(f.Getenv)
	if err != nil {
		return err
	}
	owner := s
	if shared != nil {
		owner = shared
	}
	stsHTTP, err := owner.stsClient(l, lf.Timeout, debug)
	if err != nil {
		return err
	}
	s.Options = signin.Options{
		Login:    l,
		Provider: prov,
		Input: &provider.Input{
			IdP: l.IdPName, URL: l.URL, Username: l.Username, Settings: l.Settings,
			MFACode: s.secrets.mfaCode, MFATimeout: lf.MFATimeout, CacheDir: s.cacheDir, BrowserTimeout: lf.BrowserTimeout,
			HTTP: idpHTTP, Debug: debug,
		},
		Password:        s.secrets.password,
		STS:             &sts.Client{HTTP: stsHTTP, Endpoint: l.STSEndpoint, Region: l.Region},
		Prompt:          f.Prompt,
		CredentialsFile: credPath,
		Err:             s.progress,
		Debug:           debug,
		Now:             f.Now,
	}
	// The picker shows the names awsfed knows (awsfed roles fetches them):
	// a picker must not wait on AWS's page.
	s.Options.Names = func(context.Context, *saml.Assertion) map[string]string {
		return (&signin.AliasCache{Dir: s.cacheDir, Now: f.Now}).Names()
	}
	if l.Source != nil {
		if s.Source, err = prepare(ctx, f, file, l.Source, lf, s.progress, s); err != nil {
			return err
		}
	}
	s.built = true
	if s.unattended {
		s.Unattended()
	}
	return nil
}

// stsClient returns the STS client for l, shared with earlier sessions of
// the same endpoint and CA bundle.
func (s *Session) stsClient(l *config.Login, timeout time.Duration, d *debug.Logger) (*http.Client, error) {
	caFile, _, _ := AWSCABundle(l.Profile, s.F.Getenv)
	key := fmt.Sprintf("%s\n%s\n%t", l.STSEndpoint, caFile, l.InsecureSTS)
	if c, ok := s.stsClients[key]; ok {
		return c, nil
	}
	c, err := STSClient(l, s.F.Getenv, timeout, d)
	if err != nil {
		return nil, err
	}
	if s.stsClients == nil {
		s.stsClients = map[string]*http.Client{}
	}
	s.stsClients[key] = c
	return c, nil
}

// Unattended marks a sign-in that another program started (an AWS tool
// running credential-process, an SDK asking exec's endpoint): questions on
// the terminal then say that awsfed asks, for which account and user.
func (s *Session) Unattended() {
	s.unattended = true
	if s.secrets == nil {
		return // build sets it
	}
	s.secrets.label = fmt.Sprintf("awsfed: the keys of %s need a new sign-in. Password of %s at %s", s.Login.Account, s.Login.Username, s.Login.IdPName)
}

// SetUsername changes the IdP username (login asks for it at a terminal).
func (s *Session) SetUsername(u string) {
	for ; s != nil; s = s.Source {
		s.Login.Username = u
		s.Options.Input.Username = u
		s.Cache.Who = who(s.Login)
		// A chained role's session name may come from the username.
		s.Cache.Binding = binding(s.F.Providers, s.Login)
	}
}

// CheckUsername fails when no username is known.
func (s *Session) CheckUsername() error {
	if s.Login.Username == "" {
		return &provider.InputNeededError{What: "no username given", Hint: fmt.Sprintf("pass --username, or set username in [idp %s]", s.Login.IdPName)}
	}
	return nil
}

// PasswordAsked reports whether the password will be asked at the terminal
// (no --password-stdin, AWSFED_PASSWORD or keyring entry in view).
func (s *Session) PasswordAsked() bool {
	return s.secrets.fixed == nil && s.secrets.stdin == nil && !s.secrets.useKeyring
}

// Acquire signs in and returns the keys as a cache entry; it stores or
// forgets the password in the keyring as the outcome says. A chained
// account gets its source's keys (cached, or from a sign-in) and assumes
// its role with them.
func (s *Session) Acquire(ctx context.Context) (*cache.Entry, error) {
	if s.Source != nil {
		// A minute is enough: the source's keys sign one call.
		src, _, err := s.Source.Keys(ctx, time.Minute)
		if err != nil {
			return nil, fmt.Errorf("source account %s: %w", s.Source.Login.Account, err)
		}
		ss, err := signin.Chain(ctx, s.Options, SessionOf(src))
		if err != nil {
			return nil, err
		}
		return s.Entry(ss), nil
	}
	ss, err := signin.Acquire(ctx, s.Options)
	// A one-time code is good for one sign-in; a later refresh asks anew.
	s.Options.Input.MFACode = ""
	if err = s.secrets.finish(ctx, err); err != nil {
		return nil, err
	}
	return s.Entry(ss), nil
}

// Keys returns the account's keys from the cache when they have more than
// window left, else signs in (once, however many processes ask at once).
//
// A sign-in serves the whole [idp]: the sibling accounts whose keys are
// stale are refreshed from the same assertion, so that a morning of AWS
// tools over several accounts costs one sign-in. Sign-ins at one IdP (user
// and URL) take one lock, which processes for sibling accounts wait on and
// then find their keys in the cache.
func (s *Session) Keys(ctx context.Context, window time.Duration) (*cache.Entry, bool, error) {
	if err := s.build(ctx); err != nil {
		return nil, false, err
	}
	if s.Source != nil {
		// The account lock only: the source's Keys takes the IdP's.
		return s.fetch(ctx, window, s.Acquire)
	}
	if e, ok := s.Cache.Fresh(s.Login.Account, s.Login.RoleARN, window); ok {
		return e, true, nil
	}
	unlock, err := s.LockIdP(ctx)
	if err != nil {
		return nil, false, err
	}
	defer unlock()
	return s.fetch(ctx, window, func(ctx context.Context) (*cache.Entry, error) { return s.acquireWithSiblings(ctx, window) })
}

func (s *Session) fetch(ctx context.Context, window time.Duration, refresh func(context.Context) (*cache.Entry, error)) (*cache.Entry, bool, error) {
	e, cached, err := s.Cache.Fetch(ctx, s.Login.Account, s.Login.RoleARN, window, refresh)
	if errors.Is(err, cache.ErrNotSaved) && e != nil {
		s.Options.Debug.Printf("keys not cached: %v", err)
		err = nil
	}
	return e, cached, err
}

// siblingWindow is how much life a sibling's keys must have left not to be
// refreshed along: the assertion is there, and keys with less than an hour
// left would soon cost a sign-in of their own.
const siblingWindow = time.Hour

// LockIdP takes the lock of sign-ins at s's IdP as its user (see
// signin.LockIdP).
func (s *Session) LockIdP(ctx context.Context) (func(), error) {
	return signin.LockIdP(ctx, s.cacheDir, s.Cache.Who, s.Login.IdPName)
}

// acquireWithSiblings signs in for s and, from the same assertion, for the
// sibling accounts whose keys have less than siblingWindow (or window)
// left; their keys go to the cache, s's are returned for Fetch to store.
func (s *Session) acquireWithSiblings(ctx context.Context, window time.Duration) (*cache.Entry, error) {
	window = max(window, siblingWindow)
	sibs := s.staleSiblings(ctx, window)
	if len(sibs) == 0 {
		return s.Acquire(ctx)
	}
	accounts := make([]*signin.Account, len(sibs))
	for i, sib := range sibs {
		accounts[i] = sib.Account(window)
	}
	ss, err := signin.WithSiblings(ctx, s.Options, accounts, s.Assert)
	s.Options.Input.MFACode = ""
	if err != nil {
		return nil, err
	}
	return s.Entry(ss), nil
}

// Assert signs in at the IdP (the password kept or forgotten as the IdP's
// answer says) and returns the assertion.
func (s *Session) Assert(ctx context.Context) (*saml.Assertion, error) {
	a, err := signin.Assert(ctx, s.Options)
	if err = s.secrets.finish(ctx, err); err != nil {
		return nil, err
	}
	return a, nil
}

// Account is s for signin.Many: cached keys with more than window left
// count as fresh, new ones go to the cache; a chained account brings its
// source.
func (s *Session) Account(window time.Duration) *signin.Account {
	a := &signin.Account{
		Options: s.Options,
		Fresh: func() (*signin.Session, bool) {
			if window < 0 {
				return nil, false
			}
			e, ok := s.Cache.Fresh(s.Login.Account, s.Login.RoleARN, window)
			if !ok {
				return nil, false
			}
			return SessionOf(e), true
		},
		Keep: func(ss *signin.Session) error { return s.Cache.Put(s.Entry(ss)) },
	}
	if s.Source != nil {
		a.Source = s.Source.Account(window)
	}
	return a
}

// staleSiblings are the sessions of the other accounts of s's [idp] that
// sign in as the same user at the same URL and whose keys have window or
// less left. A sibling that cannot be resolved is left out: it is refreshed
// when it is asked for, and says then what is wrong.
func (s *Session) staleSiblings(ctx context.Context, window time.Duration) []*Session {
	if s.file == nil {
		return nil
	}
	var out []*Session
	for _, name := range s.file.Siblings(s.Login.IdPName) {
		if name == s.Login.Account {
			continue
		}
		o := overrides(s.F, s.lf)
		o.RoleARN, o.Profile, o.Region, o.STSEndpoint, o.SigninEndpoint = "", "", "", "", ""
		l, err := s.file.Resolve(name, o, s.F.Getenv)
		if err != nil || l.URL != s.Login.URL || l.Username != s.Login.Username {
			continue
		}
		sib, err := prepare(ctx, s.F, s.file, l, s.lf, io.Discard, s)
		if err != nil {
			s.Options.Debug.Printf("sibling %s: %v", name, err)
			continue
		}
		if _, ok := sib.Cache.Fresh(name, l.RoleARN, window); ok {
			continue
		}
		out = append(out, sib)
	}
	return out
}

// SessionOf turns a cache entry back into a sign-in's keys.
func SessionOf(e *cache.Entry) *signin.Session {
	return &signin.Session{RoleARN: e.RoleARN, Credentials: sts.Credentials{
		AccessKeyID: e.AccessKeyID, SecretAccessKey: e.SecretAccessKey, SessionToken: e.SessionToken, Expiration: e.Expiration,
	}}
}

// Entry turns a sign-in's keys into a cache entry for this account.
func (s *Session) Entry(ss *signin.Session) *cache.Entry {
	return &cache.Entry{
		Account: s.Login.Account, Role: s.Login.RoleARN, RoleARN: ss.RoleARN,
		Profile: s.Login.Profile, Region: s.Login.Region,
		AccessKeyID: ss.AccessKeyID, SecretAccessKey: ss.SecretAccessKey, SessionToken: ss.SessionToken,
		Expiration: ss.Expiration, Issued: s.F.Now(), Who: s.Cache.Who,
		Binding: s.Cache.Binding, Requested: s.Cache.Requested,
	}
}

// who names the user and the IdP (origin and path) keys are obtained for;
// the scheme is part of it, so keys of https://idp never serve http://idp.
func who(l *config.Login) string { return l.Username + "@" + httpx.RedactString(l.URL) }

// binding digests everything else that decides what keys a sign-in yields:
// the [idp] section, the provider and its identity settings (app_id,
// workflow_id, ...), the full IdP URL and the STS endpoint. Keys cached for
// one never serve another.
func binding(r provider.Registry, l *config.Login) string {
	parts := append([]string{"idp=" + l.IdPName, "provider=" + l.Provider, "url=" + l.URL, "sts=" + l.STSEndpoint},
		r.Identity(l.Provider, l.Settings)...)
	// A chained role's keys also depend on whom they were assumed from.
	for c := l; c.Source != nil; c = c.Source {
		parts = append(parts, "via="+c.Source.Account+" "+c.Source.RoleARN+" "+c.Source.STSEndpoint, "external_id="+c.ExternalID, "session="+signin.SessionName(c))
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(sum[:16])
}

// Finish is for callers of signin.Run: it stores or forgets the password
// as the outcome says.
func (s *Session) Finish(ctx context.Context, err error) error { return s.secrets.finish(ctx, err) }

// readStdin reads the secrets piped in: the password on the first line when
// --password-stdin, the MFA code on the next when --mfa-code-stdin.
func readStdin(r io.Reader, lf *LoginFlags) (password, code string, err error) {
	if !lf.PasswordStdin && !lf.MFACodeStdin {
		return "", "", nil
	}
	// One byte at a time: what follows the secrets on stdin belongs to
	// others (the command `awsfed exec` runs), so nothing may be read ahead.
	line := func() (string, error) {
		var b strings.Builder
		one := make([]byte, 1)
		for b.Len() < 1<<20 {
			n, err := r.Read(one)
			if n == 1 {
				if one[0] == '\n' {
					break
				}
				b.WriteByte(one[0])
				continue
			}
			if errors.Is(err, io.EOF) {
				if b.Len() == 0 {
					return "", err
				}
				break
			}
			if err != nil {
				return "", err
			}
		}
		return strings.TrimSuffix(b.String(), "\r"), nil
	}
	if lf.PasswordStdin {
		if password, err = line(); err != nil || password == "" {
			return "", "", &provider.InputNeededError{What: "--password-stdin: standard input held no password", Hint: "pipe the password in, e.g. printf '%s\\n' \"$PW\" | awsfed login ... --password-stdin"}
		}
	}
	if lf.MFACodeStdin {
		if code, err = line(); err != nil || strings.TrimSpace(code) == "" {
			return "", "", &provider.InputNeededError{What: "--mfa-code-stdin: standard input held no MFA code", Hint: "pipe the code in after the password line, or set AWSFED_MFA_CODE"}
		}
	}
	return password, strings.TrimSpace(code), nil
}

// noTerminal is the error when a password is needed and nobody can be asked.
func noTerminal() error {
	return &provider.InputNeededError{
		What: "no password given and no terminal to ask on",
		Hint: "pass --password-stdin (printf '%s' \"$PW\" | awsfed login ... --password-stdin), set AWSFED_PASSWORD, or store it with --store-password",
	}
}

// PrepareMany prepares the sessions of several accounts that one sign-in
// serves: the accounts must sign in at the same IdP as the same user (a
// chained account through the first account of its chain). They share the
// password, the provider and its client.
func PrepareMany(ctx context.Context, f *factory.Factory, accounts []string, lf *LoginFlags, progress io.Writer) ([]*Session, error) {
	if lf.Overrides.RoleARN != "" || lf.Overrides.Profile != "" {
		return nil, &provider.InputNeededError{What: "--role and --profile name one account's role and profile, and several accounts were named",
			Hint: "set role_arn (and profile) in each [account] section, or log in to one account at a time"}
	}
	file, err := loadFile(f, lf)
	if err != nil {
		return nil, err
	}
	var out []*Session
	seen := map[string]bool{}
	for _, name := range accounts {
		if seen[name] {
			continue
		}
		seen[name] = true
		l, err := file.Resolve(name, overrides(f, lf), f.Getenv)
		if err != nil {
			return nil, err
		}
		var shared *Session
		if len(out) > 0 {
			first := out[0].Login
			if l.IdPName != first.IdPName || l.URL != first.URL || l.Username != first.Username {
				return nil, &provider.InputNeededError{
					What: fmt.Sprintf("accounts %s and %s sign in at different IdPs (%s, %s): one sign-in cannot serve both", first.Account, name, first.IdPName, l.IdPName),
					Hint: "log in to the accounts of each IdP separately (awsfed login --all --idp NAME)",
				}
			}
			shared = out[0]
		}
		s, err := prepare(ctx, f, file, l, lf, progress, shared)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// AccountKeys prepares account's session and returns its keys: cached ones
// with more than window left, else those of a new sign-in. A cache hit
// reads the configuration and one cache file, and builds nothing a sign-in
// needs: the session is built when its keys are first fetched (Keys).
// unattended marks a sign-in another program started (see Unattended).
func AccountKeys(ctx context.Context, f *factory.Factory, account string, lf *LoginFlags, window time.Duration, progress io.Writer, unattended bool) (*Session, *cache.Entry, error) {
	s, err := resolve(f, account, lf, progress)
	if err != nil {
		return nil, nil, err
	}
	if unattended {
		s.Unattended()
	}
	// What Keys would find first, chained accounts included: their own
	// cached keys.
	if e, ok := s.Cache.Fresh(s.Login.Account, s.Login.RoleARN, window); ok {
		return s, e, nil
	}
	if err := s.build(ctx); err != nil {
		return nil, nil, err
	}
	e, _, err := s.Keys(ctx, window)
	if err != nil {
		return s, nil, err
	}
	return s, e, nil
}

// Root is the session of the first account of a chain: the one that signs
// in at the IdP.
func (s *Session) Root() *Session {
	for s.Source != nil {
		s = s.Source
	}
	return s
}

// AccountNames returns the aliases of the accounts a grants roles in: from
// awsfed's alias cache when it knows them all (a day), else from AWS's
// role-selection page (a few seconds at most), which refreshes the cache.
// Any failure leaves names out: account IDs serve.
func (s *Session) AccountNames(ctx context.Context, a *saml.Assertion) map[string]string {
	client := func(acs string) (*http.Client, error) {
		return SigninClient(s.Login, acs, s.F.Getenv, signin.AliasTimeout, s.Options.Debug)
	}
	return signin.AccountNames(ctx, &signin.AliasCache{Dir: s.cacheDir, Now: s.F.Now}, a, s.Login.SigninEndpoint, client, s.Options.Debug)
}
