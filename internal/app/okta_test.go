package app

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/all"
	"github.com/awsfed/awsfed/internal/provider/okta"
	"github.com/awsfed/awsfed/internal/provider/okta/oktatest"
	"github.com/awsfed/awsfed/internal/sandbox"
)

// Whole `awsfed login` runs through the okta provider: a strict fake Okta
// org hands out assertions signed by the sandbox IdP, which the sandbox STS
// redeems. The provider and the fake share a test clock, so a push approved
// after 10 s takes no 10 s.
const (
	oktaUser     = "alice@example.com"
	oktaPassword = `p&ss=w+rd %#'"x y`
)

var (
	okPush       = oktatest.Factor{Type: "push", Name: "Alice's iPhone", Number: 42}
	okVerifyCode = oktatest.Factor{Type: "token:software:totp", Provider: "OKTA", Code: "731864"}
	okGoogle     = oktatest.Factor{Type: "token:software:totp", Provider: "GOOGLE", Code: "902417"}
	okYubiKey    = oktatest.Factor{Type: "token:hardware", Provider: "YUBICO", Code: "cccccbhkevjlnrrfvbvfdtukbcrlfnjdrtkhtfnirujd"}
	okSMS        = oktatest.Factor{Type: "sms", Code: "580392"}
	okCall       = oktatest.Factor{Type: "call", Code: "318604"}
	okEmail      = oktatest.Factor{Type: "email", Code: "664201"}
	okWebAuthn   = oktatest.Factor{Type: "webauthn", Provider: "FIDO", Name: "YubiKey 5"}
	okQuestion   = oktatest.Factor{Type: "question", Code: "Pelé  Edson"}
)

// oktaEnv is the fake org, the sandbox and a CLI configured for both; the
// OneLogin environment lends its checks of success and failure.
type oktaEnv struct {
	olEnv
	fake  *oktatest.Server
	clock *oktatest.Clock
	last  oktatest.Counts // at the start of the current login
}

// newOkta starts the fake with alice (oktaPassword) owning factors unless
// opts names users; the test fails when awsfed sent the fake anything the
// real Okta would refuse or a careful client must not send.
func newOkta(t *testing.T, sb *sandbox.Sandbox, opts oktatest.Options, factors ...oktatest.Factor) *oktaEnv {
	t.Helper()
	if sb == nil {
		sb = startSandbox(t, sandbox.Options{})
	}
	e := &oktaEnv{olEnv: olEnv{t: t, sb: sb, c: newCLI(t), issuer: issuer{sb: sb}}, clock: oktatest.NewClock(time.Now())}
	if opts.Users == nil {
		opts.Users = map[string]oktatest.User{oktaUser: {Password: oktaPassword, Factors: factors}}
	}
	opts.Now = e.clock.Now
	opts.Assertion = e.issue
	e.fake = oktatest.New(opts)
	t.Cleanup(func() {
		e.fake.Close()
		for _, v := range e.fake.Violations() {
			t.Errorf("fake Okta: %s", v)
		}
	})
	e.c.providers = all.Registry()
	e.c.providers["okta"] = func() provider.Provider {
		return okta.NewWithClock(okta.Clock{Now: e.clock.Now, Sleep: e.clock.Sleep})
	}
	e.cfg = filepath.Join(e.c.home, "awsfed.ini")
	e.c.env["AWSFED_CONFIG"] = e.cfg
	e.configure(nil)
	return e
}

// configure writes [idp ok] for the fake, with settings changed or added
// by set, and [account dev] redeeming at the sandbox STS.
func (e *oktaEnv) configure(set map[string]string) {
	e.t.Helper()
	settings := map[string]string{"provider": "okta", "url": e.fake.EmbedLink(), "username": oktaUser}
	maps.Copy(settings, set)
	var b strings.Builder
	b.WriteString("[idp ok]\n")
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		b.WriteString(k + " = " + settings[k] + "\n")
	}
	b.WriteString("\n[account dev]\nidp = ok\nrole_arn = Dev\nsts_endpoint = " + e.sb.STSURL + "\n")
	writeFile(e.t, e.cfg, b.String())
}

// login runs `awsfed login dev --force` with args added, and notes the
// counts before it so that calls checks this login's calls only.
func (e *oktaEnv) login(stdin string, p prompt.Prompter, args ...string) (int, string, string) {
	e.t.Helper()
	e.last = e.fake.Counts()
	return e.c.run(stdin, p, append([]string{"login", "dev", "--force"}, args...)...)
}

