package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/keyring"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// SecretEnv names the environment variables that carry awsfed's secrets,
// providers' included; commands awsfed runs must not inherit them.
func SecretEnv(r provider.Registry) []string {
	return append([]string{"AWSFED_PASSWORD", "AWSFED_MFA_CODE", "AWSFED_KEYRING_PASSPHRASE"}, r.SecretEnv()...)
}

// secrets decides where the password comes from (stdin, AWSFED_PASSWORD,
// the keyring, the terminal, in that order) and keeps the keyring in step
// with what the IdP said of it.
type secrets struct {
	f       *factory.Factory
	login   *config.Login
	mfaCode string

	fixed *string // from stdin or the environment
	// stdin reads --password-stdin lazily, so that a login served from the
	// cache does not wait for (or complain about) input it does not need.
	stdin func() (string, error)
	// rejected is the IdP's verdict on the password: once given, awsfed
	// never sends that password again in this run (exec's endpoint may be
	// asked many times). Other runs learn it from rejections.
	rejected   error
	useKeyring bool // --store-password or store_password = true
	store      bool // --store-password or store_password = true: save after success
	// storeGiven (--store-password) stores a password from stdin or the
	// environment too; store_password = true alone stores typed ones only,
	// so that a script's AWSFED_PASSWORD does not land in the keyring unasked.
	storeGiven bool
	ring       *keyring.Store

	// remember, when set, records store_password = true in the [idp]
	// section, so that later refreshes (credential-process, exec) look in
	// the keyring too.
	remember func(ctx context.Context) error

	// label is the password prompt; a sign-in started by another tool
	// (credential-process, exec's endpoint) says who is asking and why.
	label string

	// given is the password handed to the provider for the sign-in under
	// way, for finish to store or to record as rejected; typed and
	// fromKeyring say where it came from.
	given       string
	typed       bool
	fromKeyring bool
}

func newSecrets(ctx context.Context, f *factory.Factory, l *config.Login, lf *LoginFlags) (*secrets, error) {
	s := &secrets{f: f, login: l}
	switch {
	case lf.MFACodeStdin:
		// The code is needed before the provider starts, so both lines are
		// read now.
		pw, code, err := readStdin(f.IO.In, lf)
		if err != nil {
			return nil, err
		}
		if lf.PasswordStdin {
			s.fixed = &pw
		}
		s.mfaCode = code
	case lf.PasswordStdin:
		var once *string
		s.stdin = func() (string, error) {
			if once == nil {
				pw, _, err := readStdin(f.IO.In, lf)
				if err != nil {
					return "", err
				}
				once = &pw
			}
			return *once, nil
		}
	}
	if s.fixed == nil && s.stdin == nil && f.Getenv("AWSFED_PASSWORD") != "" {
		env := f.Getenv("AWSFED_PASSWORD")
		s.fixed = &env
	}
	if s.mfaCode == "" {
		s.mfaCode = strings.TrimSpace(f.Getenv("AWSFED_MFA_CODE"))
	}
	opted := lf.StorePassword || isTrue(l.Settings["store_password"])
	s.useKeyring, s.store, s.storeGiven = opted, opted, lf.StorePassword
	return s, nil
}

func isTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "1", "on":
		return true
	}
	return false
}

// keyringStore opens the keyring on first use: opening may ask for the file
// backend's passphrase, which only a sign-in that needs it should cause.
func (s *secrets) keyringStore() (*keyring.Store, error) {
	if s.ring != nil {
		return s.ring, nil
	}
	ring, err := OpenKeyring(s.f, s.login.Settings["keyring_backend"])
	if err != nil {
		return nil, err
	}
	s.ring = ring
	return ring, nil
}

// OpenKeyring opens the keyring the environment and backend name choose.
func OpenKeyring(f *factory.Factory, backend string) (*keyring.Store, error) {
	if b := f.Getenv("AWSFED_KEYRING_BACKEND"); b != "" {
		backend = b
	}
	return keyring.Open(keyring.Config{
		Backend: backend,
		Env:     f.Getenv,
		Passphrase: func(ctx context.Context) (string, error) {
			if p := f.Getenv("AWSFED_KEYRING_PASSPHRASE"); p != "" {
				return p, nil
			}
			return f.Prompt.Password(ctx, "Passphrase of awsfed's keyring file")
		},
	})
}

func (s *secrets) key() string { return KeyringKey(s.login) }

// KeyringKey is where the password of l's user is kept: per IdP section,
// origin (scheme, host and port) and user, so that a stored password is only
// ever sent to the origin it was typed for, even when --url points the
// section elsewhere or at plain http. Entries stored before the scheme was
// part of the key are not found: they did not record the scheme, so the user
// types the password once more.
func KeyringKey(l *config.Login) string {
	return keyring.Key(l.IdPName+"@"+httpx.OriginOf(l.URL), l.Username)
}

// rejections is the record of the passwords the IdP rejected for this user
// and origin.
func (s *secrets) rejections() (*rejections, error) {
	dir, err := cache.Dir(s.f.Getenv)
	if err != nil {
		return nil, err
	}
	return &rejections{dir: dir, user: s.login.Username, origin: httpx.OriginOf(s.login.URL), now: s.f.Now}, nil
}

