package app

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider/onelogin/onelogintest"
	"github.com/awsfed/awsfed/internal/sandbox"
)

// Whole `awsfed login` runs through the onelogin provider: a strict fake
// OneLogin hands out assertions signed by the sandbox IdP, which the sandbox
// STS redeems. The codes and secrets are distinctive so that a leak cannot
// hide in an account id or a port.
const (
	olUser     = "alice@example.com"
	olPassword = `p&ss=w+rd %#'"x y`
	olSecret   = "cs-Zq8VwX3kLm9"
)

var (
	olGoogle  = onelogintest.Device{ID: 111, Type: "Google Authenticator", Code: "902417"}
	olProtect = onelogintest.Device{ID: 222, Type: "OneLogin Protect", Code: "731864"}
	olSMS     = onelogintest.Device{ID: 333, Type: "OneLogin SMS", Code: "580392"}
	olYubiKey = onelogintest.Device{ID: 555, Type: "Yubico YubiKey", Code: "cccccbhkevjlnrrfvbvfdtukbcrlfnjdrtkhtfnirujd"}
)

// olEnv is the fake OneLogin, the sandbox and a CLI configured for both.
type olEnv struct {
	t    *testing.T
	sb   *sandbox.Sandbox
	fake *onelogintest.Server
	c    *cli
	cfg  string

	issuer // the SAMLResponses the fake handed out
}

// newOL starts the fake, with alice (olPassword) owning devs unless opts
// names users, and a sandbox unless sb is one to share (a sandbox costs an
// RSA key); the sandbox's demo user, roles Dev and Admin, stands for every
// OneLogin user. The test fails when awsfed sent the fake anything the
// real OneLogin would refuse.
func newOL(t *testing.T, sb *sandbox.Sandbox, opts onelogintest.Options, devs ...onelogintest.Device) *olEnv {
	t.Helper()
	if sb == nil {
		sb = startSandbox(t, sandbox.Options{})
	}
	e := &olEnv{t: t, sb: sb, c: newCLI(t), issuer: issuer{sb: sb}}
	if opts.Users == nil {
		opts.Users = map[string]onelogintest.User{olUser: {Password: olPassword, Devices: devs}}
	}
	opts.ClientSecret = olSecret
	opts.Assertion = e.issue
	e.fake = onelogintest.New(opts)
	t.Cleanup(func() {
		e.fake.Close()
		for _, v := range e.fake.Violations() {
			t.Errorf("fake OneLogin: %s", v)
		}
	})
	e.cfg = filepath.Join(e.c.home, "awsfed.ini")
	e.c.env["AWSFED_CONFIG"] = e.cfg
	e.c.env["AWSFED_ONELOGIN_CLIENT_SECRET"] = olSecret
	e.configure(nil)
	return e
}

// configure writes [idp ol] for the fake, with settings changed or added
// by set, and [account dev] redeeming at the sandbox STS.
func (e *olEnv) configure(set map[string]string) {
	e.t.Helper()
	o := e.fake.Options()
	settings := map[string]string{
		"provider": "onelogin", "subdomain": o.Subdomain, "app_id": o.AppID,
		"client_id": o.ClientID, "url": e.fake.URL, "username": olUser,
	}
	for k, v := range set {
		settings[k] = v
	}
	var b strings.Builder
	b.WriteString("[idp ol]\n")
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		b.WriteString(k + " = " + settings[k] + "\n")
	}
	b.WriteString("\n[account dev]\nidp = ol\nrole_arn = Dev\nsts_endpoint = " + e.sb.STSURL + "\n")
	writeFile(e.t, e.cfg, b.String())
}

// login runs `awsfed login dev` with args added.
func (e *olEnv) login(stdin string, p prompt.Prompter, args ...string) (int, string, string) {
	e.t.Helper()
	return e.c.run(stdin, p, append([]string{"login", "dev"}, args...)...)
}

// counts checks the fake's call counts.
func (e *olEnv) counts(want onelogintest.Counts) {
	e.t.Helper()
	if got := e.fake.Counts(); got != want {
		e.t.Errorf("OneLogin calls %+v, want %+v", got, want)
	}
}

// verifyBodies are the verify_factor request bodies, in order.
func (e *olEnv) verifyBodies() []map[string]any {
	var out []map[string]any
	for _, r := range e.fake.Requests() {
		if r.Path == "/api/2/saml_assertion/verify_factor" {
			out = append(out, r.Body)
		}
	}
	return out
}

