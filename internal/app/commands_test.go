package app

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/sandbox"
)

func (c *cli) read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.home, rel))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

func (c *cli) mustRun(t *testing.T, stdin string, p prompt.Prompter, args ...string) (string, string) {
	t.Helper()
	code, stdout, stderr := c.run(stdin, p, args...)
	if code != 0 {
		t.Fatalf("awsfed %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return stdout, stderr
}

func TestSetupProfile(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	os.MkdirAll(filepath.Join(c.home, ".aws"), 0o700)
	writeFile(t, filepath.Join(c.home, ".aws", "config"), "# mine\n[profile other]\nregion = us-east-2\n")
	c.mustRun(t, "demo\n", nil, "login", "dev", "--password-stdin")
	if !strings.Contains(c.read(t, ".aws/credentials"), "[dev]") {
		t.Fatal("login wrote no [dev]")
	}

	_, stderr := c.mustRun(t, "", nil, "setup-profile", "dev", "--command", "/opt/my tools/awsfed", "--region", "eu-west-1")
	want := "# mine\n[profile other]\nregion = us-east-2\n\n[profile dev]\ncredential_process = '/opt/my tools/awsfed' credential-process dev\nregion = eu-west-1\n"
	if got := c.read(t, ".aws/config"); got != want {
		t.Errorf("config:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(c.read(t, ".aws/credentials"), "[dev]") {
		t.Error("the temporary keys of [dev] would shadow credential_process but were kept")
	}
	if !strings.Contains(stderr, "Removed the temporary keys of [dev]") {
		t.Errorf("stderr: %s", stderr)
	}

	// Long-term keys are never removed, only warned about.
	writeFile(t, filepath.Join(c.home, ".aws", "credentials"), "[dev]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n")
	_, stderr = c.mustRun(t, "", nil, "setup-profile", "dev", "--command", "/bin/awsfed")
	if !strings.Contains(stderr, "Warning: [dev]") || !strings.Contains(c.read(t, ".aws/credentials"), "AKIAEXAMPLE") {
		t.Errorf("long-term keys: stderr %s", stderr)
	}

	code, _, stderr := c.run("", nil, "setup-profile", "nope")
	if code != ExitInput || !strings.Contains(stderr, "no [account nope]") {
		t.Errorf("unknown account: exit %d: %s", code, stderr)
	}
}

func TestStatusAndLogout(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	var rows []struct {
		Account, Profile, Role, State string
		SecondsLeft                   int64 `json:"seconds_left"`
	}
	status := func() {
		t.Helper()
		stdout, _ := c.mustRun(t, "", nil, "status", "--json")
		rows = nil
		if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
			t.Fatalf("%v: %s", err, stdout)
		}
	}
	status()
	if len(rows) != 1 || rows[0].Account != "dev" || rows[0].State != "none" {
		t.Errorf("before login: %+v", rows)
	}
	c.mustRun(t, "demo\n", nil, "login", "dev", "--password-stdin")
	status()
	if len(rows) != 1 || rows[0].State != "valid" || rows[0].Role != sandbox.RoleARN("Dev") || rows[0].SecondsLeft < 3500 || rows[0].SecondsLeft > 3600 {
		t.Errorf("after login: %+v", rows)
	}
	table, _ := c.mustRun(t, "", nil, "status")
	if !strings.HasPrefix(table, "ACCOUNT") || !strings.Contains(table, "dev") || !strings.Contains(table, "role/Dev") {
		t.Errorf("table:\n%s", table)
	}

	_, stderr := c.mustRun(t, "", nil, "logout", "dev")
	if !strings.Contains(stderr, "Removed 1 cached key set(s) of dev") || !strings.Contains(stderr, `Removed the keys of profile "dev"`) {
		t.Errorf("logout: %s", stderr)
	}
	if strings.Contains(c.read(t, ".aws/credentials"), "[dev]") {
		t.Error("logout left [dev] in the credentials file")
	}
	status()
	if len(rows) != 1 || rows[0].State != "none" {
		t.Errorf("after logout: %+v", rows)
	}
}

func TestEnvPrintsExportsABashCanEval(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	c.mustRun(t, "demo\n", nil, "login", "dev", "--password-stdin")
	stdout, _ := c.mustRun(t, "", nil, "env", "dev", "--shell", "bash")
	cmd := exec.Command("bash", "-c", `export AWS_PROFILE=other; eval "$(cat)"; printf '%s|%s|%s' "$AWS_ACCESS_KEY_ID" "${AWS_PROFILE-unset}" "$AWS_CREDENTIAL_EXPIRATION"`)
	cmd.Stdin = strings.NewReader(stdout)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(out), "|")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "ASIA") || parts[1] != "unset" {
		t.Errorf("bash saw %q from:\n%s", out, stdout)
	}
	if _, err := time.Parse(time.RFC3339, parts[2]); err != nil {
		t.Errorf("AWS_CREDENTIAL_EXPIRATION %q", parts[2])
	}
	if creds := c.read(t, ".aws/credentials"); !strings.Contains(creds, parts[0]) {
		t.Error("env printed other keys than the cached ones")
	}
	code, _, stderr := c.run("", nil, "env", "dev", "--shell", "tcsh")
	if code == 0 || !strings.Contains(stderr, "tcsh") {
		t.Errorf("unknown shell: exit %d %s", code, stderr)
	}
}

