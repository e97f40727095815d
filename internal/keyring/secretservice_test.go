//go:build linux

package keyring

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/99designs/keyring"
)

// secretServiceChildEnv marks the copy of the test binary that runs inside
// a private D-Bus session: 99designs looks for the bus in its init, so the
// bus must exist before the process starts.
const secretServiceChildEnv = "AWSFED_KEYRING_TEST_DBUS_CHILD"

// TestSecretService runs the Secret Service backend against a real GNOME
// Keyring in a throwaway D-Bus session (Debian: dbus, gnome-keyring). It is
// skipped when those are missing, in CI too: the other backends cover the
// package's own logic.
func TestSecretService(t *testing.T) {
	if os.Getenv(secretServiceChildEnv) == "1" {
		secretServiceChild(t)
		return
	}
	for _, n := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(n); err != nil {
			t.Skipf("%s is not installed (Debian: apt-get install dbus gnome-keyring)", n)
		}
	}
	tmp := t.TempDir()
	runDir := filepath.Join(tmp, "run")
	if err := os.Mkdir(runDir, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The login keyring is created and unlocked with a password on stdin,
	// as PAM does at a desktop login.
	cmd := exec.CommandContext(ctx, "dbus-run-session", "--", "sh", "-c",
		`printf awsfed-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"`,
		"sh", os.Args[0], "-test.run=^TestSecretService$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(),
		secretServiceChildEnv+"=1",
		"HOME="+filepath.Join(tmp, "home"),
		"XDG_DATA_HOME="+filepath.Join(tmp, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(tmp, "config"),
		"XDG_RUNTIME_DIR="+runDir,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("secret service test in a private D-Bus session: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestSecretService") {
		t.Fatalf("the child did not pass:\n%s", out)
	}
	t.Logf("child:\n%s", out)
}

func secretServiceChild(t *testing.T) {
	ctx := context.Background()
	var s *Store
	var err error
	// gnome-keyring-daemon --unlock may return before it owns its bus name.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		s, err = Open(Config{Backend: BackendSecretService, Timeout: 10 * time.Second})
		if err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("Open secret-service: %v", err)
	}
	for name, secret := range specialSecrets() {
		key := Key("corp", name)
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

	// Entries live in the login keyring under awsfed/, readable by a
	// second store, as the automatic choice when D-Bus is there.
	auto, err := Open(Config{Env: func(k string) string {
		if k == "DBUS_SESSION_BUS_ADDRESS" {
			return os.Getenv(k)
		}
		return ""
	}})
	if err != nil || auto.Backend() != BackendSecretService {
		t.Fatalf("auto with D-Bus = %v, %v; want secret-service", auto, err)
	}
	var keys []string
	if err := auto.g.do(ctx, "list", func(kr keyring.Keyring) error {
		var err error
		keys, err = kr.Keys()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(keys, "awsfed/corp/unicode") {
		t.Errorf("login keyring labels %v lack awsfed/corp/unicode", keys)
	}

	key := Key("corp", "alice")
	if _, err := auto.Get(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get missing = %v, want ErrNotFound", err)
	}
	if err := auto.Set(ctx, key, "one"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, key, "two"); err != nil {
		t.Fatal(err)
	}
	if got, err := auto.Get(ctx, key); err != nil || got != "two" {
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
}