func (e *olEnv) credentialsFile() (string, bool) {
	data, err := os.ReadFile(filepath.Join(e.c.home, ".aws", "credentials"))
	return string(data), err == nil
}

// signedIn checks a successful login: exit 0, the keys tested and written.
func (e *olEnv) signedIn(code int, stderr string) {
	e.t.Helper()
	if code != 0 {
		e.t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "Testing new credentials: passed (arn:aws:sts::123456789012:assumed-role/Dev/") {
		e.t.Errorf("no tested keys in stderr:\n%s", stderr)
	}
	data, ok := e.credentialsFile()
	if !ok || !strings.Contains(data, "[dev]") || !strings.Contains(data, "aws_session_token") {
		e.t.Errorf("credentials file:\n%s", data)
	}
}

// failed checks a failed login: the exit code, one "awsfed:" line holding
// msg, one "hint:" line holding every word of hint, and no keys written.
func (e *olEnv) failed(code int, stderr string, wantCode int, msg string, hint ...string) {
	e.t.Helper()
	if code != wantCode {
		e.t.Errorf("exit %d, want %d\n%s", code, wantCode, stderr)
	}
	var errLine, hintLine string
	for _, line := range strings.Split(stderr, "\n") {
		switch {
		case strings.HasPrefix(line, "awsfed: "):
			if errLine != "" {
				e.t.Errorf("two error lines:\n%s", stderr)
			}
			errLine = line
		case strings.HasPrefix(line, "hint: "):
			hintLine = line
		}
	}
	if !strings.Contains(errLine, msg) {
		e.t.Errorf("error line %q lacks %q\n%s", errLine, msg, stderr)
	}
	for _, h := range hint {
		if !strings.Contains(hintLine, h) {
			e.t.Errorf("hint line %q lacks %q", hintLine, h)
		}
	}
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
		e.t.Errorf("stack trace in stderr:\n%s", stderr)
	}
	if data, ok := e.credentialsFile(); ok {
		e.t.Errorf("credentials written after a failed login:\n%s", data)
	}
}

func TestOneLoginWithoutMFA(t *testing.T) {
	e := newOL(t, nil, onelogintest.Options{})
	code, stdout, stderr := e.login(olPassword+"\n", nil, "--password-stdin")
	e.signedIn(code, stderr)
	if stdout != "" {
		t.Errorf("stdout %q", stdout)
	}
	e.counts(onelogintest.Counts{Token: 1, Assertion: 1})
}

// Every printable ASCII character, quotes, spaces, JSON and URL escapes and
// non-ASCII text reach OneLogin exactly, through stdin and the JSON body.
func TestOneLoginPasswordsReachOneLoginExactly(t *testing.T) {
	var ascii strings.Builder
	for c := byte(0x20); c < 0x7f; c++ {
		ascii.WriteByte(c)
	}
	passwords := []string{
		olPassword,
		ascii.String(),
		"  leading and trailing spaces  ",
		"pässwört 密码 🔑",
		"%41%26+plus&amp;",
		`back\slash "quoted" 'single' \u0022 \n`,
		`{"password":"x"}`,
		"<b>&lt;</b>",
	}
	users := map[string]onelogintest.User{}
	for i, pw := range passwords {
		users[string(rune('a'+i))+"@example.com"] = onelogintest.User{Password: pw}
	}
	e := newOL(t, nil, onelogintest.Options{Users: users})
	for i, pw := range passwords {
		name := string(rune('a'+i)) + "@example.com"
		code, stdout, stderr := e.login(pw+"\n", nil, "--password-stdin", "--username", name, "--force")
		if code != 0 {
			t.Errorf("password %d %q: exit %d\n%s", i, pw, code, stderr)
		}
		if strings.Contains(stdout+stderr, pw) {
			t.Errorf("password %d appears in the output", i)
		}
	}
	var sent []string
	for _, r := range e.fake.Requests() {
		if r.Path == "/api/2/saml_assertion" {
			sent = append(sent, r.Body["password"].(string))
		}
	}
	if !reflect.DeepEqual(sent, passwords) {
		t.Errorf("OneLogin received passwords\n%q\nwant\n%q", sent, passwords)
	}
	// One token for all eight logins: the cache serves the later ones.
	e.counts(onelogintest.Counts{Token: 1, Assertion: len(passwords)})
}

