package keyring

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// passphrases counts how often the file backend asked.
type passphrases struct {
	value string
	err   error
	calls atomic.Int32
}

func (p *passphrases) ask(context.Context) (string, error) {
	p.calls.Add(1)
	return p.value, p.err
}

func openTestFile(t *testing.T, dir string, p *passphrases) *Store {
	t.Helper()
	s, err := Open(Config{Backend: BackendFile, FileDir: dir, Passphrase: p.ask})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if s.Backend() != BackendFile {
		t.Fatalf("Backend() = %q, want file", s.Backend())
	}
	return s
}

// specialSecrets covers what a password can hold: every ASCII byte,
// multibyte text, invalid UTF-8, and line ends that a careless reader trims.
func specialSecrets() map[string]string {
	var ascii strings.Builder
	for c := 0; c < 128; c++ {
		ascii.WriteByte(byte(c))
	}
	return map[string]string{
		"ascii":      ascii.String(),
		"unicode":    "pässwörd 密码 пароль 🔑\u200d\u00a0",
		"invalid":    "\xff\xfe\x80abc\xc3",
		"lineends":   "\r\n  trailing\n\n",
		"json":       `{"Key":"x","Data":"AAAA"}\"\\`,
		"percentish": "%2F%00../../etc",
		"one":        " ",
	}
}

func TestFileRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "keyring")
	p := &passphrases{value: "correct horse"}
	s := openTestFile(t, dir, p)

	for name, secret := range specialSecrets() {
		key := Key("corp", name+"@example.com")
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

	// A second store on the same directory reads what the first wrote.
	other := openTestFile(t, dir, &passphrases{value: "correct horse"})
	key := Key("corp", "unicode@example.com")
	if got, err := other.Get(ctx, key); err != nil || got != specialSecrets()["unicode"] {
		t.Errorf("Get from a new store = %q, %v", got, err)
	}

	// Overwrite, then remove.
	if err := s.Set(ctx, key, "new"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, key); got != "new" {
		t.Errorf("after overwrite Get = %q, want new", got)
	}
	if err := s.Remove(ctx, key); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if _, err := s.Get(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Remove: %v, want ErrNotFound", err)
	}
	if got := p.calls.Load(); got != 1 {
		t.Errorf("passphrase asked %d times, want once per store", got)
	}
}

func TestFileNotFoundAsksNothing(t *testing.T) {
	ctx := context.Background()
	p := &passphrases{value: "pw"}
	s := openTestFile(t, t.TempDir(), p)

	_, err := s.Get(ctx, Key("corp", "nobody"))
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing = %v, want ErrNotFound", err)
	}
	var kerr *Error
	if !errors.As(err, &kerr) || kerr.Backend != BackendFile || !strings.Contains(err.Error(), "corp/nobody") {
		t.Errorf("error %q should be an *Error naming the backend and the key", err)
	}
	// Removing what is not there succeeds, twice.
	for range 2 {
		if err := s.Remove(ctx, Key("corp", "nobody")); err != nil {
			t.Errorf("Remove missing: %v", err)
		}
	}
	if got := p.calls.Load(); got != 0 {
		t.Errorf("passphrase asked %d times for a missing entry, want 0", got)
	}
}

func TestFileModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	ctx := context.Background()
	base := t.TempDir()
	dir := filepath.Join(base, "data", "keyring")
	// A pre-existing directory with loose modes is tightened on Open.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := openTestFile(t, dir, &passphrases{value: "pw"})
	checkMode(t, dir, 0o700)

	key := Key("corp", "alice")
	if err := s.Set(ctx, key, "secret"); err != nil {
		t.Fatal(err)
	}
	files := entries(t, dir)
	if len(files) != 1 {
		t.Fatalf("keyring dir holds %v, want one entry", files)
	}
	checkMode(t, files[0], 0o600)
	// The stored file must not hold the secret in clear.
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "secret") {
		t.Errorf("entry holds the secret in clear")
	}

	// Loosened by someone else; the next Set puts it back.
	if err := os.Chmod(files[0], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, key, "secret2"); err != nil {
		t.Fatal(err)
	}
	checkMode(t, files[0], 0o600)
	checkMode(t, dir, 0o700)
}

func checkMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s mode = %o, want %o", path, got, want)
	}
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, filepath.Join(dir, de.Name()))
	}
	return out
}