// calls checks the calls of the last login.
func (e *oktaEnv) calls(want oktatest.Counts) {
	e.t.Helper()
	got, l := e.fake.Counts(), e.last
	d := oktatest.Counts{Authn: got.Authn - l.Authn, Verify: got.Verify - l.Verify, Pushes: got.Pushes - l.Pushes, Polls: got.Polls - l.Polls,
		Sent: got.Sent - l.Sent, Embed: got.Embed - l.Embed, AppSSO: got.AppSSO - l.AppSSO, SessionsMe: got.SessionsMe - l.SessionsMe, WellKnown: got.WellKnown - l.WellKnown,
		Device: got.Device - l.Device, Token: got.Token - l.Token, TokenSSO: got.TokenSSO - l.TokenSSO, Other: got.Other - l.Other}
	if d != want {
		e.t.Errorf("Okta calls %+v, want %+v", d, want)
	}
}

func TestOktaWithoutMFA(t *testing.T) {
	e := newOkta(t, nil, oktatest.Options{})
	code, stdout, stderr := e.login(oktaPassword+"\n", nil, "--password-stdin")
	e.signedIn(code, stderr)
	if stdout != "" {
		t.Errorf("stdout %q", stdout)
	}
	e.calls(oktatest.Counts{Authn: 1, Embed: 1})
	if got := e.fake.Requests()[0].Body["password"]; got != oktaPassword {
		t.Errorf("Okta received the password %q", got)
	}
}

func TestOktaCodeFactors(t *testing.T) {
	tests := []struct {
		name    string
		factors []oktatest.Factor
		mfa     string
		stdin   string
		args    []string
		env     string // AWSFED_MFA_CODE
		answers []string
		asked   []string
		calls   oktatest.Counts
	}{
		{"totp from the prompt", []oktatest.Factor{okGoogle}, "", oktaPassword + "\n", nil, "", []string{"902 417"}, []string{"Google Authenticator code"},
			oktatest.Counts{Authn: 1, Verify: 1, Embed: 1}},
		{"okta verify code, --mfa-code-stdin", []oktatest.Factor{okVerifyCode}, "", oktaPassword + "\n" + okVerifyCode.Code + "\n", []string{"--mfa-code-stdin"}, "", nil, nil,
			oktatest.Counts{Authn: 1, Verify: 1, Embed: 1}},
		{"yubikey, AWSFED_MFA_CODE", []oktatest.Factor{okYubiKey}, "", oktaPassword + "\n", nil, okYubiKey.Code, nil, nil,
			oktatest.Counts{Authn: 1, Verify: 1, Embed: 1}},
		{"sms", []oktatest.Factor{okSMS}, "", oktaPassword + "\n", nil, "", []string{okSMS.Code}, []string{"SMS code (sent to +1 XXX-XXX-4321)"},
			oktatest.Counts{Authn: 1, Verify: 2, Sent: 1, Embed: 1}},
		{"sms ignores AWSFED_MFA_CODE", []oktatest.Factor{okSMS}, "", oktaPassword + "\n", nil, "123123", []string{okSMS.Code}, []string{"SMS code (sent to +1 XXX-XXX-4321)"},
			oktatest.Counts{Authn: 1, Verify: 2, Sent: 1, Embed: 1}},
		{"voice call", []oktatest.Factor{okCall}, "", oktaPassword + "\n", nil, "", []string{okCall.Code}, []string{"voice call code (sent to +1 XXX-XXX-4321)"},
			oktatest.Counts{Authn: 1, Verify: 2, Sent: 1, Embed: 1}},
		{"email", []oktatest.Factor{okEmail}, "", oktaPassword + "\n", nil, "", []string{okEmail.Code}, []string{"email code (sent to a...e@example.com)"},
			oktatest.Counts{Authn: 1, Verify: 2, Sent: 1, Embed: 1}},
		{"wrong code then right", []oktatest.Factor{okGoogle}, "", oktaPassword + "\n", nil, "", []string{"111111", okGoogle.Code},
			[]string{"Google Authenticator code", "Wrong code; Google Authenticator code (try 2 of 3)"},
			oktatest.Counts{Authn: 1, Verify: 2, Embed: 1}},
		{"picker", []oktatest.Factor{okSMS, okGoogle, okPush, okVerifyCode}, "", oktaPassword + "\n", nil, "", []string{"2", okGoogle.Code},
			[]string{"Okta MFA factor", "Google Authenticator code"}, oktatest.Counts{Authn: 1, Verify: 1, Embed: 1}},
		{"mfa = sms", []oktatest.Factor{okPush, okVerifyCode, okSMS}, "sms", oktaPassword + "\n", nil, "", []string{okSMS.Code},
			[]string{"SMS code (sent to +1 XXX-XXX-4321)"}, oktatest.Counts{Authn: 1, Verify: 2, Sent: 1, Embed: 1}},
		{"mfa = google", []oktatest.Factor{okSMS, okGoogle}, "google", oktaPassword + "\n", nil, "", []string{okGoogle.Code},
			[]string{"Google Authenticator code"}, oktatest.Counts{Authn: 1, Verify: 1, Embed: 1}},
		{"security question, answered as typed", []oktatest.Factor{okQuestion}, "", oktaPassword + "\n", nil, "123456", []string{"wrong", okQuestion.Code},
			[]string{"Okta security question: Who's your favorite sports player?", "Wrong answer; security question (try 2 of 3)"},
			oktatest.Counts{Authn: 1, Verify: 2, Embed: 1}},
		{"push with a code up front sends no push", []oktatest.Factor{okPush, okVerifyCode}, "", oktaPassword + "\n", nil, okVerifyCode.Code, nil, nil,
			oktatest.Counts{Authn: 1, Verify: 1, Embed: 1}},
	}
	sb := startSandbox(t, sandbox.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newOkta(t, sb, oktatest.Options{}, tt.factors...)
			if tt.mfa != "" {
				e.configure(map[string]string{"mfa": tt.mfa})
			}
			if tt.env != "" {
				e.c.env["AWSFED_MFA_CODE"] = tt.env
			}
			stub := &prompt.Stub{Answers: tt.answers}
			code, _, stderr := e.login(tt.stdin, stub, append([]string{"--password-stdin"}, tt.args...)...)
			e.signedIn(code, stderr)
			e.calls(tt.calls)
			if !reflect.DeepEqual(stub.Asked, tt.asked) {
				t.Errorf("asked %q, want %q", stub.Asked, tt.asked)
			}
		})
	}
}