func TestOneLoginCodeFactors(t *testing.T) {
	tests := []struct {
		name    string
		dev     onelogintest.Device
		stdin   string
		args    []string
		env     string // AWSFED_MFA_CODE
		answers []string
		asked   []string
		counts  onelogintest.Counts
	}{
		{"google, --mfa-code-stdin", olGoogle, olPassword + "\n" + olGoogle.Code + "\n", []string{"--mfa-code-stdin"}, "", nil, nil,
			onelogintest.Counts{Token: 1, Assertion: 1, Verify: 1}},
		{"yubikey, AWSFED_MFA_CODE", olYubiKey, olPassword + "\n", nil, olYubiKey.Code, nil, nil,
			onelogintest.Counts{Token: 1, Assertion: 1, Verify: 1}},
		{"google, spaced code from the prompt", olGoogle, olPassword + "\n", nil, "", []string{"902 417"}, []string{"Google Authenticator code"},
			onelogintest.Counts{Token: 1, Assertion: 1, Verify: 1}},
		{"sms, code from the prompt", olSMS, olPassword + "\n", nil, "", []string{olSMS.Code}, []string{"OneLogin SMS code"},
			onelogintest.Counts{Token: 1, Assertion: 1, Verify: 2, SMS: 1}},
		// A code given up front is not an SMS code: the SMS is sent and asked for.
		{"sms ignores AWSFED_MFA_CODE", olSMS, olPassword + "\n", nil, "123123", []string{olSMS.Code}, []string{"OneLogin SMS code"},
			onelogintest.Counts{Token: 1, Assertion: 1, Verify: 2, SMS: 1}},
		{"protect, code up front sends no push", olProtect, olPassword + "\n", nil, olProtect.Code, nil, nil,
			onelogintest.Counts{Token: 1, Assertion: 1, Verify: 1}},
		{"wrong code then right", olGoogle, olPassword + "\n", nil, "", []string{"111111", olGoogle.Code},
			[]string{"Google Authenticator code", "Wrong code; Google Authenticator code (try 2 of 3)"},
			onelogintest.Counts{Token: 1, Assertion: 1, Verify: 2}},
		{"wrong code up front, right one asked", olGoogle, olPassword + "\n", nil, "111111", []string{olGoogle.Code},
			[]string{"Wrong code; Google Authenticator code (try 2 of 3)"},
			onelogintest.Counts{Token: 1, Assertion: 1, Verify: 2}},
	}
	sb := startSandbox(t, sandbox.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newOL(t, sb, onelogintest.Options{}, tt.dev)
			if tt.env != "" {
				e.c.env["AWSFED_MFA_CODE"] = tt.env
			}
			stub := &prompt.Stub{Answers: tt.answers}
			code, _, stderr := e.login(tt.stdin, stub, append([]string{"--password-stdin"}, tt.args...)...)
			e.signedIn(code, stderr)
			e.counts(tt.counts)
			if !reflect.DeepEqual(stub.Asked, tt.asked) {
				t.Errorf("asked %q, want %q", stub.Asked, tt.asked)
			}
			bodies := e.verifyBodies()
			if len(bodies) == 0 {
				t.Fatal("no verify_factor call")
			}
			last := bodies[len(bodies)-1]
			if last["device_id"] != strconv.Itoa(tt.dev.ID) || last["otp_token"] != tt.dev.Code {
				t.Errorf("last verify_factor: device %v, code %v; want %d, %s", last["device_id"], last["otp_token"], tt.dev.ID, tt.dev.Code)
			}
		})
	}
}

func TestOneLoginThreeWrongCodes(t *testing.T) {
	e := newOL(t, nil, onelogintest.Options{}, olGoogle)
	stub := &prompt.Stub{Answers: []string{"111111", "222222", "333333", olGoogle.Code}}
	code, _, stderr := e.login(olPassword+"\n", stub, "--password-stdin")
	e.failed(code, stderr, ExitRejected, "the IdP rejected the second factor: OneLogin refused 3 Google Authenticator codes", "try again with a fresh code")
	e.counts(onelogintest.Counts{Token: 1, Assertion: 1, Verify: 3})
	if len(stub.Asked) != 3 {
		t.Errorf("asked %q, want three codes", stub.Asked)
	}
}

