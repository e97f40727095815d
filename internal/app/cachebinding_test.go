package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// Cached keys serve only a sign-in exactly like the one that got them: the
// same [idp] section, IdP URL, provider settings, STS endpoint, and a
// session at least as long as asked for (issue 9, defect 5). A miss needs a
// new sign-in, which without a password or terminal fails.
func TestCachedKeysAreBoundToWhatDecidesThem(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	cfg := filepath.Join(c.home, ".config", "awsfed", "config")
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A second section for the same IdP, as for two apps on one tenant.
	writeFile(t, cfg, string(text)+"\n[idp sb2]\nprovider = form\nurl = "+s.IdPURL+"\nusername = demo\n")
	c.mustRun(t, "demo\n", nil, "login", "dev", "--password-stdin", "--idp", "sb")

	if code, stdout, stderr := c.run("", nil, "credential-process", "dev", "--idp", "sb"); code != 0 || stdout == "" {
		t.Fatalf("the same sign-in was not served from the cache: exit %d\n%s", code, stderr)
	}
	for name, args := range map[string][]string{
		"another STS endpoint":       {"--idp", "sb", "--sts-endpoint", "http://" + closedPort(t) + "/"},
		"another path on the host":   {"--idp", "sb", "--url", s.IdPURL + "/other"},
		"another [idp] section":      {"--idp", "sb2"},
		"a longer session than held": {"--idp", "sb", "--duration", "8h"},
	} {
		code, stdout, stderr := c.run("", nil, append([]string{"credential-process", "dev"}, args...)...)
		if code == 0 || stdout != "" {
			t.Errorf("%s: cached keys were served: exit %d, stdout %q, stderr %s", name, code, stdout, stderr)
		}
	}
	// Keys got for 8h serve a request for 1h.
	c.mustRun(t, "demo\n", nil, "login", "dev", "--password-stdin", "--idp", "sb", "--duration", "8h")
	if code, _, stderr := c.run("", nil, "credential-process", "dev", "--idp", "sb", "--duration", "1h"); code != 0 {
		t.Errorf("keys of an 8h session did not serve a 1h request: exit %d\n%s", code, stderr)
	}
}

// A credentials file others could read is made 0600 when keys are written
// into it, and awsfed says so (issue 9, defect 4).
func TestLoginMakesTheCredentialsFilePrivate(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	creds := filepath.Join(c.home, ".aws", "credentials")
	if err := os.MkdirAll(filepath.Dir(creds), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(creds, []byte("# mine\n[other]\naws_access_key_id = AKIAOTHER\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(creds, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr := c.mustRun(t, "demo\n", nil, "login", "dev", "--password-stdin")
	fi, err := os.Stat(creds)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %04o after login, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(stderr, "made "+creds+" private (mode 0644 → 0600)") {
		t.Errorf("login did not say it tightened the file:\n%s", stderr)
	}
	_, stderr = c.mustRun(t, "demo\n", nil, "login", "dev", "--password-stdin", "--force")
	if strings.Contains(stderr, "private") {
		t.Errorf("the notice came again for a file already private:\n%s", stderr)
	}
}