func TestExec(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (.ci/run installs it)")
	}
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	c.env["PATH"] = os.Getenv("PATH")
	c.env["AWS_PROFILE"] = "should-be-gone"
	c.env["AWSFED_PASSWORD"] = "demo"

	// The child fetches keys from the endpoint with the token, as an SDK does.
	script := `printf '%s|%s|' "${AWS_PROFILE-unset}" "${AWSFED_PASSWORD-unset}"; curl -sf -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; printf '|'; curl -s -o /dev/null -w '%{http_code}' -H "Authorization: wrong" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"`
	stdout, _ := c.mustRun(t, "", nil, "exec", "dev", "--", "sh", "-c", script)
	parts := strings.SplitN(stdout, "|", 4)
	if len(parts) != 4 || parts[0] != "unset" || parts[1] != "unset" || parts[3] != "403" {
		t.Fatalf("child printed %q", stdout)
	}
	var creds struct{ AccessKeyId, SecretAccessKey, Token, Expiration string }
	if err := json.Unmarshal([]byte(parts[2]), &creds); err != nil || !strings.HasPrefix(creds.AccessKeyId, "ASIA") || creds.Token == "" {
		t.Errorf("endpoint answered %q (%v)", parts[2], err)
	}

	// Exit codes pass through; a missing command is 127 with a message.
	if code, _, _ := c.run("", nil, "exec", "dev", "--", "sh", "-c", "exit 7"); code != 7 {
		t.Errorf("exit code %d, want 7", code)
	}
	code, _, stderr := c.run("", nil, "exec", "dev", "--", "no-such-command-awsfed")
	if code != 127 || !strings.Contains(stderr, "command not found: no-such-command-awsfed") {
		t.Errorf("missing command: exit %d: %s", code, stderr)
	}
	// --no-server exports the keys themselves.
	stdout, _ = c.mustRun(t, "", nil, "exec", "dev", "--no-server", "--", "sh", "-c", `printf '%s|%s' "$AWS_ACCESS_KEY_ID" "${AWS_CONTAINER_CREDENTIALS_FULL_URI-unset}"`)
	if !strings.HasPrefix(stdout, creds.AccessKeyId+"|unset") {
		t.Errorf("--no-server child printed %q", stdout)
	}
	if got := s.STSActions()["AssumeRoleWithSAML ok"]; got != 1 {
		t.Errorf("%d sign-ins for four runs, want 1 (the cache)", got)
	}
	code, _, stderr = c.run("", nil, "exec", "dev")
	if code != ExitInput || !strings.Contains(stderr, "ACCOUNT -- COMMAND") {
		t.Errorf("no command: exit %d: %s", code, stderr)
	}
}

