package keyring

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"filippo.io/age"

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
	// scrypt at the real cost takes seconds under -race; entries say their
	// cost, so reading them is as cheap.
	s.file.logN = testWorkFactor
	return s
}

const testWorkFactor = 10

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
	checkMode(t, filepath.Join(dir, lockName), 0o600)
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

// A Set killed between its temp file and the rename leaves the sealed
// entry behind; the next Set of that key, holding the lock, removes it.
func TestFileSetRemovesOrphanedTempFiles(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "keyring")
	s := openTestFile(t, dir, &passphrases{value: "pw"})
	key := Key("corp", "alice")
	if err := s.Set(ctx, key, "secret"); err != nil {
		t.Fatal(err)
	}
	orphan := filepath.Join(dir, "."+entryName(key)+".tmp-123")
	if err := os.WriteFile(orphan, []byte("sealed"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, key, "secret2"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(orphan); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("orphaned temp file still there: %v", err)
	}
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
		if isEntryName(de.Name()) {
			out = append(out, filepath.Join(dir, de.Name()))
		}
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

// TestFileKeysStayInside stores under keys that would climb out of the
// directory if used as paths, and finds every entry inside it.
func TestFileKeysStayInside(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	dir := filepath.Join(base, "ring")
	s := openTestFile(t, dir, &passphrases{value: "pw"})
	keys := []string{"../escaped", "../../escaped", "/tmp/abs", "a/../../b", `..\win`, ".", "..", Key("..", "..")}
	for i, k := range keys {
		if err := s.Set(ctx, k, fmt.Sprint(i)); err != nil {
			t.Fatalf("Set %q: %v", k, err)
		}
	}
	if n := len(entries(t, dir)); n != len(keys) {
		t.Errorf("%d entries in the directory, want %d", n, len(keys))
	}
	des, err := os.ReadDir(base)
	if err != nil || len(des) != 1 {
		t.Errorf("beside the keyring directory: %v, %v", des, err)
	}
	for i, k := range keys {
		if got, err := s.Get(ctx, k); err != nil || got != fmt.Sprint(i) {
			t.Errorf("Get %q = %q, %v", k, got, err)
		}
	}
}

// TestFileConcurrentSet runs Sets from goroutines, on one store and on
// stores of their own (as separate awsfed processes would), and checks
// that every entry lands whole.
func TestFileConcurrentSet(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	shared := openTestFile(t, dir, &passphrases{value: "pw"})
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			s := shared
			if i%2 == 1 {
				s = openTestFile(t, dir, &passphrases{value: "pw"})
			}
			for j := range 4 {
				key := Key("corp", fmt.Sprintf("u%d", i))
				if err := s.Set(ctx, key, fmt.Sprintf("%d-%d", i, j)); err != nil {
					t.Errorf("Set %s: %v", key, err)
				}
				if err := s.Set(ctx, Key("corp", "same"), fmt.Sprintf("%d-%d", i, j)); err != nil {
					t.Errorf("Set same: %v", err)
				}
			}
		})
	}
	wg.Wait()
	for i := range 6 {
		if got, err := shared.Get(ctx, Key("corp", fmt.Sprintf("u%d", i))); err != nil || got != fmt.Sprintf("%d-3", i) {
			t.Errorf("u%d = %q, %v", i, got, err)
		}
	}
	if got, err := shared.Get(ctx, Key("corp", "same")); err != nil || !strings.HasSuffix(got, "-3") {
		t.Errorf("same = %q, %v: want some writer's last value", got, err)
	}
	if n := len(entries(t, dir)); n != 7 {
		t.Errorf("%d entries, want 7", n)
	}
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		if strings.Contains(de.Name(), ".tmp-") {
			t.Errorf("temp file %s left behind", de.Name())
		}
	}
}

// TestFileDamagedEntry: a damaged entry reads as ErrBadPassphrase without
// quoting it, and does not stop the right passphrase storing others.
func TestFileDamagedEntry(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const junk = "age-encryption.org/v1\n-> scrypt Zm9v 10\nhunter2-junk\n"
	if err := os.WriteFile(filepath.Join(dir, entryName("corp/bad")), []byte(junk), 0o600); err != nil {
		t.Fatal(err)
	}
	s := openTestFile(t, dir, &passphrases{value: "pw"})
	_, err := s.Get(ctx, "corp/bad")
	if !errors.Is(err, ErrBadPassphrase) || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "Zm9v") {
		t.Errorf("Get damaged = %v", err)
	}
	s = openTestFile(t, dir, &passphrases{value: "pw"})
	if err := s.Set(ctx, "corp/good", "v"); err != nil {
		t.Errorf("Set beside a damaged entry: %v", err)
	}
	if err := s.Remove(ctx, "corp/bad"); err != nil {
		t.Errorf("Remove damaged: %v", err)
	}
}

// TestFileFormat checks the entry is plain age, so `age -d` with the
// passphrase recovers it, at the cost the store was given; and that a new
// store writes at the documented default cost.
func TestFileFormat(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestFile(t, dir, &passphrases{value: "Pp-9 q"})
	if err := s.Set(ctx, "corp/alice", "s3cret"); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, entryName("corp/alice")))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	if len(lines) < 3 || lines[0] != "age-encryption.org/v1" || !strings.HasPrefix(lines[1], "-> scrypt ") || !strings.HasSuffix(lines[1], fmt.Sprintf(" %d", testWorkFactor)) {
		t.Fatalf("entry header %q, want age's scrypt stanza with cost %d", lines[:min(2, len(lines))], testWorkFactor)
	}
	id, err := age.NewScryptIdentity("Pp-9 q")
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.Decrypt(bytes.NewReader(raw), id)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(r); err != nil || string(got) != "s3cret" {
		t.Errorf("age -d = %q, %v", got, err)
	}

	fresh, err := Open(Config{Backend: BackendFile, FileDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if fresh.file.logN != defaultWorkFactor || defaultWorkFactor < 17 {
		t.Errorf("new stores write at cost %d; the documented default is 17", fresh.file.logN)
	}
}
