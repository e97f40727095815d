package doctor

import (
	"context"
	"errors"
	"fmt"

	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/keyring"
)

// errStored is the file backend's passphrase: asked only when an entry
// exists, so being asked is the answer, and nothing is decrypted.
var errStored = errors.New("an entry is stored (not decrypted)")

// checkKeyring checks, for each [idp] that sets store_password, that its
// keyring answers in time and holds the user's password. A password read
// from a backend is dropped at once: only its presence is reported.
func (d *doctor) checkKeyring(ctx context.Context, logins []*config.Login) []Result {
	var wanted []*config.Login
	seen := map[string]bool{}
	for _, l := range logins {
		l = l.Root()
		if on, _ := config.ParseBool(l.Settings["store_password"]); !on || seen[l.IdPName] {
			continue
		}
		seen[l.IdPName] = true
		wanted = append(wanted, l)
	}
	if len(wanted) == 0 {
		return []Result{pass("keyring", "backend", "not used: no [idp] sets store_password")}
	}
	var rs []Result
	stores := map[string]*keyring.Store{}
	broken := map[string]bool{}
	for _, l := range wanted {
		name := l.Settings["keyring_backend"]
		if b := d.getenv("AWSFED_KEYRING_BACKEND"); b != "" {
			name = b
		}
		if l.Username == "" {
			rs = append(rs, warn("keyring", "idp "+l.IdPName, fmt.Sprintf("[idp %s] sets store_password but no username, so awsfed asks for both", l.IdPName),
				fmt.Sprintf("set username in [idp %s]", l.IdPName)))
			continue
		}
		if broken[name] {
			continue
		}
		store, ok := stores[name]
		if !ok {
			var err error
			if store, err = d.openKeyring(name); err != nil {
				broken[name] = true
				rs = append(rs, keyringFailure("backend", err))
				continue
			}
			stores[name] = store
		}
		r, answered := d.storedPassword(ctx, store, l)
		if !answered {
			broken[name] = true
		}
		if !ok && answered {
			rs = append(rs, pass("keyring", "backend", fmt.Sprintf("%s answered within %s", store.Backend(), d.keyringTimeout())))
		}
		rs = append(rs, r)
	}
	return rs
}

func (d *doctor) keyringTimeout() string {
	if d.opts.KeyringTimeout > 0 {
		return d.opts.KeyringTimeout.String()
	}
	return keyring.DefaultTimeout.String()
}

func (d *doctor) openKeyring(backend string) (*keyring.Store, error) {
	cfg := keyring.Config{
		Backend: backend, Env: d.getenv, Timeout: d.opts.KeyringTimeout,
		Passphrase: func(context.Context) (string, error) { return "", errStored },
	}
	if d.opts.OpenKeyring != nil {
		return d.opts.OpenKeyring(cfg)
	}
	return keyring.Open(cfg)
}

// storedPassword looks the password of l's user up; answered is false when
// the backend failed or did not answer in time.
func (d *doctor) storedPassword(ctx context.Context, store *keyring.Store, l *config.Login) (r Result, answered bool) {
	check := "idp " + l.IdPName
	_, err := store.Get(ctx, cmdutil.KeyringKey(l))
	who := fmt.Sprintf("%s at %s", l.Username, httpx.OriginOf(l.URL))
	switch {
	case err == nil || errors.Is(err, errStored):
		return pass("keyring", check, fmt.Sprintf("a password of %s is stored in the %s keyring", who, store.Backend())), true
	case errors.Is(err, keyring.ErrNotFound):
		return warn("keyring", check, fmt.Sprintf("no password of %s is stored in the %s keyring: a sign-in without a terminal (credential-process) cannot happen", who, store.Backend()),
			"run awsfed login ACCOUNT --store-password once in a terminal"), true
	}
	return keyringFailure("backend", err), false
}

func keyringFailure(check string, err error) Result {
	hint := "choose another backend with AWSFED_KEYRING_BACKEND (file works everywhere)"
	var ke *keyring.Error
	if errors.As(err, &ke) && ke.Hint != "" {
		hint = ke.Hint
	}
	return fail("keyring", check, err.Error(), hint)
}
