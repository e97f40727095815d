package app

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/provider/vro/vrotest"
	"github.com/awsfed/awsfed/internal/sandbox"
)

// Whole `awsfed login` runs through the vro provider: a strict fake vRO
// runs the broker workflow and hands out assertions signed by the sandbox
// IdP, which the sandbox STS redeems.
const (
	vroUser     = "alice"
	vroPassword = `p&ss=w+rd %#'"x y`
)

// vroEnv is the fake vRO, the sandbox and a CLI configured for both.
type vroEnv struct {
	t    *testing.T
	sb   *sandbox.Sandbox
	fake *vrotest.Server
	c    *cli
	cfg  string

	issuer // the SAMLResponses the workflow handed out
}

// newVRO starts the fake with alice (vroPassword) unless opts names users,
// on the sandbox sb (shared: a sandbox costs an RSA key), and configures
// [idp broker] for it with the settings in set added or changed. The
// sandbox's demo user, roles Dev and Admin, stands for every vRO user. The
// test fails when awsfed sent the fake anything a real vRO would refuse.
func newVRO(t *testing.T, sb *sandbox.Sandbox, opts vrotest.Options, set map[string]string) *vroEnv {
	t.Helper()
	e := &vroEnv{t: t, sb: sb, c: newCLI(t), issuer: issuer{sb: sb}}
	if opts.Users == nil {
		opts.Users = map[string]string{vroUser: vroPassword}
	}
	opts.Assertion = e.issue
	e.fake = vrotest.New(opts)
	t.Cleanup(func() {
		e.fake.Close()
		for _, v := range e.fake.Violations() {
			t.Errorf("fake vRO: %s", v)
		}
	})
	e.cfg = filepath.Join(e.c.home, "awsfed.ini")
	e.c.env["AWSFED_CONFIG"] = e.cfg
	settings := map[string]string{
		"provider": "vro", "url": e.fake.URL, "workflow_id": e.fake.Options().WorkflowID, "username": vroUser,
	}
	maps.Copy(settings, set)
	var b strings.Builder
	b.WriteString("[idp broker]\n")
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		b.WriteString(k + " = " + settings[k] + "\n")
	}
	b.WriteString("\n[account dev]\nidp = broker\nrole_arn = Dev\nsts_endpoint = " + e.sb.STSURL + "\n")
	writeFile(t, e.cfg, b.String())
	return e
}

// login runs `awsfed login dev --password-stdin` with the password given.
func (e *vroEnv) login(password string) (int, string, string) {
	e.t.Helper()
	return e.c.run(password+"\n", nil, "login", "dev", "--password-stdin")
}

func (e *vroEnv) credentialsFile() (string, bool) {
	data, err := os.ReadFile(filepath.Join(e.c.home, ".aws", "credentials"))
	return string(data), err == nil
}

// counts checks the fake's call counts.
func (e *vroEnv) counts(want vrotest.Counts) {
	e.t.Helper()
	if got := e.fake.Counts(); got != want {
		e.t.Errorf("vRO calls %+v, want %+v", got, want)
	}
}

// failed checks a failed login: the exit code, one "awsfed:" line
// matching msg, one "hint:" line holding every part of hint, no keys
// written and no secret shown.
func (e *vroEnv) failed(code int, stdout, stderr string, wantCode int, msg *regexp.Regexp, hint ...string) {
	e.t.Helper()
	if code != wantCode {
		e.t.Errorf("exit %d, want %d\n%s", code, wantCode, stderr)
	}
	var errLines, hintLines []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "awsfed: ") {
			errLines = append(errLines, line)
		}
		if strings.HasPrefix(line, "hint: ") {
			hintLines = append(hintLines, line)
		}
	}
	if len(errLines) != 1 || !msg.MatchString(errLines[0]) {
		e.t.Errorf("error lines %q, want one matching %s\n%s", errLines, msg, stderr)
	}
	if len(hintLines) != 1 {
		e.t.Errorf("hint lines %q, want one", hintLines)
	}
	for _, h := range hint {
		if len(hintLines) > 0 && !strings.Contains(hintLines[0], h) {
			e.t.Errorf("hint line %q lacks %q", hintLines[0], h)
		}
	}
	if stdout != "" {
		e.t.Errorf("stdout %q", stdout)
	}
	if strings.Contains(stderr, vroPassword) || strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
		e.t.Errorf("stderr shows the password or a stack trace:\n%s", stderr)
	}
	if data, ok := e.credentialsFile(); ok {
		e.t.Errorf("credentials written after a failed login:\n%s", data)
	}
}