func TestOktaThreeWrongCodes(t *testing.T) {
	e := newOkta(t, nil, oktatest.Options{}, okGoogle)
	stub := &prompt.Stub{Answers: []string{"111111", "222222", "333333", okGoogle.Code}}
	code, _, stderr := e.login(oktaPassword+"\n", stub, "--password-stdin")
	e.failed(code, stderr, ExitRejected, "the IdP rejected the second factor: Okta refused 3 Google Authenticator codes")
	e.calls(oktatest.Counts{Authn: 1, Verify: 3})
}

// Several factors and no terminal: exit 2 listing them.
func TestOktaSeveralFactorsNoTerminal(t *testing.T) {
	e := newOkta(t, nil, oktatest.Options{}, okSMS, okGoogle)
	code, _, stderr := e.login(oktaPassword+"\n", nil, "--password-stdin")
	e.failed(code, stderr, ExitInput, "Okta user alice@example.com has several MFA factors and there is no terminal to choose on: SMS code (+1 XXX-XXX-4321), Google Authenticator code",
		"set mfa = <push, totp, sms", "[idp ok]")
	e.calls(oktatest.Counts{Authn: 1})
}

// An expired state token makes awsfed sign in once more with the password
// it already has, asking nothing.
func TestOktaExpiredStateRestartsOnce(t *testing.T) {
	e := newOkta(t, nil, oktatest.Options{ExpireStates: 1}, okGoogle)
	stub := &prompt.Stub{}
	code, _, stderr := e.login(oktaPassword+"\n"+okGoogle.Code+"\n", stub, "--password-stdin", "--mfa-code-stdin")
	e.signedIn(code, stderr)
	e.calls(oktatest.Counts{Authn: 2, Verify: 2, Embed: 1})
	if len(stub.Asked) != 0 {
		t.Errorf("asked %q", stub.Asked)
	}
	// The password typed once serves both sign-ins.
	e2 := newOkta(t, e.sb, oktatest.Options{ExpireStates: 1}, okGoogle)
	stub = &prompt.Stub{Answers: []string{oktaPassword, okGoogle.Code, okGoogle.Code}}
	code, _, stderr = e2.login("", stub, "--username", oktaUser)
	e2.signedIn(code, stderr)
	if want := []string{"Password", "Google Authenticator code", "The sign-in expired before the code was checked; signed in again; Google Authenticator code (try 1 of 3)"}; !reflect.DeepEqual(stub.Asked, want) {
		t.Errorf("asked %q, want %q", stub.Asked, want)
	}
	// Twice expired: awsfed gives up rather than loop.
	e3 := newOkta(t, e.sb, oktatest.Options{ExpireStates: 2}, okGoogle)
	code, _, stderr = e3.login(oktaPassword+"\n"+okGoogle.Code+"\n", nil, "--password-stdin", "--mfa-code-stdin")
	e3.failed(code, stderr, ExitError, "Okta's state token expired again after a fresh sign-in", "answer the MFA prompt sooner")
	e3.calls(oktatest.Counts{Authn: 2, Verify: 2})
}

