package app

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// doctorSetup is a healthy set-up against the sandbox: a configuration,
// a login that wrote keys and cached them, and a password in the keyring.
func doctorSetup(t *testing.T) (*cli, *bytes.Buffer, *sandbox.Sandbox) {
	log := &bytes.Buffer{} // the sandbox writes it under its own lock
	s := startSandbox(t, sandbox.Options{Log: log})
	c := newCLI(t)
	c.env["AWSFED_KEYRING_BACKEND"] = "file"
	c.env["AWSFED_KEYRING_PASSPHRASE"] = "doctor-test-passphrase"
	cfg := filepath.Join(c.home, ".config", "awsfed", "config")
	os.MkdirAll(filepath.Dir(cfg), 0o700)
	os.WriteFile(cfg, []byte("[idp sandbox]\nprovider = form\nurl = "+s.IdPURL+"\nusername = demo\nstore_password = true\n\n"+
		"[account dev]\nrole_arn = "+sandbox.RoleARN("Dev")+"\nsts_endpoint = "+s.STSURL+"\n"), 0o600)
	if code, _, stderr := c.run("demo\n", nil, "login", "dev", "--password-stdin", "--store-password"); code != 0 {
		t.Fatalf("login: exit %d\n%s", code, stderr)
	}
	log.Reset()
	return c, log, s
}

func TestDoctorOnAHealthySandbox(t *testing.T) {
	c, log, _ := doctorSetup(t)
	code, stdout, stderr := c.run("", nil, "doctor")
	// Without --sign-in the IdP gets one plain GET, STS one unsigned call.
	if requests := log.String(); strings.Count(requests, "\n") != 2 || !strings.Contains(requests, "idp GET /idp/sso -> 302") || !strings.Contains(requests, "sts POST / GetCallerIdentity -> 403 MissingAuthenticationToken") {
		t.Errorf("the sandbox saw:\n%s", requests)
	}
	t.Logf("awsfed doctor:\n%s", stdout)
	if code != 0 {
		t.Errorf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	for _, line := range lines[:len(lines)-1] {
		if !strings.HasPrefix(line, "PASS  ") {
			t.Errorf("not PASS: %s", line)
		}
	}
	for _, want := range []string{
		"PASS  account dev resolve: [idp sandbox]",
		"PASS  idp sandbox connect: 127.0.0.1:",
		"PASS  idp sandbox http: GET http://127.0.0.1:",
		"PASS  idp sandbox clock: within",
		"PASS  sts http://127.0.0.1:",
		"answer: STS answered an unsigned request with AWS's error MissingAuthenticationToken (HTTP 403)",
		"PASS  aws credentials mode:",
		"PASS  keyring idp sandbox: a password of demo at http://127.0.0.1:",
		"PASS  cache files:",
		" 0 warnings, 0 failed",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if strings.Contains(stdout+stderr, "demo\n") || strings.Contains(stdout+stderr, "doctor-test-passphrase") {
		t.Errorf("a secret reached the output")
	}

	code, stdout, _ = c.run("", nil, "doctor", "dev", "--json")
	var doc struct {
		OK     bool `json:"ok"`
		Checks []struct{ Verdict string }
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || code != 0 || !doc.OK || len(doc.Checks) < 10 {
		t.Errorf("doctor --json: exit %d, %v\n%s", code, err, stdout)
	}
}

// --sign-in signs in once for the accounts of one IdP and user, assumes
// each role, and keeps the keys nowhere.
func TestDoctorSignIn(t *testing.T) {
	c, log, s := doctorSetup(t)
	cfg := filepath.Join(c.home, ".config", "awsfed", "config")
	text, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(text, "\n[account admin]\nrole_arn = "+sandbox.RoleARN("Admin")+"\nsts_endpoint = "+s.STSURL+"\n"...), 0o600)
	cred := filepath.Join(c.home, ".aws", "credentials")
	before, _ := os.ReadFile(cred)
	code, stdout, stderr := c.run("", nil, "doctor", "--sign-in")
	for _, want := range []string{
		"PASS  account admin sign-in: signed in: keys of arn:aws:sts::" + sandbox.Account + ":assumed-role/Admin/demo",
		"PASS  account dev sign-in: signed in: keys of arn:aws:sts::" + sandbox.Account + ":assumed-role/Dev/demo",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if code != 0 {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := strings.Count(log.String(), "idp POST"); n != 1 {
		t.Errorf("the IdP saw %d POSTs, want 1 sign-in for both accounts:\n%s", n, log)
	}
	if n := strings.Count(log.String(), "AssumeRoleWithSAML -> 200"); n != 2 {
		t.Errorf("%d roles assumed, want 2:\n%s", n, log)
	}
	if after, _ := os.ReadFile(cred); string(after) != string(before) {
		t.Errorf("--sign-in changed %s", cred)
	}
}

// A password the IdP rejected is on record: the doctor names the record
// and how to clear it, and the password is nowhere in the output.
func TestDoctorNamesARejectedPassword(t *testing.T) {
	c, _, _ := doctorSetup(t)
	if code, _, stderr := c.run("wrong-pw-never-shown\n", nil, "login", "dev", "--password-stdin", "--force"); code != ExitRejected {
		t.Fatalf("login with a wrong password: exit %d\n%s", code, stderr)
	}
	code, stdout, _ := c.run("", nil, "doctor")
	if code != 0 || !strings.Contains(stdout, "WARN  idp sandbox rejected password: the IdP at http://127.0.0.1:") ||
		!strings.Contains(stdout, "rejected 1 password(s) of demo") || !strings.Contains(stdout, "fix: sign in with the current password (awsfed login dev); once the IdP account is unlocked or its password reset, rm ") {
		t.Errorf("exit %d\n%s", code, stdout)
	}
	if strings.Contains(stdout, "wrong-pw-never-shown") {
		t.Errorf("the password reached the output")
	}
}

func TestDoctorFindsAFault(t *testing.T) {
	c, _, _ := doctorSetup(t)
	cred := filepath.Join(c.home, ".aws", "credentials")
	if err := os.Chmod(cred, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := c.run("", nil, "doctor")
	if code != 1 || stderr != "" {
		t.Errorf("exit %d, want 1 and nothing on stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "FAIL  aws credentials mode: "+cred+" is mode 0644: every user of this machine can read the keys in it — fix: chmod 600 "+cred) {
		t.Errorf("stdout:\n%s", stdout)
	}
	if code, _, _ := c.run("", nil, "doctor", "nope"); code != 1 {
		t.Errorf("doctor nope: exit %d, want 1", code)
	}
}