func TestVROLogin(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{})
	e := newVRO(t, sb, vrotest.Options{Inputs: map[string]string{"domain": "corp"}, Polls: 1}, map[string]string{"input.domain": "corp"})
	code, stdout, stderr := e.login(vroPassword)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "Testing new credentials: passed (arn:aws:sts::123456789012:assumed-role/Dev/") {
		t.Errorf("no tested keys in stderr:\n%s", stderr)
	}
	if strings.Contains(stdout+stderr, vroPassword) || strings.Contains(stderr, "awsfed: ") || strings.Contains(stderr, "hint: ") {
		t.Errorf("stdout %q, stderr:\n%s", stdout, stderr)
	}
	data, ok := e.credentialsFile()
	if !ok || !strings.Contains(data, "[dev]") || !strings.Contains(data, "aws_session_token") {
		t.Errorf("credentials file:\n%s", data)
	}
	e.counts(vrotest.Counts{Starts: 1, Polls: 2, Details: 1})
	// The fake checked the inputs against the Basic auth password; this
	// checks that the password arrived exactly, escaped for JSON only.
	if b := e.fake.Bodies(); len(b) != 1 ||
		!strings.Contains(b[0], `{"name":"password","type":"SecureString","scope":"local","value":{"secure-string":{"value":"p&ss=w+rd %#'\"x y"}}}`) ||
		!strings.Contains(b[0], `{"name":"domain","type":"string","scope":"local","value":{"string":{"value":"corp"}}}`) {
		t.Errorf("start bodies %q", b)
	}
	issued := e.all()
	if len(issued) != 1 || strings.Contains(stderr, issued[0]) {
		t.Errorf("%d assertions issued, or one shown", len(issued))
	}
}

// The subtests run in parallel, as the poll timeout waits 2s in real time.
func TestVROLoginFails(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{})
	dead := closedPort(t)
	tests := []struct {
		name     string
		opts     vrotest.Options
		set      map[string]string
		password string
		code     int
		msg      string // a regular expression
		hint     []string
		counts   vrotest.Counts
	}{
		{name: "workflow failed", opts: vrotest.Options{Polls: 1, Final: vrotest.Failed,
			Exception: "User alice is not in group AWS-Admins\n\tat Workflow:SAML broker / get assertion (item1)#12"},
			code: ExitError, msg: `^awsfed: the vRO workflow failed: User alice is not in group AWS-Admins$`,
			hint:   []string{"the message comes from the broker workflow", "ask the vRO administrators, who can read the execution's log"},
			counts: vrotest.Counts{Starts: 1, Polls: 2, Details: 1}},
		{name: "canceled", opts: vrotest.Options{Final: vrotest.Canceled},
			code: ExitError, msg: `^awsfed: the vRO workflow execution http://127\.0\.0\.1:\d+/vco/api/workflows/[^ ]+/executions/[0-9a-f]+/ was canceled$`,
			hint:   []string{"canceled the run", "try again"},
			counts: vrotest.Counts{Starts: 1, Polls: 1}},
		{name: "poll timeout", opts: vrotest.Options{NeverEnds: true}, set: map[string]string{"poll_timeout": "2s"},
			code: ExitError, msg: `^awsfed: the vRO workflow execution http://127\.0\.0\.1:\d+/vco/api/workflows/[^ ]+/executions/[0-9a-f]+/ did not finish within 2(\.\d)?s \(state running\)$`,
			hint: []string{"stuck or waiting for someone", "check the execution in vRO", "raise poll_timeout in [idp broker] (now 2s)"}},
		{name: "wrong password", password: "wrong " + vroPassword,
			code: ExitRejected, msg: `^awsfed: the IdP rejected the username or password for alice at 127\.0\.0\.1$`,
			hint:   []string{"check the username and password", "did not retry"},
			counts: vrotest.Counts{Starts: 1}},
		{name: "unknown workflow", set: map[string]string{"workflow_id": "0000-not-there"},
			code: ExitError, msg: `^awsfed: unexpected answer from the IdP at http://127\.0\.0\.1:\d+/vco/api/workflows/0000-not-there/executions/ \(HTTP 404\): no workflow 0000-not-there: workflow_id is wrong or alice has no permission to run it$`,
			hint:   []string{"check workflow_id in [idp broker]", "ask the vRO administrators to let alice run the workflow"},
			counts: vrotest.Counts{Starts: 1}},
		{name: "wrong output_param", opts: vrotest.Options{OtherOutputs: []vrotest.Output{{Name: "result", Value: "ok"}}},
			set:  map[string]string{"output_param": "assertion"},
			code: ExitError, msg: `no output parameter assertion \(present: result, samlResponse\); set output_param to the one holding the SAMLResponse$`,
			hint:   []string{"workflow_id and output_param in [idp broker]"},
			counts: vrotest.Counts{Starts: 1, Polls: 1, Details: 1}},
		{name: "unreachable", set: map[string]string{"url": "http://" + dead},
			code: ExitError, msg: `^awsfed: cannot reach ` + regexp.QuoteMeta(dead) + `: `,
			hint: []string{"corporate network or VPN", "granted by its administrators"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newVRO(t, sb, tt.opts, tt.set)
			password := tt.password
			if password == "" {
				password = vroPassword
			}
			code, stdout, stderr := e.login(password)
			e.failed(code, stdout, stderr, tt.code, regexp.MustCompile(tt.msg), tt.hint...)
			if tt.name == "poll timeout" {
				if c := e.fake.Counts(); c.Starts != 1 || c.Polls < 3 || c.Polls > 5 || c.Details != 0 {
					t.Errorf("vRO calls %+v: want one start and 3 to 5 polls in 2s", c)
				}
				if ex := e.fake.Executions(); len(ex) != 1 || !strings.Contains(stderr, ex[0]) {
					t.Errorf("executions %q, not named in:\n%s", ex, stderr)
				}
				return
			}
			e.counts(tt.counts)
		})
	}
}