func TestOktaPush(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{})
	t.Run("approved at 10s with the number shown", func(t *testing.T) {
		p := okPush
		p.ApproveAfter = 10 * time.Second
		e := newOkta(t, sb, oktatest.Options{}, p, okVerifyCode)
		stub := &prompt.Stub{} // nobody types: the wait lasts until the approval
		code, _, stderr := e.login(oktaPassword+"\n", stub, "--password-stdin")
		e.signedIn(code, stderr)
		if want := []string{"Okta Verify: tap 42" + prompt.TypeCodeHint}; !reflect.DeepEqual(stub.Asked, want) {
			t.Errorf("asked %q, want %q", stub.Asked, want)
		}
		// Polls at 1, 2.5, 4.75, 8.1 and 13.1 s: the fifth sees the approval.
		e.calls(oktatest.Counts{Authn: 1, Verify: 6, Pushes: 1, Polls: 5, Embed: 1})
		if n := e.fake.Counts().Requests(); n > 8 {
			t.Errorf("%d requests to Okta for a push approved at 10s, want at most 8", n)
		}
	})
	t.Run("the number comes with the first poll", func(t *testing.T) {
		p := okPush
		p.NumberLate, p.ApproveAtPoll = true, 3
		e := newOkta(t, sb, oktatest.Options{}, p, okVerifyCode)
		stub := &prompt.Stub{}
		code, _, stderr := e.login(oktaPassword+"\n", stub, "--password-stdin")
		e.signedIn(code, stderr)
		if want := []string{"Waiting for approval in Okta Verify" + prompt.TypeCodeHint, "Okta Verify: tap 42" + prompt.TypeCodeHint}; !reflect.DeepEqual(stub.Asked, want) {
			t.Errorf("asked %q, want %q", stub.Asked, want)
		}
		e.calls(oktatest.Counts{Authn: 1, Verify: 4, Pushes: 1, Polls: 3, Embed: 1})
	})
	t.Run("denied", func(t *testing.T) {
		p := okPush
		p.Reject = true
		e := newOkta(t, sb, oktatest.Options{}, p)
		code, _, stderr := e.login(oktaPassword+"\n", &prompt.Stub{}, "--password-stdin")
		e.failed(code, stderr, ExitRejected, "the Okta Verify push was denied", "approve the push in Okta Verify")
		e.calls(oktatest.Counts{Authn: 1, Verify: 2, Pushes: 1, Polls: 1})
	})
	t.Run("Okta's timeout", func(t *testing.T) {
		p := okPush
		p.TimeOut = true
		e := newOkta(t, sb, oktatest.Options{}, p)
		code, _, stderr := e.login(oktaPassword+"\n", &prompt.Stub{}, "--password-stdin")
		e.failed(code, stderr, ExitRejected, "the Okta Verify push timed out before anyone approved it", "approve the push within a minute")
		e.calls(oktatest.Counts{Authn: 1, Verify: 2, Pushes: 1, Polls: 1})
	})
	t.Run("--mfa-timeout", func(t *testing.T) {
		e := newOkta(t, sb, oktatest.Options{}, okPush) // never approved
		code, _, stderr := e.login(oktaPassword+"\n", &prompt.Stub{}, "--password-stdin", "--mfa-timeout", "20s")
		e.failed(code, stderr, ExitRejected, "no approval of the Okta Verify push within 20s", "raise --mfa-timeout", "type the code Okta Verify shows")
		// Polls at 1, 2.5, 4.75, 8.1, 13.1, 18.1 and 20 s.
		e.calls(oktatest.Counts{Authn: 1, Verify: 8, Pushes: 1, Polls: 7})
	})
	t.Run("code typed while waiting", func(t *testing.T) {
		e := newOkta(t, sb, oktatest.Options{}, okPush, okVerifyCode)
		stub := &prompt.Stub{Answers: []string{okVerifyCode.Code}}
		code, _, stderr := e.login(oktaPassword+"\n", stub, "--password-stdin")
		e.signedIn(code, stderr)
		// Polls may go on until the typed line is read (the test clock's
		// sleeps take no time); then the code ends the wait.
		c := e.fake.Counts()
		if c.Pushes != 1 || c.Verify != 2+c.Polls || c.Authn != 1 {
			t.Errorf("Okta calls %+v", c)
		}
		reqs := e.fake.Requests()
		if last := reqs[len(reqs)-1]; last.Body["passCode"] != okVerifyCode.Code {
			t.Errorf("last request %v, want the Okta Verify code", last)
		}
	})
	t.Run("enter without a code factor", func(t *testing.T) {
		p := okPush
		p.ApproveAtPoll = 2
		e := newOkta(t, sb, oktatest.Options{}, p)
		stub := &prompt.Stub{Answers: []string{""}}
		code, _, stderr := e.login(oktaPassword+"\n", stub, "--password-stdin")
		e.signedIn(code, stderr)
		if want := []string{"Okta Verify: tap 42", "Okta Verify: tap 42 (no Okta Verify code is enrolled: approve the push)"}; !reflect.DeepEqual(stub.Asked, want) {
			t.Errorf("asked %q, want %q", stub.Asked, want)
		}
	})
	t.Run("enter, then the code", func(t *testing.T) {
		e := newOkta(t, sb, oktatest.Options{}, okPush, okVerifyCode)
		stub := &prompt.Stub{Answers: []string{"", okVerifyCode.Code}}
		code, _, stderr := e.login(oktaPassword+"\n", stub, "--password-stdin")
		e.signedIn(code, stderr)
		if want := []string{"Okta Verify: tap 42" + prompt.TypeCodeHint, "Okta Verify code"}; !reflect.DeepEqual(stub.Asked, want) {
			t.Errorf("asked %q, want %q", stub.Asked, want)
		}
	})
}