// --store-password keeps the password in the keyring (the encrypted file
// backend here); later refreshes use it without a terminal, and a password
// the IdP no longer accepts is removed from the keyring, never retried.
func TestStoredPassword(t *testing.T) {
	old := startSandbox(t, sandbox.Options{Users: []sandbox.User{{Name: "demo", Password: "old pw&", Roles: []string{"Dev"}}}})
	c := newCLI(t)
	c.configured(t, old, "Dev")
	c.env["AWSFED_KEYRING_BACKEND"] = "file"
	c.env["AWSFED_KEYRING_PASSPHRASE"] = "ring pass"

	_, stderr := c.mustRun(t, "", &prompt.Stub{Answers: []string{"old pw&"}}, "login", "dev", "--store-password")
	if !strings.Contains(stderr, "Password stored in the file keyring") || !strings.Contains(stderr, "store_password = true") {
		t.Fatalf("stderr: %s", stderr)
	}
	if cfg := c.read(t, ".config/awsfed/config"); !strings.Contains(cfg, "store_password = true") {
		t.Errorf("config:\n%s", cfg)
	}
	if strings.Contains(stderr, "old pw&") {
		t.Error("the password reached stderr")
	}
	// A refresh with no terminal and no AWSFED_PASSWORD uses the keyring.
	stdout, stderr := c.mustRun(t, "", nil, "credential-process", "dev", "--refresh-window", "2h")
	parseProcessCreds(t, stdout)
	if got := old.STSActions()["AssumeRoleWithSAML ok"]; got != 2 {
		t.Errorf("%d sign-ins, want 2", got)
	}

	// A stored password is bound to its IdP host: pointing the account at
	// another host asks rather than sending it there.
	elsewhere := startSandbox(t, sandbox.Options{Users: []sandbox.User{{Name: "demo", Password: "old pw&", Roles: []string{"Dev"}}}})
	code, _, stderr := c.run("", nil, "login", "dev", "--force", "--username", "demo", "--url", elsewhere.IdPURL)
	if code != ExitInput || !strings.Contains(stderr, "no password given and no terminal") {
		t.Errorf("another host: exit %d: %s", code, stderr)
	}
	if idp, _ := elsewhere.Counts(); idp > 2 {
		t.Errorf("the stored password went to another host (%d IdP requests)", idp)
	}

	// The password changed at the IdP (same host): the stored one is refused once and removed.
	idpAddr, stsAddr := hostPort(t, old.IdPURL), hostPort(t, old.STSURL)
	old.Close()
	changed := startSandbox(t, sandbox.Options{IdPAddr: idpAddr, STSAddr: stsAddr, Users: []sandbox.User{{Name: "demo", Password: "new", Roles: []string{"Dev"}}}})
	c.configured(t, changed, "Dev")
	cfgPath := filepath.Join(c.home, ".config", "awsfed", "config")
	cfg := c.read(t, ".config/awsfed/config")
	writeFile(t, cfgPath, strings.Replace(cfg, "username = demo\n", "username = demo\nstore_password = true\n", 1))
	code, _, stderr = c.run("", nil, "login", "dev", "--force", "--username", "demo")
	if code != ExitRejected || !strings.Contains(stderr, "has been removed from it") || !strings.Contains(stderr, "--store-password") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	idp, _ := changed.Counts()
	code, _, stderr = c.run("", nil, "login", "dev", "--force", "--username", "demo")
	if code != ExitInput || !strings.Contains(stderr, "no password given and no terminal") {
		t.Errorf("after removal: exit %d: %s", code, stderr)
	}
	if idp2, _ := changed.Counts(); idp2-idp > 2 {
		t.Errorf("the second attempt posted a password (%d IdP requests)", idp2-idp)
	}
}

