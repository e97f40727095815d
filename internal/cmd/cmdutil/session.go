package cmdutil

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/signin"
	"github.com/awsfed/awsfed/internal/sts"
)

// Session is one account's sign-in, resolved and ready to run.
type Session struct {
	F       *factory.Factory
	Login   *config.Login
	Options signin.Options
	Cache   *cache.Cache
	// ConfigPath is awsfed's configuration file (it may not exist).
	ConfigPath string

	secrets *secrets
}

// Prepare resolves account and the flags into a Session. Progress lines of
// a sign-in go to progress (io.Discard for credential-process, whose
// stderr belongs to the AWS tool that runs it).
func Prepare(ctx context.Context, f *factory.Factory, account string, lf *LoginFlags, progress io.Writer) (*Session, error) {
	if err := lf.parseDuration(); err != nil {
		return nil, err
	}
	file, err := config.LoadDefault(f.Getenv)
	if err != nil {
		return nil, err
	}
	o := lf.Overrides
	o.DefaultURL = f.Providers.DefaultURL
	l, err := file.Resolve(account, o, f.Getenv)
	if err != nil {
		return nil, err
	}
	prov, err := f.Providers.New(l.Provider)
	if err != nil {
		return nil, err
	}
	f.Providers.FromEnv(l.Provider, l.Settings, f.Getenv)
	credPath, err := awsfiles.CredentialsPath(f.Getenv)
	if err != nil {
		return nil, err
	}
	cacheDir, err := cache.Dir(f.Getenv)
	if err != nil {
		return nil, err
	}
	sec, err := newSecrets(ctx, f, l, lf)
	if err != nil {
		return nil, err
	}
	if _, ok := file.IdPs[l.IdPName]; ok && lf.StorePassword && !isTrue(l.Settings["store_password"]) {
		sec.remember = func(ctx context.Context) error {
			idp := &config.IdP{Name: l.IdPName, Settings: map[string]string{"store_password": "true"}}
			if err := config.Save(ctx, file.Path, idp, nil); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "Set store_password = true in [idp %s] of %s: credential-process and exec will use the stored password too.\n", l.IdPName, file.Path)
			return nil
		}
	}

	debug := f.Debug()
	idpHTTP, err := IdPClient(l, IdPSection(l, file), true, lf.Timeout, debug)
	if err != nil {
		return nil, err
	}
	stsHTTP, err := STSClient(l, f.Getenv, lf.Timeout, debug)
	if err != nil {
		return nil, err
	}
	s := &Session{
		F: f, Login: l, ConfigPath: file.Path, secrets: sec,
		Cache: &cache.Cache{Dir: cacheDir, Now: f.Now, Who: who(l), Binding: binding(f.Providers, l), Requested: l.Duration},
	}
	s.Options = signin.Options{
		Login:    l,
		Provider: prov,
		Input: &provider.Input{
			IdP: l.IdPName, URL: l.URL, Username: l.Username, Settings: l.Settings,
			MFACode: sec.mfaCode, MFATimeout: lf.MFATimeout, CacheDir: cacheDir, BrowserTimeout: lf.BrowserTimeout,
			HTTP: idpHTTP, Debug: debug,
		},
		Password:        sec.password,
		STS:             &sts.Client{HTTP: stsHTTP, Endpoint: l.STSEndpoint, Region: l.Region},
		Prompt:          f.Prompt,
		CredentialsFile: credPath,
		Err:             progress,
		Debug:           debug,
		Now:             f.Now,
	}
	return s, nil
}

// Unattended marks a sign-in that another program started (an AWS tool
// running credential-process, an SDK asking exec's endpoint): questions on
// the terminal then say that awsfed asks, for which account and user.
func (s *Session) Unattended() {
	s.secrets.label = fmt.Sprintf("awsfed: the keys of %s need a new sign-in. Password of %s at %s", s.Login.Account, s.Login.Username, s.Login.IdPName)
}

// SetUsername changes the IdP username (login asks for it at a terminal).
func (s *Session) SetUsername(u string) {
	s.Login.Username = u
	s.Options.Input.Username = u
	s.Cache.Who = who(s.Login)
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
// forgets the password in the keyring as the outcome says.
func (s *Session) Acquire(ctx context.Context) (*cache.Entry, error) {
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
func (s *Session) Keys(ctx context.Context, window time.Duration) (*cache.Entry, bool, error) {
	e, cached, err := s.Cache.Fetch(ctx, s.Login.Account, s.Login.RoleARN, window, s.Acquire)
	if errors.Is(err, cache.ErrNotSaved) && e != nil {
		s.Options.Debug.Printf("keys not cached: %v", err)
		err = nil
	}
	return e, cached, err
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

// AccountKeys prepares account's session and returns its keys: cached ones
// with more than window left, else those of a new sign-in.
// unattended marks a sign-in another program started (see Unattended).
func AccountKeys(ctx context.Context, f *factory.Factory, account string, lf *LoginFlags, window time.Duration, progress io.Writer, unattended bool) (*Session, *cache.Entry, error) {
	s, err := Prepare(ctx, f, account, lf, progress)
	if err != nil {
		return nil, nil, err
	}
	if unattended {
		s.Unattended()
	}
	e, _, err := s.Keys(ctx, window)
	if err != nil {
		return s, nil, err
	}
	return s, e, nil
}