func TestOktaErrors(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{})
	user := func(u oktatest.User) map[string]oktatest.User {
		u.Password = oktaPassword
		return map[string]oktatest.User{oktaUser: u}
	}
	tests := []struct {
		name  string
		opts  oktatest.Options
		set   map[string]string
		code  int
		msg   string
		hint  []string
		calls oktatest.Counts
	}{
		{name: "WebAuthn only", opts: oktatest.Options{Users: user(oktatest.User{Factors: []oktatest.Factor{okWebAuthn}})}, code: ExitInput,
			msg:   "asks alice@example.com for security key or biometric (WebAuthn), which only a browser can pass",
			hint:  []string{"use the browser provider: set provider = browser in [idp ok]", "/home/amazon_aws/0oa1awsapp/272"},
			calls: oktatest.Counts{Authn: 1}},
		{name: "mfa names a browser factor", opts: oktatest.Options{Users: user(oktatest.User{Factors: []oktatest.Factor{okGoogle, okWebAuthn}})},
			set: map[string]string{"mfa": "webauthn"}, code: ExitInput, msg: "which only a browser can pass", hint: []string{"provider = browser"},
			calls: oktatest.Counts{Authn: 1}},
		{name: "locked out", opts: oktatest.Options{Users: user(oktatest.User{LockedOut: true})}, code: ExitRejected,
			msg: "says the user alice@example.com is locked out", hint: []string{"awsfed did not retry"}, calls: oktatest.Counts{Authn: 1}},
		{name: "password expired", opts: oktatest.Options{Users: user(oktatest.User{PasswordExpired: true})}, code: ExitRejected,
			msg: "says the password of alice@example.com has expired", hint: []string{"change it in a browser at http://"}, calls: oktatest.Counts{Authn: 1}},
		{name: "rate limited", opts: oktatest.Options{RateLimited: 1, RateLimitReset: 40 * time.Second}, code: ExitError,
			msg: "Okta's API rate limit at 127.0.0.1:", hint: []string{"try again in 40s"}, calls: oktatest.Counts{Authn: 1}},
		{name: "unknown app", set: map[string]string{"url": "EMBED/../0oanope/272"}, code: ExitError,
			msg: "has no app at", hint: []string{"App Embed Link"}, calls: oktatest.Counts{Authn: 1, Embed: 1}},
		{name: "the org, not the app", set: map[string]string{"url": "ORG"}, code: ExitInput,
			msg: `the Okta url in [idp ok] is not an app's embed link (its path is "")`, hint: []string{"App Embed Link"}},
		{name: "not an Okta org", set: map[string]string{"url": "SANDBOX/home/amazon_aws/0oa1/272"}, code: ExitError,
			msg: "does not answer as an Okta org (HTTP 404 at http://", hint: []string{"url must be the AWS app's embed link"}},
		{name: "Identity Engine without oidc_client_id", opts: oktatest.Options{IdentityEngine: true}, code: ExitInput,
			msg:   "is an Okta Identity Engine org whose AWS app does not accept a sign-in through Okta's classic API",
			hint:  []string{"set oidc_client_id = <its client id> in [idp ok]", "or use the browser provider: provider = browser"},
			calls: oktatest.Counts{Authn: 1, Embed: 1, WellKnown: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newOkta(t, sb, tt.opts)
			if tt.set != nil {
				if tt.set["url"] == "ORG" {
					tt.set["url"] = e.fake.URL
				} else if u, ok := tt.set["url"]; ok && strings.HasPrefix(u, "SANDBOX") {
					tt.set["url"] = strings.Replace(u, "SANDBOX", "http://"+hostPort(t, e.sb.IdPURL), 1)
				} else if ok {
					tt.set["url"] = strings.Replace(u, "EMBED/..", strings.TrimSuffix(e.fake.EmbedLink(), "/0oa1awsapp/272"), 1)
				}
				e.configure(tt.set)
			}
			code, stdout, stderr := e.login(oktaPassword+"\n", nil, "--password-stdin")
			e.failed(code, stderr, tt.code, tt.msg, tt.hint...)
			e.calls(tt.calls)
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			if strings.Contains(stderr, oktaPassword) {
				t.Error("stderr shows the password")
			}
			if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 2 {
				t.Errorf("error output of %d lines:\n%s", n+1, stderr)
			}
		})
	}
}