// A wrong code with no terminal to ask for another fails at once.
func TestOneLoginWrongCodeNoTerminal(t *testing.T) {
	e := newOL(t, nil, onelogintest.Options{}, olGoogle)
	code, _, stderr := e.login(olPassword+"\n111111\n", nil, "--password-stdin", "--mfa-code-stdin")
	e.failed(code, stderr, ExitRejected, "OneLogin refused the Google Authenticator code and there is no terminal to ask for another", "--mfa-code-stdin or AWSFED_MFA_CODE")
	e.counts(onelogintest.Counts{Token: 1, Assertion: 1, Verify: 1})
}

// An expired state token makes awsfed log in once more, reusing the
// password and the code given, without asking anything.
func TestOneLoginExpiredStateRestartsOnce(t *testing.T) {
	e := newOL(t, nil, onelogintest.Options{ExpireStates: 1}, olGoogle)
	code, _, stderr := e.login(olPassword+"\n"+olGoogle.Code+"\n", nil, "--password-stdin", "--mfa-code-stdin")
	e.signedIn(code, stderr)
	e.counts(onelogintest.Counts{Token: 1, Assertion: 2, Verify: 2})

	// The device chosen at the terminal is kept for the second login.
	ep := newOL(t, e.sb, onelogintest.Options{ExpireStates: 1}, olGoogle, olSMS)
	stub := &prompt.Stub{Answers: []string{"1", olGoogle.Code, olGoogle.Code}}
	code, _, stderr = ep.login(olPassword+"\n", stub, "--password-stdin")
	ep.signedIn(code, stderr)
	if n := slices.Index(stub.Asked, "OneLogin MFA device"); n != 0 || slices.Contains(stub.Asked[1:], "OneLogin MFA device") {
		t.Errorf("asked %q: the device once, first", stub.Asked)
	}
	ep.counts(onelogintest.Counts{Token: 1, Assertion: 2, Verify: 2})

	// Twice expired: awsfed gives up rather than loop.
	e2 := newOL(t, e.sb, onelogintest.Options{ExpireStates: 2}, olGoogle)
	code, _, stderr = e2.login(olPassword+"\n"+olGoogle.Code+"\n", nil, "--password-stdin", "--mfa-code-stdin")
	e2.failed(code, stderr, ExitError, "OneLogin's MFA state token expired again after a fresh login", "answer the MFA prompt sooner")
	e2.counts(onelogintest.Counts{Token: 1, Assertion: 2, Verify: 2})
}

func TestOneLoginDeviceChoice(t *testing.T) {
	devs := []onelogintest.Device{olSMS, olGoogle, olProtect}
	sb := startSandbox(t, sandbox.Options{})
	t.Run("picker", func(t *testing.T) {
		e := newOL(t, sb, onelogintest.Options{}, devs...)
		stub := &prompt.Stub{Answers: []string{"2", olGoogle.Code}}
		code, _, stderr := e.login(olPassword+"\n", stub, "--password-stdin")
		e.signedIn(code, stderr)
		if want := []string{"OneLogin MFA device", "Google Authenticator code"}; !reflect.DeepEqual(stub.Asked, want) {
			t.Errorf("asked %q, want %q", stub.Asked, want)
		}
		e.counts(onelogintest.Counts{Token: 1, Assertion: 1, Verify: 1})
		if b := e.verifyBodies(); len(b) != 1 || b[0]["device_id"] != "111" {
			t.Errorf("verify_factor bodies %v, want device 111", b)
		}
	})
	t.Run("no terminal", func(t *testing.T) {
		e := newOL(t, sb, onelogintest.Options{}, devs...)
		code, _, stderr := e.login(olPassword+"\n", nil, "--password-stdin")
		e.failed(code, stderr, ExitInput,
			"OneLogin user alice@example.com has several MFA devices and there is no terminal to choose on: OneLogin SMS (id 333), Google Authenticator (id 111), OneLogin Protect (id 222)",
			"set mfa = <type or id> in [idp ol]", "run awsfed in a terminal")
		e.counts(onelogintest.Counts{Token: 1, Assertion: 1})
	})
	t.Run("mfa = protect", func(t *testing.T) {
		e := newOL(t, sb, onelogintest.Options{}, devs...)
		e.configure(map[string]string{"mfa": "protect"})
		e.c.env["AWSFED_MFA_CODE"] = olProtect.Code
		code, _, stderr := e.login(olPassword+"\n", nil, "--password-stdin")
		e.signedIn(code, stderr)
		e.counts(onelogintest.Counts{Token: 1, Assertion: 1, Verify: 1})
		if b := e.verifyBodies(); len(b) != 1 || b[0]["device_id"] != "222" || b[0]["do_not_notify"] != true {
			t.Errorf("verify_factor bodies %v, want device 222 without a push", b)
		}
	})
	t.Run("mfa matches nothing", func(t *testing.T) {
		e := newOL(t, sb, onelogintest.Options{}, devs...)
		e.configure(map[string]string{"mfa": "duo"})
		code, _, stderr := e.login(olPassword+"\n", nil, "--password-stdin")
		e.failed(code, stderr, ExitInput, "mfa = duo matches none of the MFA devices of OneLogin user alice@example.com", "set mfa = <type or id>")
		e.counts(onelogintest.Counts{Token: 1, Assertion: 1})
	})
}