func TestFileWrongPassphrase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const secret = "s3cr3t-value"
	if err := openTestFile(t, dir, &passphrases{value: "Zk4-the-one"}).Set(ctx, Key("corp", "alice"), secret); err != nil {
		t.Fatal(err)
	}

	wrong := openTestFile(t, dir, &passphrases{value: "Xq9-not-it"})
	got, err := wrong.Get(ctx, Key("corp", "alice"))
	if !errors.Is(err, ErrBadPassphrase) {
		t.Fatalf("Get with wrong passphrase = %q, %v; want ErrBadPassphrase", got, err)
	}
	if got != "" {
		t.Errorf("Get returned %q with an error", got)
	}
	var kerr *Error
	if !errors.As(err, &kerr) || kerr.Hint == "" || !strings.Contains(kerr.Hint, dir) {
		t.Errorf("error %v: want an *Error whose hint names %s", err, dir)
	}
	for _, leak := range []string{secret, "Xq9-not-it", "Zk4-the-one"} {
		if strings.Contains(err.Error(), leak) || strings.Contains(kerr.Hint, leak) {
			t.Errorf("error text %q / hint %q contains %q", err, kerr.Hint, leak)
		}
	}

	// A wrong passphrase must not start a second set of entries either.
	err = wrong.Set(ctx, Key("corp", "bob"), "other")
	if !errors.Is(err, ErrBadPassphrase) {
		t.Fatalf("Set with a passphrase that opens nothing = %v, want ErrBadPassphrase", err)
	}
	if n := len(entries(t, dir)); n != 1 {
		t.Errorf("directory has %d entries after the refused Set, want 1", n)
	}
	// The right passphrase still works after the refused attempts.
	if got, err := openTestFile(t, dir, &passphrases{value: "Zk4-the-one"}).Get(ctx, Key("corp", "alice")); err != nil || got != secret {
		t.Errorf("Get with the right passphrase = %q, %v", got, err)
	}
}

func TestFileNoPassphrase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := openTestFile(t, dir, &passphrases{value: "pw"}).Set(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ask  func(context.Context) (string, error)
		want string
	}{
		{"nil func", nil, "no passphrase to unlock"},
		{"no terminal", (&passphrases{err: fmt.Errorf("ask passphrase: %w", prompt.ErrNoTerminal)}).ask, "no terminal to ask on"},
		{"empty", (&passphrases{value: ""}).ask, "passphrase is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(Config{Backend: BackendFile, FileDir: dir, Passphrase: tt.ask})
			if err != nil {
				t.Fatal(err)
			}
			for _, call := range []func() error{
				func() error { _, err := s.Get(ctx, "k"); return err },
				func() error { return s.Set(ctx, "k2", "v") },
			} {
				err := call()
				var input *provider.InputNeededError
				if !errors.As(err, &input) {
					t.Fatalf("err = %v, want *provider.InputNeededError", err)
				}
				if !strings.Contains(input.What, tt.want) || !strings.Contains(input.What, "keyring file") || input.Hint == "" {
					t.Errorf("What %q / Hint %q: want %q, the backend and a hint", input.What, input.Hint, tt.want)
				}
			}
		})
	}

	// Another error from the passphrase source is passed on, wrapped.
	boom := errors.New("boom")
	s, err := Open(Config{Backend: BackendFile, FileDir: dir, Passphrase: (&passphrases{err: boom}).ask})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "k"); !errors.Is(err, boom) {
		t.Errorf("Get = %v, want it to wrap the passphrase error", err)
	}
}

func TestFileDefaultDir(t *testing.T) {
	base := t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": filepath.Join(base, "xdg"), "HOME": filepath.Join(base, "home")}
	s, err := Open(Config{Backend: BackendFile, Env: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(base, "xdg", "awsfed", "keyring"); s.file.dir != want {
		t.Errorf("dir = %s, want %s", s.file.dir, want)
	}
	delete(env, "XDG_DATA_HOME")
	s, err = Open(Config{Backend: BackendFile, Env: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(base, "home", ".local", "share", "awsfed", "keyring"); s.file.dir != want {
		t.Errorf("dir = %s, want %s", s.file.dir, want)
	}
	if _, err := os.Stat(s.file.dir); err != nil {
		t.Errorf("Open did not create the directory: %v", err)
	}
}

func TestOpenUnknownBackend(t *testing.T) {
	_, err := Open(Config{Backend: "kwallet"})
	var kerr *Error
	if !errors.As(err, &kerr) || !strings.Contains(err.Error(), "kwallet") || !strings.Contains(kerr.Hint, "file") {
		t.Errorf("Open(kwallet) = %v, want an *Error naming it with a hint listing backends", err)
	}
}