// A refused password is sent once: a second try could lock the account.
func TestOktaWrongPassword(t *testing.T) {
	e := newOkta(t, nil, oktatest.Options{}, okGoogle)
	code, _, stderr := e.login("wrong "+oktaPassword+"\n", nil, "--password-stdin")
	e.failed(code, stderr, ExitRejected, "the IdP rejected the username or password for alice@example.com at "+hostPort(t, e.fake.URL)+": Okta: Authentication failed")
	e.calls(oktatest.Counts{Authn: 1})
	// The same wrong password again: awsfed remembers the refusal and sends nothing.
	code, _, stderr = e.login("wrong "+oktaPassword+"\n", nil, "--password-stdin")
	if code != ExitRejected {
		t.Errorf("second try: exit %d\n%s", code, stderr)
	}
	e.calls(oktatest.Counts{})
}

// The Okta session is kept: the next sign-in asks for nothing and makes one
// request; an ended session falls back to the password silently.
func TestOktaSessionReuse(t *testing.T) {
	e := newOkta(t, nil, oktatest.Options{}, okGoogle)
	code, _, stderr := e.login(oktaPassword+"\n", &prompt.Stub{Answers: []string{okGoogle.Code}}, "--password-stdin")
	e.signedIn(code, stderr)

	// At a terminal, with the username configured: not even it is asked.
	stub := &prompt.Stub{}
	code, _, stderr = e.login("", stub)
	e.signedIn(code, stderr)
	e.calls(oktatest.Counts{Embed: 1})
	if len(stub.Asked) != 0 {
		t.Errorf("asked %q", stub.Asked)
	}

	files, _ := filepath.Glob(filepath.Join(e.c.home, ".cache", "awsfed", "okta-session-*.json"))
	if len(files) != 1 {
		t.Fatalf("session files %q, want one", files)
	}
	for path, want := range map[string]os.FileMode{files[0]: 0o600, filepath.Dir(files[0]): 0o700} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v (%v)", path, fi.Mode().Perm(), want, err)
		}
	}
	data, _ := os.ReadFile(files[0])
	if strings.Contains(string(data), oktaPassword) || !strings.Contains(string(data), oktaUser) {
		t.Errorf("session file:\n%s", data)
	}

	// Another user of the same org gets nothing from alice's session.
	e.fake.RevokeSessions()
	stub = &prompt.Stub{Answers: []string{okGoogle.Code}}
	code, _, stderr = e.login(oktaPassword+"\n", stub, "--password-stdin")
	e.signedIn(code, stderr)
	e.calls(oktatest.Counts{Embed: 2, Authn: 1, Verify: 1, Other: 0})
	if strings.Contains(stderr, "Okta session") || strings.Contains(stderr, "awsfed:") {
		t.Errorf("the fallback was not silent:\n%s", stderr)
	}
	if want := []string{"Google Authenticator code"}; !reflect.DeepEqual(stub.Asked, want) {
		t.Errorf("asked %q, want %q", stub.Asked, want)
	}

	// A session past its lifetime falls back the same way.
	e.clock.Add(3 * time.Hour)
	stub = &prompt.Stub{Answers: []string{okGoogle.Code}}
	code, _, stderr = e.login(oktaPassword+"\n", stub, "--password-stdin")
	e.signedIn(code, stderr)
	e.calls(oktatest.Counts{Embed: 2, Authn: 1, Verify: 1, Other: 0})

	// logout forgets the session: the next sign-in asks again.
	if code, _, stderr := e.c.run("", nil, "logout", "dev"); code != 0 {
		t.Fatalf("logout: exit %d\n%s", code, stderr)
	}
	if files, _ := filepath.Glob(filepath.Join(e.c.home, ".cache", "awsfed", "okta-session-*.json")); len(files) != 0 {
		t.Errorf("session files after logout: %q", files)
	}
}

