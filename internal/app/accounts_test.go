package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// threeAccounts writes a configuration with accounts dev, prod and audit,
// one role each, in three AWS accounts, all of [idp sb] (user team), and
// extra sections after them.
func (c *cli) threeAccounts(t *testing.T, s *sandbox.Sandbox, extra string) {
	t.Helper()
	dir := filepath.Join(c.home, ".config", "awsfed")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf(`[idp sb]
provider = form
url = %s
username = team

[account dev]
idp = sb
role_arn = Dev
sts_endpoint = %s

[account prod]
idp = sb
role_arn = %s
sts_endpoint = %s

[account audit]
idp = sb
role_arn = %s
sts_endpoint = %s
`, s.IdPURL, s.STSURL, sandbox.AccountRoleARN(sandbox.ProdAccount, "ReadOnly"), s.STSURL, sandbox.AccountRoleARN(sandbox.AuditAccount, "Audit"), s.STSURL)
	writeFile(t, filepath.Join(dir, "config"), text+extra)
	c.env["AWSFED_PASSWORD"] = "team"
}

func TestLoginSeveralAccountsOneSignIn(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.threeAccounts(t, s, "")
	code, stdout, stderr := c.run("", nil, "login", "dev", "prod", "audit", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	idp, _ := s.Counts()
	a := s.STSActions()
	if idp != 3 || a["AssumeRoleWithSAML"] != 3 || a["AssumeRoleWithSAML ok"] != 3 {
		t.Errorf("%d IdP requests and %d AssumeRoleWithSAML, want 3 (one sign-in) and 3", idp, a["AssumeRoleWithSAML"])
	}
	if n := strings.Count(stderr, "Getting SAML assertion"); n != 1 {
		t.Errorf("%d sign-ins shown, want 1:\n%s", n, stderr)
	}
	for _, want := range []string{
		"dev    ok  arn:aws:sts::123456789012:assumed-role/Dev/team@sandbox.example",
		"prod   ok  arn:aws:sts::210987654321:assumed-role/ReadOnly/team@sandbox.example",
		"audit  ok  arn:aws:sts::345678901234:assumed-role/Audit/team@sandbox.example",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	var results []map[string]any
	if err := json.Unmarshal([]byte(stdout), &results); err != nil || len(results) != 3 {
		t.Fatalf("--json: %v\n%s", err, stdout)
	}
	creds := c.read(t, ".aws/credentials")
	for _, p := range []string{"[dev]", "[prod]", "[audit]"} {
		if !strings.Contains(creds, p) {
			t.Errorf("credentials file lacks %s", p)
		}
	}
	// A second run serves every account from the cache: no sign-in.
	code, _, stderr = c.run("", nil, "login", "--all")
	if code != 0 || strings.Contains(stderr, "Getting SAML assertion") || strings.Count(stderr, "cached keys") != 3 {
		t.Errorf("--all after a login: exit %d\n%s", code, stderr)
	}
	if idp2, _ := s.Counts(); idp2 != idp {
		t.Errorf("the cached run made %d IdP requests", idp2-idp)
	}
}

// One role refused does not stop the others: two profiles written, one
// line saying which failed, and the exit code of the refusal.
func TestLoginSeveralAccountsOneRefused(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	s.Revoke(sandbox.AccountRoleARN(sandbox.ProdAccount, "ReadOnly"))
	c := newCLI(t)
	c.threeAccounts(t, s, "")
	code, _, stderr := c.run("", nil, "login", "--all", "--idp", "sb")
	if code != ExitRejected {
		t.Errorf("exit %d, want %d\n%s", code, ExitRejected, stderr)
	}
	for _, want := range []string{"prod   failed  assume arn:aws:iam::210987654321:role/ReadOnly: aws sts AssumeRoleWithSAML: AccessDenied", "awsfed: 1 of 3 accounts failed: prod\nhint: AWS refused the role"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	creds := c.read(t, ".aws/credentials")
	if !strings.Contains(creds, "[dev]") || !strings.Contains(creds, "[audit]") || strings.Contains(creds, "[prod]") {
		t.Errorf("credentials file:\n%s", creds)
	}
}

func TestLoginSeveralAccountsRefusesMixedIdPs(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.threeAccounts(t, s, fmt.Sprintf("\n[idp other]\nurl = %s\nusername = demo\n\n[account elsewhere]\nidp = other\nrole_arn = Dev\n", s.IdPURL+"&x=1"))
	code, _, stderr := c.run("", nil, "login", "dev", "elsewhere")
	if code != ExitInput || !strings.Contains(stderr, "sign in at different IdPs") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	if idp, _ := s.Counts(); idp != 0 {
		t.Errorf("%d IdP requests before refusing", idp)
	}
}

// A chained account assumes its role with its source's keys; its duration
// is capped at 1h with one note; credential-process and env serve it.
func TestChainedAccount(t *testing.T) {
	s := startSandbox(t, sandbox.Options{MaxSession: 12 * time.Hour})
	c := newCLI(t)
	c.threeAccounts(t, s, "\n[account admin]\nsource = dev\nrole_arn = arn:aws:iam::210987654321:role/Admin\nduration = 8h\n")
	code, _, stderr := c.run("", nil, "login", "admin")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "Testing new credentials: passed (arn:aws:sts::210987654321:assumed-role/Admin/team)") {
		t.Errorf("caller is not the chained role:\n%s", stderr)
	}
	if n := strings.Count(stderr, "AWS caps sessions of chained roles at 1h"); n != 1 {
		t.Errorf("the 1h note appears %d times:\n%s", n, stderr)
	}
	// dev's sign-in refreshed its siblings prod and audit too.
	a := s.STSActions()
	if a["AssumeRoleWithSAML ok"] != 3 || a["AssumeRole ok"] != 1 {
		t.Errorf("actions %v", a)
	}
	// The source's keys are cached: credential-process admin with --force
	// semantics (a long refresh window) assumes again without the IdP.
	idp0, _ := s.Counts()
	code, stdout, stderr := c.run("", nil, "credential-process", "admin", "--refresh-window", "2h")
	if code != 0 {
		t.Fatalf("credential-process: %d\n%s", code, stderr)
	}
	pc := parseProcessCreds(t, stdout)
	if exp, _ := time.Parse(time.RFC3339, pc.Expiration); time.Until(exp) > time.Hour+time.Minute {
		t.Errorf("chained keys live %v, more than 1h", time.Until(exp))
	}
	if idp, _ := s.Counts(); idp != idp0 || s.STSActions()["AssumeRole ok"] != 2 {
		t.Errorf("credential-process: %d IdP requests, %d AssumeRole", idp-idp0, s.STSActions()["AssumeRole ok"])
	}
	code, stdout, _ = c.run("", nil, "env", "admin", "--shell", "bash")
	if code != 0 || !strings.Contains(stdout, "export AWS_SESSION_TOKEN=") {
		t.Errorf("env admin: %d\n%s", code, stdout)
	}
}

// An account that is both asked for and the source of chained accounts is
// assumed once.
func TestLoginChainedWithItsSource(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.threeAccounts(t, s, "\n[account admin]\nsource = dev\nrole_arn = arn:aws:iam::210987654321:role/Admin\n\n[account ops]\nsource = dev\nrole_arn = arn:aws:iam::345678901234:role/Ops\n")
	code, _, stderr := c.run("", nil, "login", "admin", "dev", "ops")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if a := s.STSActions(); a["AssumeRoleWithSAML"] != 1 || a["AssumeRole ok"] != 2 {
		t.Errorf("actions %v, want dev assumed once and two chained roles", a)
	}
	if !strings.Contains(stderr, "admin  ok  arn:aws:sts::210987654321:assumed-role/Admin/team") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// Twenty credential-process processes over three sibling accounts of one
// [idp], on an empty cache, cause one sign-in: the first refreshes all
// three from one assertion, the others wait for the IdP's lock and find
// their keys.
func TestCredentialProcessSiblingsShareOneSignIn(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.threeAccounts(t, s, "")
	accounts := []string{"dev", "prod", "audit"}
	const n = 20
	outs := c.processes(t, n, "team", func(i int) []string { return []string{"credential-process", accounts[i%3]} })
	for i := range n {
		parseProcessCreds(t, outs[i])
		if outs[i] != outs[i%3] {
			t.Errorf("process %d printed other keys than process %d for %s", i, i%3, accounts[i%3])
		}
	}
	a := s.STSActions()
	idp, _ := s.Counts()
	if a["AssumeRoleWithSAML"] != 3 || idp != 3 {
		t.Errorf("%d AssumeRoleWithSAML and %d IdP requests for %d processes over 3 accounts, want 3 and 3 (one sign-in)", a["AssumeRoleWithSAML"], idp, n)
	}
}

// A sign-in that fails fails every account with one message, not one
// line each.
func TestLoginSeveralAccountsWrongPassword(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.threeAccounts(t, s, "")
	c.env["AWSFED_PASSWORD"] = "nope"
	code, _, stderr := c.run("", nil, "login", "dev", "prod", "audit")
	if code != ExitRejected || strings.Count(stderr, "rejected the username or password") != 1 || strings.Contains(stderr, "failed  ") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	if idp, _ := s.Counts(); idp != 3 {
		t.Errorf("%d IdP requests, want one sign-in (3)", idp)
	}
}
