package app

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/all"
	"github.com/awsfed/awsfed/internal/sandbox"
)

type cli struct {
	t    *testing.T
	home string
	env  map[string]string
	// providers replaces all.Registry() (a provider with a test clock).
	providers provider.Registry
}

func newCLI(t *testing.T) *cli {
	home := t.TempDir()
	return &cli{t: t, home: home, env: map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}}
}

// run runs awsfed in-process and returns the exit code, stdout and stderr.
func (c *cli) run(stdin string, p prompt.Prompter, args ...string) (int, string, string) {
	c.t.Helper()
	io, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	if p == nil {
		p = &prompt.Stub{}
	}
	reg := c.providers
	if reg == nil {
		reg = all.Registry()
	}
	f := &factory.Factory{
		IO: io, Env: func(k string) string { return c.env[k] }, Prompt: p,
		Environ: func() []string {
			var out []string
			for k, v := range c.env {
				out = append(out, k+"="+v)
			}
			return out
		},
		Providers: reg, Now: time.Now, Version: "test",
	}
	code := Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func startSandbox(t *testing.T, o sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	s, err := sandbox.Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestExitCodes(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	base := []string{"login", "dev", "--url", s.IdPURL, "--sts-endpoint", s.STSURL, "--username", "demo"}
	dead := closedPort(t)
	tests := []struct {
		name   string
		stdin  string
		prompt prompt.Prompter
		args   []string
		code   int
		stderr []string
	}{
		{"success", "demo\n", nil, append(base, "--password-stdin", "--role", "Dev"), 0, []string{"Testing new credentials: passed"}},
		{"wrong password", "nope\n", nil, append(base, "--password-stdin", "--role", "Dev"), 4, []string{"awsfed: the IdP rejected the username or password for demo at 127.0.0.1: Incorrect username or password.\n", "hint: "}},
		{"several roles, no terminal", "demo", nil, append(base, "--password-stdin"), 2, []string{"several roles", "role/Admin", "hint: pass --role"}},
		{"several roles, picker", "demo", &prompt.Stub{Answers: []string{"2"}}, append(base, "--password-stdin"), 0, []string{"assumed-role/Admin/"}},
		{"role not granted", "demo", nil, append(base, "--password-stdin", "--role", "arn:aws:iam::999999999999:role/Dev"), 4, []string{"did not grant role", "group membership"}},
		{"no password, no terminal", "", nil, append(base, "--role", "Dev"), 2, []string{"no password given and no terminal to ask on", "AWSFED_PASSWORD"}},
		{"password from the prompt", "", &prompt.Stub{Answers: []string{"demo"}}, append(base, "--role", "Dev"), 0, []string{"passed"}},
		{"empty stdin", "", nil, append(base, "--password-stdin", "--role", "Dev"), 2, []string{"standard input held no password"}},
		{"bad flag", "", nil, []string{"login", "--nope"}, 2, []string{"unknown flag: --nope", "hint: run 'awsfed login --help'"}},
		{"bad duration flag", "", nil, append(base, "--duration", "13h"), 2, []string{"--duration: duration 13h0m0s is outside 15m to 12h"}},
		{"unknown provider", "", nil, append(base, "--provider", "nope"), 2, []string{`unknown provider "nope"`, "use one of: " + strings.Join(all.Registry().Names(), ", ")}},
		{"IdP port closed", "demo", nil, []string{"login", "dev", "--url", "http://" + dead + "/sso", "--username", "demo", "--password-stdin"}, 1, []string{"cannot reach " + dead}},
		{"STS port closed", "demo", nil, []string{"login", "dev", "--url", s.IdPURL, "--sts-endpoint", "http://" + dead + "/", "--username", "demo", "--password-stdin", "--role", "Dev"}, 1, []string{"cannot reach " + dead}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			code, _, stderr := c.run(tt.stdin, tt.prompt, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a stack trace:\n%s", stderr)
			}
			if tt.code != 0 && strings.Count(strings.TrimSpace(stderr), "\n") > 8 {
				t.Errorf("error output too long:\n%s", stderr)
			}
		})
	}
}

// Every printable ASCII character, quotes, spaces and non-ASCII text reach the
// IdP exactly, through the whole CLI and the real form provider.
func TestPasswordsReachTheIdPExactly(t *testing.T) {
	var ascii strings.Builder
	for c := byte(0x20); c < 0x7f; c++ {
		ascii.WriteByte(c)
	}
	passwords := []string{
		ascii.String(),
		`p&ss=w+rd %#'"x y`,
		"  leading and trailing spaces  ",
		"pässwört 密码 🔑",
		"%41%26+plus&amp;",
		`back\slash "quoted" 'single'`,
	}
	for c := byte(0x21); c < 0x7f; c++ {
		passwords = append(passwords, "a"+string(c)+"b")
	}
	users := make([]sandbox.User, len(passwords))
	for i, pw := range passwords {
		users[i] = sandbox.User{Name: "user" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), Password: pw, Roles: []string{"Dev"}}
	}
	s := startSandbox(t, sandbox.Options{Users: users})
	for i, u := range users {
		c := newCLI(t)
		code, _, stderr := c.run(u.Password+"\n", nil, "login", "p", "--url", s.IdPURL, "--sts-endpoint", s.STSURL,
			"--username", u.Name, "--password-stdin", "--no-verify")
		if code != 0 {
			t.Errorf("password %d %q: exit %d\n%s", i, u.Password, code, stderr)
		}
		if strings.Contains(stderr, u.Password) && len(u.Password) > 3 {
			t.Errorf("password %d appears in stderr", i)
		}
	}
}