// With keep_session = false nothing is kept, not even a session kept before.
func TestOktaKeepSessionFalse(t *testing.T) {
	e := newOkta(t, nil, oktatest.Options{})
	code, _, stderr := e.login(oktaPassword+"\n", nil, "--password-stdin")
	e.signedIn(code, stderr)
	e.configure(map[string]string{"keep_session": "false"})
	for i := 0; i < 2; i++ {
		code, _, stderr := e.login(oktaPassword+"\n", nil, "--password-stdin")
		e.signedIn(code, stderr)
		e.calls(oktatest.Counts{Authn: 1, Embed: 1})
	}
	if files, _ := filepath.Glob(filepath.Join(e.c.home, ".cache", "awsfed", "okta-session-*.json")); len(files) != 0 {
		t.Errorf("session files %q", files)
	}
}

// The app's sign-on policy asks for MFA at the embed link: the step-up
// page's state token continues with the factor.
func TestOktaStepUp(t *testing.T) {
	e := newOkta(t, nil, oktatest.Options{Users: map[string]oktatest.User{oktaUser: {Password: oktaPassword, StepUp: true, Factors: []oktatest.Factor{okGoogle}}}})
	stub := &prompt.Stub{Answers: []string{okGoogle.Code}}
	code, _, stderr := e.login(oktaPassword+"\n", stub, "--password-stdin")
	e.signedIn(code, stderr)
	e.calls(oktatest.Counts{Authn: 2, Verify: 1, Embed: 2})
}

// An Identity Engine org with oidc_client_id: the device flow, no password.
func TestOktaIdentityEngineDeviceFlow(t *testing.T) {
	e := newOkta(t, nil, oktatest.Options{IdentityEngine: true, DeviceApprove: 12 * time.Second})
	e.configure(map[string]string{"oidc_client_id": e.fake.Options().ClientID})
	stub := &prompt.Stub{}
	code, _, stderr := e.login("", stub, "--username", oktaUser)
	e.signedIn(code, stderr)
	want := "Okta: open " + e.fake.URL + "/activate?user_code=" + oktatest.UserCode + " in a browser and confirm the code " + oktatest.UserCode
	if !reflect.DeepEqual(stub.Asked, []string{want}) {
		t.Errorf("asked %q, want %q", stub.Asked, want)
	}
	// Polls at 5, 10 and 15 s, then the exchange.
	e.calls(oktatest.Counts{WellKnown: 1, Device: 1, Token: 4, TokenSSO: 1})

	// The idx session serves the next sign-in.
	code, _, stderr = e.login("", &prompt.Stub{}, "--username", oktaUser)
	e.signedIn(code, stderr)
	e.calls(oktatest.Counts{Embed: 1})

	// A client id the org does not know.
	e2 := newOkta(t, e.sb, oktatest.Options{IdentityEngine: true})
	e2.configure(map[string]string{"oidc_client_id": "0oawrong"})
	code, _, stderr = e2.login("", &prompt.Stub{}, "--username", oktaUser)
	e2.failed(code, stderr, ExitError, "does not know the OIDC client 0oawrong (invalid_client)", "check oidc_client_id in [idp ok]")
}