// Once a profile gets its keys through credential_process, login fills the
// cache and leaves the credentials file alone: keys there would shadow the
// process and, expired, break the profile.
func TestLoginLeavesCredentialProcessProfilesAlone(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	c.mustRun(t, "", nil, "setup-profile", "dev", "--command", "/bin/awsfed")
	_, stderr := c.mustRun(t, "demo\n", nil, "login", "dev", "--password-stdin")
	if !strings.Contains(stderr, "gets its keys from awsfed (credential_process)") || !strings.Contains(stderr, "Testing new credentials: passed") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if creds := c.read(t, ".aws/credentials"); strings.Contains(creds, "[dev]") {
		t.Errorf("login wrote [dev] into the credentials file:\n%s", creds)
	}
	stdout, _ := c.mustRun(t, "", nil, "credential-process", "dev")
	parseProcessCreds(t, stdout)
	if got := s.STSActions()["AssumeRoleWithSAML ok"]; got != 1 {
		t.Errorf("%d sign-ins, want 1: credential-process should serve login's keys", got)
	}
}

func hostPort(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// Keys cached for one user and IdP are never served for another.
func TestCachedKeysBelongToTheirUser(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	c.mustRun(t, "demo\n", nil, "login", "dev", "--password-stdin")
	// Served from the cache with stdin left unread: nothing is piped in.
	c.mustRun(t, "", nil, "login", "dev", "--password-stdin")
	code, stdout, stderr := c.run("", nil, "credential-process", "dev", "--username", "mallory")
	if code != ExitInput || stdout != "" {
		t.Errorf("another user got keys: exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
}

// What follows the password on stdin is the command's.
func TestExecPasswordStdinLeavesTheRestForTheCommand(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	c.env["PATH"] = os.Getenv("PATH")
	stdout, _ := c.mustRun(t, "demo\nline1\nline2\n", nil, "exec", "dev", "--password-stdin", "--", "cat")
	if stdout != "line1\nline2\n" {
		t.Errorf("the command read %q", stdout)
	}
}

// logout of an account that is not configured touches no profile unless
// one is named: another tool may own it.
func TestLogoutOfAnUnknownAccount(t *testing.T) {
	c := newCLI(t)
	os.MkdirAll(filepath.Join(c.home, ".aws"), 0o700)
	creds := "[ghost]\naws_access_key_id = ASIAOTHER\naws_secret_access_key = x\naws_session_token = t\n"
	writeFile(t, filepath.Join(c.home, ".aws", "credentials"), creds)
	_, stderr := c.mustRun(t, "", nil, "logout", "ghost")
	if c.read(t, ".aws/credentials") != creds || !strings.Contains(stderr, "pass --profile") {
		t.Errorf("logout touched another tool's profile: %s", stderr)
	}
	c.mustRun(t, "", nil, "logout", "ghost", "--profile", "ghost")
	if strings.Contains(c.read(t, ".aws/credentials"), "ASIAOTHER") {
		t.Error("logout --profile ghost kept the keys")
	}
}

// When exec's endpoint needs a new sign-in and nobody can be asked, it says
// so once and does not visit the IdP again at each SDK retry.
func TestExecEndpointCannotAsk(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (.ci/run installs it)")
	}
	s := startSandbox(t, sandbox.Options{CredentialLifetime: 3 * time.Second})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	c.env["PATH"] = os.Getenv("PATH")
	fetch := `curl -s -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; echo`
	script := "sleep 3; " + fetch + "; " + fetch + "; " + fetch
	code, stdout, stderr := c.run("", &prompt.Stub{Answers: []string{"demo"}}, "exec", "dev", "--refresh-window", "1s", "--", "sh", "-c", script)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stdout, "run `awsfed login dev` in another terminal"); n != 3 {
		t.Errorf("%d answers say what to do, want 3:\n%s", n, stdout)
	}
	if n := strings.Count(stderr, "could not refresh the keys of dev"); n != 1 {
		t.Errorf("told the user %d times, want once:\n%s", n, stderr)
	}
	if got := s.STSActions()["AssumeRoleWithSAML ok"]; got != 1 {
		t.Errorf("%d sign-ins, want 1", got)
	}
	if idp, _ := s.Counts(); idp > 3+2 {
		t.Errorf("%d IdP requests: the retries visited the IdP again", idp)
	}
}
