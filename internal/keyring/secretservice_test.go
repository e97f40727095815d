//go:build linux

package keyring

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// startKeyring runs a private D-Bus session with a GNOME Keyring whose login
// keyring is created and unlocked with a password on stdin, as PAM does at a
// desktop login (Debian: dbus, gnome-keyring). It returns the bus address;
// the session ends with the test. It is skipped when those are missing, in
// CI too: the other backends cover the package's own logic.
func startKeyring(t *testing.T) string {
	t.Helper()
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
	// The shell prints the address and waits for its stdin to close; then
	// dbus-run-session stops the bus, and the keyring daemon leaves with it.
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c",
		`printf awsfed-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
echo "$DBUS_SESSION_BUS_ADDRESS"
read -r _`)
	cmd.Env = append(os.Environ(),
		"HOME="+filepath.Join(tmp, "home"),
		"XDG_DATA_HOME="+filepath.Join(tmp, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(tmp, "config"),
		"XDG_RUNTIME_DIR="+runDir,
	)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr := strings.TrimSpace(line)
	if err != nil || addr == "" {
		t.Fatalf("no bus address from dbus-run-session (%v): %s", err, stderr.String())
	}
	return addr
}

func busEnv(addr string) func(string) string {
	return func(k string) string {
		if k == "DBUS_SESSION_BUS_ADDRESS" {
			return addr
		}
		return ""
	}
}

func TestSecretService(t *testing.T) {
	addr := startKeyring(t)
	ctx := context.Background()
	var s *Store
	var err error
	// gnome-keyring-daemon --unlock may return before it owns its bus name.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		s, err = Open(Config{Backend: BackendSecretService, Env: busEnv(addr), Timeout: 10 * time.Second})
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

	// Entries live in the login keyring, labelled awsfed/<key> for the
	// user's keyring browser, and a second store, the automatic choice
	// when D-Bus is there, reads them.
	b := &secretServiceBackend{addr: addr}
	c, err := b.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items, err := c.find(ctx, "corp/unicode")
	if err != nil || len(items) != 1 || !strings.HasPrefix(string(items[0]), string(ssLogin)+"/") {
		t.Errorf("items for corp/unicode = %v, %v; want one in the login collection", items, err)
	} else if label, err := c.object(items[0]).GetProperty(ssItem + ".Label"); err != nil || label.Value() != "awsfed/corp/unicode" {
		t.Errorf("label = %v, %v", label, err)
	}
	c.close()

	auto, err := Open(Config{Env: busEnv(addr)})
	if err != nil || auto.Backend() != BackendSecretService {
		t.Fatalf("auto with D-Bus = %v, %v; want secret-service", auto, err)
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

	// A locked keyring needs the user: with no one to answer the unlock
	// prompt (no display here), the call ends with a hint, not a hang.
	c, err = b.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	if err := c.service().Call(ssService+".Lock", 0, []dbus.ObjectPath{ssLogin}).Store(&locked, &prompt); err != nil {
		t.Fatalf("lock the login keyring: %v", err)
	}
	c.close()
	short, err := Open(Config{Backend: BackendSecretService, Env: busEnv(addr), Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = short.Get(ctx, Key("corp", "unicode"))
	var kerr *Error
	if !errors.As(err, &kerr) || !strings.Contains(kerr.Hint, "unlock") {
		t.Errorf("Get from a locked keyring = %v, want an *Error with an unlock hint", err)
	}
	t.Logf("locked keyring: %v", err)
}

func TestSecretServiceNoBus(t *testing.T) {
	dead := "unix:path=" + filepath.Join(t.TempDir(), "no-bus")
	tests := []struct{ name, addr, want string }{
		{"unset", "", "no D-Bus session bus"},
		// autolaunch would start a bus: refused, never tried.
		{"autolaunch", "autolaunch:", "no D-Bus session bus"},
		{"dead socket", dead, "connect to the D-Bus session bus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(Config{Backend: BackendSecretService, Env: busEnv(tt.addr)})
			var kerr *Error
			if !errors.As(err, &kerr) || kerr.Backend != BackendSecretService || !strings.Contains(err.Error(), tt.want) || kerr.Hint == "" {
				t.Errorf("Open = %v, want an *Error saying %q with a hint", err, tt.want)
			}
		})
	}
	// The automatic choice moves on to the file backend.
	base := t.TempDir()
	env := map[string]string{"DBUS_SESSION_BUS_ADDRESS": dead, "PASSWORD_STORE_DIR": filepath.Join(base, "none"), "XDG_DATA_HOME": base}
	s, err := Open(Config{Env: func(k string) string { return env[k] }})
	if err != nil || s.Backend() != BackendFile {
		t.Errorf("auto with a dead bus = %v, %v; want file", s, err)
	}
}