// Neither --debug output nor errors show the password, a code, a state or
// session token, the cookie or the assertion.
func TestOktaOutputHasNoSecrets(t *testing.T) {
	p := okPush
	p.ApproveAtPoll = 2
	e := newOkta(t, nil, oktatest.Options{}, okGoogle, okSMS, p, okVerifyCode)
	var out strings.Builder
	run := func(stdin string, pr prompt.Prompter, args ...string) int {
		code, stdout, stderr := e.login(stdin, pr, append([]string{"--debug"}, args...)...)
		out.WriteString(stdout + stderr)
		return code
	}
	e.configure(map[string]string{"mfa": "google", "keep_session": "false"})
	if code := run(oktaPassword+"\n", &prompt.Stub{Answers: []string{"123 987", okGoogle.Code}}, "--password-stdin"); code != 0 {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	e.configure(map[string]string{"mfa": "sms", "keep_session": "false"})
	if code := run(oktaPassword+"\n", &prompt.Stub{Answers: []string{okSMS.Code}}, "--password-stdin"); code != 0 {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	e.configure(map[string]string{"mfa": "push"})
	if code := run(oktaPassword+"\n", &prompt.Stub{}, "--password-stdin"); code != 0 {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	if code := run("", &prompt.Stub{}, "--username", oktaUser); code != 0 { // the kept session
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	if code := run("wrong-"+oktaPassword+"\n", nil, "--password-stdin", "--username", "bob@example.com"); code != ExitRejected {
		t.Fatalf("wrong password: exit %d", code)
	}
	text := out.String()
	if !strings.Contains(text, "debug: okta: ") {
		t.Fatalf("no debug output:\n%s", text)
	}
	secrets := []string{oktaPassword, okGoogle.Code, okSMS.Code, okVerifyCode.Code, "123987", "123 987"}
	secrets = append(secrets, e.all()...)
	for _, r := range e.fake.Requests() {
		for _, k := range []string{"password", "passCode", "stateToken"} {
			if v, ok := r.Body[k].(string); ok {
				secrets = append(secrets, v)
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(e.c.home, ".cache", "awsfed", "okta-session-*.json"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if _, v, ok := strings.Cut(string(data), `"value":"`); ok {
			v, _, _ = strings.Cut(v, `"`)
			secrets = append(secrets, v)
		}
	}
	if len(secrets) < 15 {
		t.Fatalf("only %d secrets collected", len(secrets))
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("the output shows a secret (%.4s…)", s)
		}
	}
}

// Orgs whose embed link redirects to the app's SSO URL: the first sign-in
// and the kept session follow it (two requests), and an ended session stops
// at the sign-in page's redirect.
func TestOktaSessionReuseThroughTheAppRedirect(t *testing.T) {
	e := newOkta(t, nil, oktatest.Options{AppRedirect: true})
	code, _, stderr := e.login(oktaPassword+"\n", nil, "--password-stdin")
	e.signedIn(code, stderr)
	e.calls(oktatest.Counts{Authn: 1, Embed: 1, AppSSO: 1})

	code, _, stderr = e.login("", &prompt.Stub{}, "--username", oktaUser)
	e.signedIn(code, stderr)
	e.calls(oktatest.Counts{Embed: 1, AppSSO: 1})

	e.fake.RevokeSessions()
	code, _, stderr = e.login(oktaPassword+"\n", nil, "--password-stdin")
	e.signedIn(code, stderr)
	e.calls(oktatest.Counts{Embed: 2, AppSSO: 2, Authn: 1})
}