// password is signin.Options.Password. A password the IdP rejected before,
// here or in another process, is refused whatever its source.
func (s *secrets) password(ctx context.Context, p prompt.Prompter) (string, error) {
	if s.rejected != nil {
		return "", s.rejected
	}
	s.given, s.typed, s.fromKeyring = "", false, false
	pw, err := s.source(ctx, p)
	if err != nil {
		return "", err
	}
	if err := s.rejectedEarlier(pw); err != nil {
		s.rejected = err
		return "", err
	}
	s.given = pw
	return pw, nil
}

// rejectedEarlier returns a *PasswordRejectedEarlierError when the record
// holds pw. A record that cannot be read does not stop the sign-in.
func (s *secrets) rejectedEarlier(pw string) error {
	r, err := s.rejections()
	if err == nil {
		err = r.check(pw)
	}
	var earlier *PasswordRejectedEarlierError
	if err != nil && !errors.As(err, &earlier) {
		s.f.Debug().Printf("%v", err)
		return nil
	}
	return err
}

// source returns the password from the first source that has one.
func (s *secrets) source(ctx context.Context, p prompt.Prompter) (string, error) {
	if s.stdin != nil {
		return s.stdin()
	}
	if s.fixed != nil {
		return *s.fixed, nil
	}
	if s.useKeyring {
		ring, err := s.keyringStore()
		if err == nil {
			var pw string
			pw, err = ring.Get(ctx, s.key())
			if err == nil {
				s.fromKeyring = true
				return pw, nil
			}
		}
		if !errors.Is(err, keyring.ErrNotFound) {
			// A keyring that does not answer must not block the sign-in:
			// the terminal can still be asked.
			s.f.Debug().Printf("keyring: %v", err)
		}
	}
	label := s.label
	if label == "" {
		label = "Password"
	}
	pw, err := p.Password(ctx, label)
	if errors.Is(err, prompt.ErrNoTerminal) {
		return "", noTerminal()
	}
	if err != nil {
		return "", err
	}
	s.typed = true
	return pw, nil
}

// finish runs after a sign-in: a password the IdP rejected is recorded so
// that no process sends it again, and leaves the keyring; one it accepted
// clears the record and is stored when the user asked for that.
func (s *secrets) finish(ctx context.Context, err error) error {
	given := s.given
	s.given = "" // the next sign-in of this run (exec's endpoint) hands out its own
	var rejected *provider.RejectedError
	if err != nil && errors.As(err, &rejected) {
		s.rejected = err
		if given != "" {
			if rerr := s.recordRejection(ctx, given); rerr != nil {
				err = fmt.Errorf("%w (and recording the rejection failed, so other awsfed processes may send this password again: %v)", err, rerr)
			}
		}
	}
	if err == nil && given != "" {
		r, rerr := s.rejections()
		if rerr == nil {
			rerr = r.clear(ctx)
		}
		if rerr != nil {
			s.f.Debug().Printf("%v", rerr)
		}
	}
	switch {
	case err != nil && errors.As(err, &rejected) && s.fromKeyring:
		if ring, rerr := s.keyringStore(); rerr == nil {
			if rerr := ring.Remove(ctx, s.key()); rerr != nil {
				return fmt.Errorf("%w (and removing the stored password failed: %v)", err, rerr)
			}
		}
		return &StoredPasswordRejectedError{Err: err, Account: s.login.Account}
	case err != nil:
		return err
	}
	if s.store && given != "" && !s.fromKeyring && (s.typed || s.storeGiven) {
		ring, rerr := s.keyringStore()
		if rerr == nil {
			rerr = ring.Set(ctx, s.key(), given)
		}
		if rerr != nil {
			fmt.Fprintf(s.f.IO.ErrOut, "Signed in, but the password was not stored: %v\n", rerr)
		} else {
			fmt.Fprintf(s.f.IO.ErrOut, "Password stored in the %s keyring.\n", s.ring.Backend())
			if s.remember != nil {
				if rerr := s.remember(ctx); rerr != nil {
					fmt.Fprintf(s.f.IO.ErrOut, "Could not set store_password = true in the configuration: %v\n", rerr)
				}
			}
		}
	}
	return nil
}

// recordRejection remembers that the IdP rejected pw.
func (s *secrets) recordRejection(ctx context.Context, pw string) error {
	r, err := s.rejections()
	if err != nil {
		return err
	}
	return r.add(ctx, pw)
}

// StoredPasswordRejectedError says the keyring's password no longer works;
// it has been removed, so the next sign-in asks.
type StoredPasswordRejectedError struct {
	Err     error
	Account string
}

func (e *StoredPasswordRejectedError) Error() string {
	return e.Err.Error() + " (the password came from the keyring and has been removed from it)"
}

func (e *StoredPasswordRejectedError) Unwrap() error { return e.Err }

// Hint says how to type the new password.
func (e *StoredPasswordRejectedError) Hint() string {
	return fmt.Sprintf("run `awsfed login %s --store-password` in a terminal to type and store the current password", e.Account)
}
