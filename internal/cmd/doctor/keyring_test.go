package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/keyring"
)

const storedSecret = "hunter2-never-printed"

func ringLogin() *config.Login {
	return &config.Login{Account: "dev", IdPName: "corp", Provider: "form", URL: "https://idp.example.com/sso", Username: "alice",
		Settings: map[string]string{"store_password": "true"}, Profile: "dev"}
}

// fakePass is a pass(1) whose store holds an entry for l, and which runs
// script for every command.
func fakePass(t *testing.T, l *config.Login, script string) func(keyring.Config) (*keyring.Store, error) {
	t.Helper()
	dir := t.TempDir()
	cmd := filepath.Join(dir, "pass")
	if err := os.WriteFile(cmd, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "store")
	entry := filepath.Join(store, "awsfed", filepath.FromSlash(cmdutil.KeyringKey(l))+".gpg")
	if err := os.MkdirAll(filepath.Dir(entry), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entry, []byte("sealed"), 0o600); err != nil {
		t.Fatal(err)
	}
	return func(cfg keyring.Config) (*keyring.Store, error) {
		cfg.Backend, cfg.PassCmd, cfg.PassDir = keyring.BackendPass, cmd, store
		return keyring.Open(cfg)
	}
}

func TestKeyringHangs(t *testing.T) {
	l := ringLogin()
	o := newRig(t).options()
	o.KeyringTimeout = 200 * time.Millisecond
	o.OpenKeyring = fakePass(t, l, "exec sleep 30")
	rs := newDoctor(o).checkKeyring(t.Context(), []*config.Login{l})
	expect(t, rs, "keyring", "backend", Fail, "keyring pass did not answer within 200ms", "pass show")
}

func TestKeyringHoldsThePassword(t *testing.T) {
	l := ringLogin()
	o := newRig(t).options()
	o.OpenKeyring = fakePass(t, l, `[ "$1" = show ] && echo `+storedSecret)
	rs := newDoctor(o).checkKeyring(t.Context(), []*config.Login{l})
	expect(t, rs, "keyring", "backend", Pass, "pass answered within 1s")
	expect(t, rs, "keyring", "idp corp", Pass, "a password of alice at https://idp.example.com:443 is stored in the pass keyring")
	if strings.Contains(dump(rs), storedSecret) {
		t.Errorf("the stored password reached the output:\n%s", dump(rs))
	}
}

// The file backend is asked for its passphrase only when the entry
// exists: the doctor learns that much and decrypts nothing.
func TestKeyringFileBackendIsNotDecrypted(t *testing.T) {
	r := newRig(t)
	r.env["AWSFED_KEYRING_BACKEND"] = keyring.BackendFile
	l := ringLogin()
	rs := r.doctor().checkKeyring(t.Context(), []*config.Login{l})
	expect(t, rs, "keyring", "idp corp", Warn, "no password of alice at https://idp.example.com:443 is stored in the file keyring", "--store-password")

	ring, err := keyring.Open(keyring.Config{Backend: keyring.BackendFile, Env: func(k string) string { return r.env[k] },
		Passphrase: func(context.Context) (string, error) { return "pp", nil }})
	if err != nil {
		t.Fatal(err)
	}
	if err := ring.Set(t.Context(), cmdutil.KeyringKey(l), storedSecret); err != nil {
		t.Fatal(err)
	}
	rs = r.doctor().checkKeyring(t.Context(), []*config.Login{l})
	expect(t, rs, "keyring", "idp corp", Pass, "is stored in the file keyring")
}

func TestKeyringNotUsed(t *testing.T) {
	o := newRig(t).options()
	o.OpenKeyring = func(keyring.Config) (*keyring.Store, error) { t.Fatal("opened the keyring"); return nil, nil }
	l := ringLogin()
	l.Settings = map[string]string{}
	rs := newDoctor(o).checkKeyring(t.Context(), []*config.Login{l})
	expect(t, rs, "keyring", "backend", Pass, "not used")
}

func TestKeyringCannotOpen(t *testing.T) {
	r := newRig(t)
	r.env["AWSFED_KEYRING_BACKEND"] = "vault"
	nobody := ringLogin()
	nobody.IdPName, nobody.Username = "other", ""
	rs := r.doctor().checkKeyring(t.Context(), []*config.Login{ringLogin(), nobody})
	expect(t, rs, "keyring", "backend", Fail, "keyring vault", "unknown keyring backend", "use one of: keychain")
	expect(t, rs, "keyring", "idp other", Warn, "no username", "set username in [idp other]")
}
