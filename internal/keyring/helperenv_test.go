//go:build !windows

package keyring

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secretEnv sets awsfed's secrets in the environment, as a user running
// `AWSFED_PASSWORD=… awsfed login` does, and returns their values.
func secretEnv(t *testing.T) []string {
	vars := map[string]string{
		"AWSFED_PASSWORD":               "pw-7f3a9c",
		"AWSFED_KEYRING_PASSPHRASE":     "pp-2b8e41",
		"AWSFED_MFA_CODE":               "mfa-604219",
		"AWSFED_ONELOGIN_CLIENT_SECRET": "cs-d91e07",
		"awsfed_password":               "lc-55aa01", // the same name to Windows
	}
	var values []string
	for k, v := range vars {
		t.Setenv(k, v)
		values = append(values, v)
	}
	t.Setenv("KEEP_ME", "kept")
	return values
}

// checkHelperEnv fails when a helper's dumped environment holds any
// AWSFED_ variable or secret value, or lost an ordinary variable.
func checkHelperEnv(t *testing.T, what, dump string, secrets []string) {
	t.Helper()
	for line := range strings.Lines(dump) {
		if strings.HasPrefix(strings.ToUpper(line), "AWSFED_") {
			t.Errorf("%s sees %s", what, strings.SplitN(line, "=", 2)[0])
		}
	}
	for _, s := range secrets {
		if strings.Contains(dump, s) {
			t.Errorf("%s sees the secret value %q", what, s)
		}
	}
	if !strings.Contains(dump, "KEEP_ME=kept\n") {
		t.Errorf("%s lost the rest of the environment:\n%s", what, dump)
	}
}

// pass (and the gpg it runs) never inherit awsfed's secrets.
func TestPassSeesNoSecrets(t *testing.T) {
	secrets := secretEnv(t)
	bin := t.TempDir()
	dump := filepath.Join(t.TempDir(), "env")
	script := "#!/bin/sh\nenv > '" + dump + "'\ncat >/dev/null\necho secret-line\n"
	if err := os.WriteFile(filepath.Join(bin, "pass"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	store := t.TempDir()
	key := Key("corp", "alice")
	if err := os.MkdirAll(filepath.Dir(filepath.Join(store, serviceName, key)), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(store, serviceName, key+".gpg"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(Config{Backend: BackendPass, PassDir: store})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ops := map[string]func() error{
		"pass insert": func() error { return s.Set(ctx, key, "x") },
		"pass show":   func() error { _, err := s.Get(ctx, key); return err },
		"pass rm":     func() error { return s.Remove(ctx, key) },
	}
	for what, op := range ops {
		os.Remove(dump)
		if err := op(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		b, err := os.ReadFile(dump)
		if err != nil {
			t.Fatalf("%s did not run: %v", what, err)
		}
		checkHelperEnv(t, what, string(b), secrets)
		if !strings.Contains(string(b), "PASSWORD_STORE_DIR="+store+"\n") {
			t.Errorf("%s was not given the store", what)
		}
	}
}

// runTool with no environment of its own (security on macOS) scrubs the
// process's.
func TestRunToolScrubsProcessEnv(t *testing.T) {
	secrets := secretEnv(t)
	out, _, err := runTool(context.Background(), nil, nil, "env")
	if err != nil {
		t.Fatal(err)
	}
	checkHelperEnv(t, "runTool", string(out), secrets)
}
