//go:build !windows

package keyring

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// needTools skips when a helper program is missing on a developer's machine
// but fails in CI, where .ci/run installs them (Debian: pass gnupg).
func needTools(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed; CI must install the Debian packages pass and gnupg", n)
			}
			t.Skipf("%s is not installed (Debian: apt-get install pass gnupg)", n)
		}
	}
}

func run(t *testing.T, stdin string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out.String()
}

// newPassStore makes a throwaway GnuPG home with a key that has no
// passphrase, and a password store encrypted to it.
func newPassStore(t *testing.T) string {
	t.Helper()
	needTools(t, "pass", "gpg", "gpgconf")
	// gpg-agent's socket path must stay short: use a short temp dir.
	gnupg, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(gnupg, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GNUPGHOME", gnupg)
	// Keep gpg off the network: never look keys up by mail address.
	if err := os.WriteFile(filepath.Join(gnupg, "gpg.conf"), []byte("auto-key-locate local\nno-auto-key-retrieve\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command("gpgconf", "--kill", "all").Run() // the agent outlives gpg otherwise
		os.RemoveAll(gnupg)
	})
	run(t, "", "gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
		"--quick-gen-key", "awsfed test <test@awsfed.invalid>", "default", "default", "never")
	var fpr string
	for _, line := range strings.Split(run(t, "", "gpg", "--batch", "--with-colons", "--list-secret-keys"), "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
			fpr = f[9]
			break
		}
	}
	if fpr == "" {
		t.Fatal("no fingerprint for the test key")
	}
	store := filepath.Join(t.TempDir(), "store")
	t.Setenv("PASSWORD_STORE_DIR", store)
	run(t, "", "pass", "init", fpr)
	return store
}

func TestPassBackend(t *testing.T) {
	store := newPassStore(t)
	ctx := context.Background()
	s, err := Open(Config{Backend: BackendPass, PassDir: store, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("Open pass: %v", err)
	}
	if s.Backend() != BackendPass {
		t.Fatalf("Backend() = %q", s.Backend())
	}

	for name, secret := range specialSecrets() {
		key := Key("corp", name)
		if strings.Contains(secret, "\n") {
			// pass keeps the password on the first line: refused, not cut.
			err := s.Set(ctx, key, secret)
			var kerr *Error
			if !errors.As(err, &kerr) || !strings.Contains(err.Error(), "one line") || kerr.Hint == "" {
				t.Errorf("Set %s (several lines) = %v, want a refusal with a hint", name, err)
			}
			if _, err := s.Get(ctx, key); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get %s after a refused Set = %v, want ErrNotFound", name, err)
			}
			secret = strings.ReplaceAll(secret, "\n", "")
		}
		if err := s.Set(ctx, key, secret); err != nil {
			t.Fatalf("Set %s: %v", name, err)
		}
		got, err := s.Get(ctx, key)
		if err != nil {
			t.Fatalf("Get %s: %v", name, err)
		}
		if got != secret {
			t.Errorf("%s: Get = %q, want %q", name, got, secret)
		}
	}
	if _, err := os.Stat(filepath.Join(store, "awsfed", "corp", "ascii.gpg")); err != nil {
		t.Errorf("entry not where pass users look for it: %v", err)
	}

	// A key made of dots stays inside the store.
	dots := Key("..", "..")
	if err := s.Set(ctx, dots, "d"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(store, "awsfed", "%2E.", "%2E..gpg")); err != nil {
		t.Errorf("dotted key not stored under awsfed/: %v", err)
	}

	key := Key("corp", "alice")
	if _, err := s.Get(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get missing = %v, want ErrNotFound", err)
	}
	if err := s.Set(ctx, key, "one"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, key, "two"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, key); err != nil || got != "two" {
		t.Errorf("Get after overwrite = %q, %v", got, err)
	}
	for range 2 {
		if err := s.Remove(ctx, key); err != nil {
			t.Errorf("Remove: %v", err)
		}
	}
	if _, err := s.Get(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Remove = %v, want ErrNotFound", err)
	}

	// An entry a user typed in with pass holds the password on its first
	// line and maybe notes below: awsfed reads the first line.
	run(t, "hunter2\nurl: https://idp.example.com\n", "pass", "insert", "-m", "awsfed/corp/hand")
	if got, err := s.Get(ctx, "corp/hand"); err != nil || got != "hunter2" {
		t.Errorf("Get on a hand-written entry = %q, %v; want its first line", got, err)
	}
	// What awsfed wrote, pass shows as is.
	if err := s.Set(ctx, key, "Zq-1 2"); err != nil {
		t.Fatal(err)
	}
	if got := run(t, "", "pass", "show", "awsfed/"+key); got != "Zq-1 2\n" {
		t.Errorf("pass show = %q", got)
	}
	// A key naming one of pass's folders is not an entry.
	if _, err := s.Get(ctx, "corp"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get on a folder = %v, want ErrNotFound", err)
	}
}

func TestPassBrokenKey(t *testing.T) {
	store := newPassStore(t)
	// Re-encrypt to a key that does not exist: pass insert then fails.
	if err := os.WriteFile(filepath.Join(store, ".gpg-id"), []byte("0123456789ABCDEF0123456789ABCDEF01234567\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(Config{Backend: BackendPass, PassDir: store, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Set(context.Background(), Key("corp", "alice"), "Pw-Zz81")
	var kerr *Error
	if !errors.As(err, &kerr) || kerr.Backend != BackendPass || !strings.Contains(kerr.Hint, ".gpg-id") || strings.Contains(err.Error(), "Pw-Zz81") {
		t.Errorf("Set with an unusable key = %v", err)
	}
}

func TestPassOpenErrors(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Open(Config{Backend: BackendPass, PassDir: t.TempDir()})
	var kerr *Error
	if !errors.As(err, &kerr) || !strings.Contains(err.Error(), "not installed") || !strings.Contains(kerr.Hint, "install pass") {
		t.Errorf("Open without pass = %v", err)
	}
	// Explicit pass with no store says how to make one.
	fakePass := filepath.Join(t.TempDir(), "pass")
	if err := os.WriteFile(fakePass, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = Open(Config{Backend: BackendPass, PassCmd: fakePass, PassDir: filepath.Join(t.TempDir(), "none")})
	if !errors.As(err, &kerr) || !strings.Contains(kerr.Hint, "pass init") {
		t.Errorf("Open without a store = %v", err)
	}
}

func TestAutoPicksPassThenFile(t *testing.T) {
	if runtime.GOOS == "darwin" {
		t.Skip("auto prefers the keychain on macOS")
	}
	store := newPassStore(t)
	base := t.TempDir()
	env := map[string]string{"PASSWORD_STORE_DIR": store, "XDG_DATA_HOME": base}
	s, err := Open(Config{Env: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend() != BackendPass {
		t.Errorf("auto with a pass store = %s, want pass", s.Backend())
	}
	env["PASSWORD_STORE_DIR"] = filepath.Join(base, "no-store")
	s, err = Open(Config{Env: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend() != BackendFile {
		t.Errorf("auto without D-Bus or a pass store = %s, want file", s.Backend())
	}
}
