package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/sandbox"
)

// configured writes an awsfed configuration with one account, dev, whose
// IdP and STS are the sandbox's.
func (c *cli) configured(t *testing.T, s *sandbox.Sandbox, role string) {
	t.Helper()
	dir := filepath.Join(c.home, ".config", "awsfed")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf("[idp sb]\nprovider = form\nurl = %s\nusername = demo\n\n[account dev]\nidp = sb\nsts_endpoint = %s\n", s.IdPURL, s.STSURL)
	if role != "" {
		text += "role_arn = " + role + "\n"
	}
	writeFile(t, filepath.Join(dir, "config"), text)
}

type processCreds struct {
	Version                                                int
	AccessKeyId, SecretAccessKey, SessionToken, Expiration string
}

func parseProcessCreds(t *testing.T, stdout string) processCreds {
	t.Helper()
	var pc processCreds
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pc); err != nil {
		t.Fatalf("stdout is not credential_process JSON: %v\n%q", err, stdout)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than the JSON: %q", stdout)
	}
	exp, err := time.Parse(time.RFC3339, pc.Expiration)
	if pc.Version != 1 || !strings.HasPrefix(pc.AccessKeyId, "ASIA") || pc.SecretAccessKey == "" || pc.SessionToken == "" || err != nil || time.Until(exp) < 30*time.Minute {
		t.Fatalf("bad credential_process JSON: %+v (%v)", pc, err)
	}
	return pc
}

func TestCredentialProcessServesTheCache(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	if code, _, stderr := c.run("demo\n", nil, "login", "dev", "--password-stdin"); code != 0 {
		t.Fatalf("login: %d\n%s", code, stderr)
	}
	idp0, sts0 := s.Counts()

	code, stdout, stderr := c.run("", nil, "credential-process", "dev")
	if code != 0 || stderr != "" {
		t.Fatalf("credential-process: %d\n%s", code, stderr)
	}
	pc := parseProcessCreds(t, stdout)
	if idp, sts := s.Counts(); idp != idp0 || sts != sts0 {
		t.Errorf("a cache hit made %d IdP and %d STS requests", idp-idp0, sts-sts0)
	}
	creds, _ := os.ReadFile(filepath.Join(c.home, ".aws", "credentials"))
	if !strings.Contains(string(creds), pc.AccessKeyId) {
		t.Errorf("credential-process served other keys than login wrote")
	}
}

func TestCredentialProcessSignsInAgain(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")

	// No cache, no password, no terminal: one line saying what to do, nothing on stdout.
	code, stdout, stderr := c.run("", nil, "credential-process", "dev")
	if code != ExitInput || stdout != "" || stderr != "awsfed: the keys of dev need a new sign-in and there is no terminal to ask on: run `awsfed login dev`\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// The password from the terminal (/dev/tty, here a stub) signs in; stdout has the JSON only.
	stub := &prompt.Stub{Answers: []string{"demo"}}
	code, stdout, stderr = c.run("", stub, "credential-process", "dev")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr %q: the AWS tool shows it", stderr)
	}
	first := parseProcessCreds(t, stdout)
	if got := s.STSActions()["AssumeRoleWithSAML ok"]; got != 1 {
		t.Errorf("%d AssumeRoleWithSAML, want 1", got)
	}
	_, stdout, _ = c.run("", nil, "credential-process", "dev")
	if second := parseProcessCreds(t, stdout); second != first {
		t.Error("the second call did not serve the cached keys")
	}
	// A refresh window longer than the keys' life forces a new sign-in.
	c.env["AWSFED_PASSWORD"] = "demo"
	_, stdout, _ = c.run("", nil, "credential-process", "dev", "--refresh-window", "2h")
	if third := parseProcessCreds(t, stdout); third.AccessKeyId == first.AccessKeyId {
		t.Error("keys inside the refresh window were served")
	}
	if got := s.STSActions()["AssumeRoleWithSAML ok"]; got != 2 {
		t.Errorf("%d AssumeRoleWithSAML, want 2", got)
	}
}

// login reuses cached keys of the same role only; --force signs in anyway.
func TestLoginReusesKeysOfTheSameRoleOnly(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "")
	c.env["AWSFED_PASSWORD"] = "demo"
	assumes := func() int { return s.STSActions()["AssumeRoleWithSAML ok"] }
	steps := []struct {
		args    []string
		assumes int
		stderr  string
	}{
		{[]string{"--role", "Dev"}, 1, "Testing new credentials: passed"},
		{[]string{"--role", "Dev"}, 1, "from an earlier sign-in are good for"},
		{[]string{"--role", "Admin"}, 2, "assumed-role/Admin/"},
		{[]string{"--role", "Dev", "--force"}, 3, "assumed-role/Dev/"},
		{[]string{"--role", "Admin"}, 3, "from an earlier sign-in"},
	}
	for i, st := range steps {
		code, _, stderr := c.run("", nil, append([]string{"login", "dev", "--username", "demo"}, st.args...)...)
		if code != 0 || !strings.Contains(stderr, st.stderr) {
			t.Errorf("step %d %v: exit %d, stderr lacks %q:\n%s", i, st.args, code, st.stderr, stderr)
		}
		if got := assumes(); got != st.assumes {
			t.Errorf("step %d %v: %d sign-ins, want %d", i, st.args, got, st.assumes)
		}
	}
}

// Twenty credential-process processes starting at once on an empty cache
// cause exactly one sign-in; all print the same keys.
func TestCredentialProcessConcurrentProcesses(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	const n = 20
	outs := c.processes(t, n, "demo", func(int) []string { return []string{"credential-process", "dev"} })
	for i := range n {
		if outs[i] != outs[0] {
			t.Errorf("process %d printed other keys", i)
		}
	}
	parseProcessCreds(t, outs[0])
	a := s.STSActions()
	idp, _ := s.Counts()
	if a["AssumeRoleWithSAML"] != 1 || idp != 3 {
		t.Errorf("%d AssumeRoleWithSAML and %d IdP requests for %d processes, want 1 and 3 (one sign-in)", a["AssumeRoleWithSAML"], idp, n)
	}
}

// processes runs n awsfed processes (the binary on PATH) at once, process
// i with args(i), AWSFED_PASSWORD=password and no terminal, and returns
// their stdout; any failure fails the test.
func (c *cli) processes(t *testing.T, n int, password string, args func(i int) []string) []string {
	t.Helper()
	bin, err := exec.LookPath("awsfed")
	if err != nil {
		t.Fatalf("awsfed is not on PATH (testscript.Main puts it there): %v", err)
	}
	env := []string{"HOME=" + c.home, "XDG_CONFIG_HOME=" + filepath.Join(c.home, ".config"), "AWSFED_PASSWORD=" + password, "AWSFED_NO_PROMPT=1", "PATH=" + os.Getenv("PATH")}
	outs := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, args(i)...)
			cmd.Env = env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			<-start
			if err := cmd.Run(); err != nil {
				errs[i] = fmt.Errorf("%v: %s", err, stderr.String())
			}
			outs[i] = stdout.String()
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("process %d %v: %v", i, args(i), errs[i])
		}
	}
	return outs
}