func TestDurationRetriesOnceAtOneHour(t *testing.T) {
	s := startSandbox(t, sandbox.Options{
		Users:      []sandbox.User{{Name: "alice", Password: "pw", Roles: []string{"Dev"}, SessionDuration: 12 * time.Hour}},
		MaxSession: time.Hour,
	})
	c := newCLI(t)
	code, _, stderr := c.run("pw", nil, "login", "dev", "--url", s.IdPURL, "--sts-endpoint", s.STSURL, "--username", "alice",
		"--password-stdin", "--duration", "8h")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "retrying with 1h") {
		t.Errorf("no retry notice:\n%s", stderr)
	}
	_, stsCalls := s.Counts()
	if stsCalls != 3 { // rejected 8h, accepted 1h, get-caller-identity
		t.Errorf("STS calls = %d, want 3", stsCalls)
	}
}

func TestConfigFileLogin(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	cfg := filepath.Join(c.home, "awsfed.ini")
	c.env["AWSFED_CONFIG"] = cfg
	text := "[idp sandbox]\nprovider = form\nurl = " + s.IdPURL + "\nusername = demo\n\n" +
		"[account dev]\nidp = sandbox\nrole_arn = Admin\nprofile = dev-admin\nsts_endpoint = " + s.STSURL + "\n"
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	// The prompt offers the configured username as the default; an empty answer takes it.
	p := &prompt.Stub{Answers: []string{"", "demo"}}
	code, _, stderr := c.run("", p, "login", "dev")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if len(p.Asked) != 2 || p.Asked[0] != "Username" || p.Asked[1] != "Password" {
		t.Errorf("asked %q", p.Asked)
	}
	data, err := os.ReadFile(filepath.Join(c.home, ".aws", "credentials"))
	if err != nil || !bytes.Contains(data, []byte("[dev-admin]")) {
		t.Fatalf("credentials file: %v\n%s", err, data)
	}
	if !strings.Contains(stderr, "assumed-role/Admin/") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// --debug explains every step but never shows the password, the assertion or the keys.
func TestDebugOutputHasNoSecrets(t *testing.T) {
	const pw = "S3cret-p&ss=w+rd"
	s := startSandbox(t, sandbox.Options{Users: []sandbox.User{{Name: "alice", Password: pw, Roles: []string{"Dev"}}}})
	c := newCLI(t)
	code, _, stderr := c.run(pw, nil, "login", "dev", "--url", s.IdPURL, "--sts-endpoint", s.STSURL, "--username", "alice", "--password-stdin", "--debug")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "debug: form: login form: POST") {
		t.Fatalf("no debug output:\n%s", stderr)
	}
	data, err := os.ReadFile(filepath.Join(c.home, ".aws", "credentials"))
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{pw, "PHNhbWxw", "SAMLResponse=", "spentityid"} // PHNhbWxw: base64 of "<samlp"
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, " = "); ok && k != "x_security_token_expires" {
			secrets = append(secrets, v)
		}
	}
	for _, sec := range secrets {
		if strings.Contains(stderr, sec) {
			t.Errorf("--debug output contains a secret (%.12s…):\n%s", sec, stderr)
		}
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// issuer hands out sandbox-signed SAMLResponses for the demo user from a
// fake IdP API (OneLogin, vRO) and remembers them, so that tests can check
// none is ever shown.
type issuer struct {
	sb     *sandbox.Sandbox
	mu     sync.Mutex
	issued []string
}

func (a *issuer) issue(string) (string, error) {
	r, err := a.sb.IssueResponse(sandbox.ResponseOptions{User: "demo"})
	a.mu.Lock()
	defer a.mu.Unlock()
	a.issued = append(a.issued, r)
	return r, err
}

// all returns the responses handed out so far.
func (a *issuer) all() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.issued...)
}