// The push tests wait in real time (the first poll is 1s after the push),
// so they run in parallel.
func TestOneLoginPush(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{})
	t.Run("approved at the second poll", func(t *testing.T) {
		t.Parallel()
		p := olProtect
		p.PushApproveAfter = 2
		e := newOL(t, sb, onelogintest.Options{}, p)
		stub := &prompt.Stub{} // nobody types: the wait lasts until the approval
		code, _, stderr := e.login(olPassword+"\n", stub, "--password-stdin")
		e.signedIn(code, stderr)
		e.counts(onelogintest.Counts{Token: 1, Assertion: 1, Verify: 3, Pushes: 1, Polls: 2})
		if want := []string{"Waiting for approval on OneLogin Protect" + prompt.TypeCodeHint}; !reflect.DeepEqual(stub.Asked, want) {
			t.Errorf("asked %q, want %q", stub.Asked, want)
		}
		for i, b := range e.verifyBodies() {
			if b["do_not_notify"] != (i > 0) || b["otp_token"] != nil {
				t.Errorf("verify_factor %d: %v", i+1, b)
			}
		}
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		e := newOL(t, sb, onelogintest.Options{}, olProtect) // never approved
		code, _, stderr := e.login(olPassword+"\n", &prompt.Stub{}, "--password-stdin", "--mfa-timeout", "2s")
		e.failed(code, stderr, ExitRejected, "no approval of the OneLogin Protect push within 2s",
			"approve it sooner", "raise --mfa-timeout", "type the code shown in OneLogin Protect")
		c := e.fake.Counts()
		if c.Pushes != 1 || c.Polls < 1 || c.Polls > 2 || c.Verify != 1+c.Polls {
			t.Errorf("counts %+v: want one push and one or two polls in 2s", c)
		}
	})
	t.Run("denied", func(t *testing.T) {
		t.Parallel()
		p := olProtect
		p.PushDenied = true
		e := newOL(t, sb, onelogintest.Options{}, p)
		code, _, stderr := e.login(olPassword+"\n", &prompt.Stub{}, "--password-stdin")
		e.failed(code, stderr, ExitRejected, "the OneLogin Protect push was denied", "approve the push in OneLogin Protect")
		e.counts(onelogintest.Counts{Token: 1, Assertion: 1, Verify: 2, Pushes: 1, Polls: 1})
	})
	t.Run("code typed while waiting", func(t *testing.T) {
		t.Parallel()
		e := newOL(t, sb, onelogintest.Options{}, olProtect)
		stub := &prompt.Stub{Answers: []string{olProtect.Code}}
		code, _, stderr := e.login(olPassword+"\n", stub, "--password-stdin")
		e.signedIn(code, stderr)
		e.counts(onelogintest.Counts{Token: 1, Assertion: 1, Verify: 2, Pushes: 1})
	})
}

