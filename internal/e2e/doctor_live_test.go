package e2e

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// awsfed doctor against the live SimpleSAMLphp and a sandbox STS: a healthy
// set-up prints only PASS lines and exits 0, a --sign-in signs in once for
// the three accounts, and a fault put in afterwards is found with its fix.
func TestLiveDoctor(t *testing.T) {
	requireLive(t)
	sb := corpSandbox(t)
	h := danaHome(t, sb)
	if code, _, stderr := h.run(t, "dana-pass\n", env.bin, "login", "a", "b", "c", "--password-stdin"); code != 0 {
		t.Fatalf("awsfed login a b c: exit %d\n%s", code, stderr)
	}
	before := sb.STSActions()

	code, stdout, stderr := h.run(t, "", env.bin, "doctor")
	t.Logf("awsfed doctor:\n%s", stdout)
	if code != 0 {
		t.Errorf("awsfed doctor: exit %d, want 0\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	for _, line := range lines[:len(lines)-1] {
		if !strings.HasPrefix(line, "PASS  ") {
			t.Errorf("not PASS: %s", line)
		}
	}
	for _, want := range []string{
		"PASS  account a resolve: [idp corp]",
		"PASS  idp corp connect: 127.0.0.1:",
		"PASS  idp corp clock: within",
		"answer: STS answered an unsigned request with AWS's error MissingAuthenticationToken (HTTP 403)",
		" 0 warnings, 0 failed",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("awsfed doctor: stdout lacks %q", want)
		}
	}
	after := sb.STSActions()
	if after["AssumeRoleWithSAML"] != before["AssumeRoleWithSAML"] {
		t.Errorf("doctor without --sign-in assumed a role: %v → %v", before, after)
	}

	// --sign-in: one sign-in at SimpleSAMLphp for the three accounts, each
	// role assumed, and the credentials file left as it was.
	cred := h.credentialsPath()
	written, _ := os.ReadFile(cred)
	signIn := &home{dir: h.dir, env: append(append([]string(nil), h.env...), "AWSFED_PASSWORD=dana-pass")}
	code, stdout, stderr = signIn.run(t, "", env.bin, "doctor", "--sign-in", "--debug")
	if code != 0 {
		t.Errorf("awsfed doctor --sign-in: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := passwordPosts(stderr); n != 1 {
		t.Errorf("doctor --sign-in: %d password POSTs to the IdP, want 1", n)
	}
	for _, a := range danaAccounts {
		want := "PASS  account " + a.name + " sign-in: signed in: keys of arn:aws:sts::" + a.id + ":assumed-role/" + a.role + "/dana@example.com"
		if !strings.Contains(stdout, want) {
			t.Errorf("doctor --sign-in: stdout lacks %q\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout+stderr, "dana-pass") {
		t.Error("doctor --sign-in: the password reached the output")
	}
	if now, _ := os.ReadFile(cred); string(now) != string(written) {
		t.Errorf("doctor --sign-in changed %s", cred)
	}

	// Faults: a credentials file every user can read, and the IdP's port
	// closed (SimpleSAMLphp stays up: the account points elsewhere).
	if err := os.Chmod(cred, 0o644); err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(h.dir, ".config", "awsfed", "config")
	text, _ := os.ReadFile(cfg)
	u, _ := url.Parse(env.idpURL)
	closed := "127.0.0.1:" + strconv.Itoa(port)
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(text), u.Host, closed, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = h.run(t, "", env.bin, "doctor", "--json")
	var report struct {
		OK     bool `json:"ok"`
		Checks []struct {
			Verdict, Subject, Check, Found, Fix string
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, stdout)
	}
	if code != 1 || report.OK {
		t.Errorf("doctor --json with faults: exit %d ok=%v, want 1 and false", code, report.OK)
	}
	found := map[string]string{}
	for _, c := range report.Checks {
		if c.Verdict != "PASS" {
			found[c.Subject+" "+c.Check] = c.Verdict + ": " + c.Found + " — fix: " + c.Fix
		}
	}
	for check, want := range map[string][]string{
		"idp corp connect":     {"FAIL: cannot reach " + closed + ": connection refused", "fix: nothing is listening there: check the URL and port"},
		"aws credentials mode": {"FAIL: " + cred + " is mode 0644", "fix: chmod 600 " + cred},
	} {
		for _, w := range want {
			if !strings.Contains(found[check], w) {
				t.Errorf("doctor --json: %s = %q, want it to contain %q", check, found[check], w)
			}
		}
		delete(found, check)
	}
	for check, got := range found {
		t.Errorf("doctor --json: unexpected %s: %s", check, got)
	}
}