func TestOneLoginErrors(t *testing.T) {
	dead := closedPort(t)
	sb := startSandbox(t, sandbox.Options{})
	tests := []struct {
		name   string
		opts   onelogintest.Options
		set    map[string]string // config changes
		env    map[string]string
		code   int
		msg    string
		hint   []string
		counts onelogintest.Counts
	}{
		{name: "app not found", set: map[string]string{"app_id": "999"}, code: ExitError,
			msg:    "OneLogin has no app 999 for this account (App could not be found)",
			hint:   []string{"check app_id in [idp ol]", "Applications"},
			counts: onelogintest.Counts{Token: 1, Assertion: 1}},
		{name: "invalid subdomain", set: map[string]string{"subdomain": "acne"}, code: ExitError,
			msg:    `OneLogin does not know the subdomain "acne" (Invalid subdomain)`,
			hint:   []string{"check subdomain in [idp ol]", "acme for acme.onelogin.com"},
			counts: onelogintest.Counts{Token: 1, Assertion: 1}},
		{name: "malformed subdomain", set: map[string]string{"subdomain": "acme.onelogin.com"}, code: ExitInput,
			msg:  `subdomain "acme.onelogin.com" in [idp ol] is not a OneLogin subdomain`,
			hint: []string{"use only the first part of your OneLogin address"}},
		{name: "locked user", opts: onelogintest.Options{Users: map[string]onelogintest.User{olUser: {Password: olPassword, Locked: true}}},
			code: ExitRejected, msg: "OneLogin says the user alice@example.com is locked (User is locked. Access is unauthorized)",
			hint:   []string{"unlock", "awsfed did not retry"},
			counts: onelogintest.Counts{Token: 1, Assertion: 1}},
		{name: "IP not allowed", opts: onelogintest.Options{IPNotAllowed: true}, code: ExitRejected,
			msg:    "OneLogin refuses logins for alice@example.com from this network",
			hint:   []string{"VPN"},
			counts: onelogintest.Counts{Token: 1, Assertion: 1}},
		{name: "insufficient permission", opts: onelogintest.Options{InsufficientPermission: true}, code: ExitError,
			msg:    "the OneLogin API credential (client_id client-id) may not log users in (Insufficient Permission)",
			hint:   []string{"Developers → API Credentials", `scope "Authentication Only"`},
			counts: onelogintest.Counts{Token: 1, Assertion: 1}},
		{name: "rate limited", opts: onelogintest.Options{RateLimited: true}, code: ExitError,
			msg:    "OneLogin's API rate limit for this account is used up (5000 calls per hour)",
			hint:   []string{"try again in 1h", "shared by every API client"},
			counts: onelogintest.Counts{Token: 1, Assertion: 1}},
		{name: "bad client secret", env: map[string]string{"AWSFED_ONELOGIN_CLIENT_SECRET": "not-the-secret"}, code: ExitError,
			msg:    "OneLogin rejected the API credentials (client_id client-id)",
			hint:   []string{"check client_id and client_secret (or AWSFED_ONELOGIN_CLIENT_SECRET)", `scope "Authentication Only"`},
			counts: onelogintest.Counts{Token: 1}},
		{name: "no client secret", env: map[string]string{"AWSFED_ONELOGIN_CLIENT_SECRET": ""}, code: ExitInput,
			msg:  "no OneLogin API client secret for client_id client-id",
			hint: []string{"set AWSFED_ONELOGIN_CLIENT_SECRET or client_secret in [idp ol]"}},
		{name: "API port closed", set: map[string]string{"url": "http://" + dead}, code: ExitError,
			msg: "cannot reach " + dead + ": ", hint: []string{"check the URL and port"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newOL(t, sb, tt.opts)
			if tt.set != nil {
				e.configure(tt.set)
			}
			for k, v := range tt.env {
				e.c.env[k] = v
			}
			// No --password-stdin: the password is asked only after the
			// API credential worked, so the stub fails a test that asks it
			// too early; --username skips the username question.
			stub := &prompt.Stub{Answers: []string{olPassword}}
			code, stdout, stderr := e.login("", stub, "--username", olUser)
			e.failed(code, stderr, tt.code, tt.msg, tt.hint...)
			e.counts(tt.counts)
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			if asked := len(stub.Asked) == 1; asked != (tt.counts.Assertion > 0) {
				t.Errorf("password asked %v (%q) with %d saml_assertion calls", asked, stub.Asked, tt.counts.Assertion)
			}
			for _, secret := range []string{olPassword, olSecret, "not-the-secret"} {
				if strings.Contains(stderr, secret) {
					t.Errorf("stderr shows the secret %q", secret)
				}
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 3 {
				t.Errorf("error output too long:\n%s", stderr)
			}
		})
	}
}

// A refused password is sent once: a second try could lock the account.
func TestOneLoginWrongPassword(t *testing.T) {
	e := newOL(t, nil, onelogintest.Options{}, olGoogle)
	code, stdout, stderr := e.login("wrong "+olPassword+"\n", nil, "--password-stdin")
	e.failed(code, stderr, ExitRejected,
		"the IdP rejected the username or password for alice@example.com at "+hostPort(t, e.fake.URL)+": Authentication Failed: Invalid user credentials",
		"check the username and password", "did not retry")
	e.counts(onelogintest.Counts{Token: 1, Assertion: 1})
	if strings.Contains(stdout+stderr, olPassword) {
		t.Errorf("the password appears in the output:\n%s", stderr)
	}
}

// The API token is cached (0600) and serves the next login; a cached token
// OneLogin no longer accepts is replaced once.
func TestOneLoginTokenCache(t *testing.T) {
	e := newOL(t, nil, onelogintest.Options{})
	code, _, stderr := e.login(olPassword+"\n", nil, "--password-stdin")
	e.signedIn(code, stderr)
	code, _, stderr = e.login(olPassword+"\n", nil, "--password-stdin", "--force")
	e.signedIn(code, stderr)
	e.counts(onelogintest.Counts{Token: 1, Assertion: 2})

	files, _ := filepath.Glob(filepath.Join(e.c.home, ".cache", "awsfed", "onelogin-token-*.json"))
	if len(files) != 1 {
		t.Fatalf("token cache files %q, want one", files)
	}
	fi, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token cache mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(files[0])
	if strings.Contains(string(data), olSecret) || strings.Contains(string(data), olPassword) {
		t.Errorf("the token cache holds a secret of the user or the client:\n%s", data)
	}

	e.fake.RevokeTokens()
	code, _, stderr = e.login(olPassword+"\n", nil, "--password-stdin", "--force")
	e.signedIn(code, stderr)
	// The refused token's call, then a new token and the login again.
	e.counts(onelogintest.Counts{Token: 2, Assertion: 4})
}

// Neither --debug output nor errors show the password, an MFA code, the
// client secret, the API token, a state token or the assertion.
func TestOneLoginOutputHasNoSecrets(t *testing.T) {
	e := newOL(t, nil, onelogintest.Options{}, olGoogle, olSMS)
	e.configure(map[string]string{"mfa": "google"})
	var out strings.Builder
	run := func(stdin string, p prompt.Prompter, args ...string) int {
		code, stdout, stderr := e.login(stdin, p, append([]string{"--debug", "--force"}, args...)...)
		out.WriteString(stdout + stderr)
		return code
	}
	if code := run(olPassword+"\n"+olGoogle.Code+"\n", nil, "--password-stdin", "--mfa-code-stdin"); code != 0 {
		t.Fatalf("login with a code: exit %d\n%s", code, out.String())
	}
	if code := run(olPassword+"\n", &prompt.Stub{Answers: []string{"123 987", olGoogle.Code}}, "--password-stdin"); code != 0 {
		t.Fatalf("login with a wrong code first: exit %d\n%s", code, out.String())
	}
	e.configure(map[string]string{"mfa": "sms"})
	if code := run(olPassword+"\n", &prompt.Stub{Answers: []string{olSMS.Code}}, "--password-stdin"); code != 0 {
		t.Fatalf("login with an SMS: exit %d\n%s", code, out.String())
	}
	if code := run("wrong-"+olPassword+"\n", nil, "--password-stdin"); code != ExitRejected {
		t.Fatalf("wrong password: exit %d", code)
	}
	text := out.String()
	if !strings.Contains(text, "debug: ") || !strings.Contains(text, "onelogin: OneLogin accepted the Google Authenticator code") {
		t.Fatalf("no debug output:\n%s", text)
	}
	secrets := []string{olPassword, olSecret, olGoogle.Code, olSMS.Code, "123987", "123 987"}
	secrets = append(secrets, e.all()...)
	creds, _ := e.credentialsFile()
	for _, line := range strings.Split(creds, "\n") {
		if k, v, ok := strings.Cut(line, " = "); ok && strings.HasPrefix(k, "aws_") {
			secrets = append(secrets, v)
		}
	}
	for _, r := range e.fake.Requests() {
		for _, k := range []string{"password", "otp_token", "state_token"} {
			if v, ok := r.Body[k].(string); ok {
				secrets = append(secrets, v)
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(e.c.home, ".cache", "awsfed", "onelogin-token-*.json"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if _, tok, ok := strings.Cut(string(data), `"access_token":"`); ok {
			tok, _, _ = strings.Cut(tok, `"`)
			secrets = append(secrets, tok)
		}
	}
	if len(secrets) < 20 {
		t.Fatalf("only %d secrets collected", len(secrets))
	}
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("the output shows a secret (%.4s…):\n%s", s, text)
		}
	}
}
