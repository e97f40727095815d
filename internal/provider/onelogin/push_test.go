package onelogin

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/onelogin/onelogintest"
)

// checkPushBodies checks that only the first push call may notify.
func checkPushBodies(t *testing.T, e *env) {
	t.Helper()
	for i, b := range e.bodies(pathVerify) {
		want := i != 0
		if b["do_not_notify"] != want {
			t.Errorf("verify call %d: do_not_notify %v, want %v", i+1, b["do_not_notify"], want)
		}
	}
}

func TestPushApprovedAfterPolls(t *testing.T) {
	issue, last := sandboxAssertion(t)
	p := protect
	p.PushApproveAfter = 5
	e := newEnv(t, onelogintest.Options{Assertion: issue}, p)
	l := e.input() // no answer: the Wait prompt waits until the approval
	got, err := e.run(l)
	if err != nil {
		t.Fatal(err)
	}
	if got != *last {
		t.Fatal("assertion differs from the one OneLogin issued")
	}
	c := e.fake.Counts()
	if c.Pushes != 1 || c.Polls != 5 || c.Verify != 6 || c.API() != 8 {
		t.Fatalf("counts %+v: want 1 push, 5 polls, 8 API calls", c)
	}
	checkPushBodies(t, e)
	if want := []string{"Waiting for approval on OneLogin Protect" + prompt.TypeCodeHint}; !reflect.DeepEqual(l.stub.Asked, want) {
		t.Errorf("asked %q, want %q", l.stub.Asked, want)
	}
	want := []time.Duration{time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond, 3375 * time.Millisecond, 5 * time.Second}
	if got := e.clock.slept(); !reflect.DeepEqual(got, want) {
		t.Fatalf("poll delays %v, want %v", got, want)
	}
	// So a push approved 10s after it was sent is seen at the 5th poll:
	// the 4th is at 8.125s, the 5th at 13.125s.
	var at time.Duration
	for i, d := range want {
		at += d
		if (i == 3 && at >= 10*time.Second) || (i == 4 && at < 10*time.Second) {
			t.Errorf("poll %d at %v", i+1, at)
		}
	}
	e.assertNoSecrets("debug output", e.log.String(), got)
}

func TestPushTimeout(t *testing.T) {
	e := newEnv(t, onelogintest.Options{}, protect) // never approved
	_, err := e.run(e.input())
	var se *provider.ServiceError
	if !errors.As(err, &se) || !se.Rejected {
		t.Fatalf("error %#v, want a rejecting ServiceError", err)
	}
	if se.What != "no approval of the OneLogin Protect push within 90s" {
		t.Errorf("what %q", se.What)
	}
	for _, w := range []string{"approve it sooner", "--mfa-timeout", "type the code shown in OneLogin Protect"} {
		if !strings.Contains(se.Hint, w) {
			t.Errorf("hint %q lacks %q", se.Hint, w)
		}
	}
	var total time.Duration
	for _, d := range e.clock.slept() {
		if d > pushMaxPoll {
			t.Errorf("slept %v, more than the cap", d)
		}
		total += d
	}
	if total != 90*time.Second {
		t.Errorf("waited %v in all, want 90s", total)
	}
	if c := e.fake.Counts(); c.Pushes != 1 {
		t.Errorf("counts %+v", c)
	}
	checkPushBodies(t, e)

	e = newEnv(t, onelogintest.Options{}, protect)
	l := e.input()
	l.in.MFATimeout = 20 * time.Second
	if _, err := e.run(l); err == nil || !strings.Contains(err.Error(), "within 20s") {
		t.Fatalf("error %v, want the 20s timeout", err)
	}
}

func TestPushCodeTypedWhileWaiting(t *testing.T) {
	e := newEnv(t, onelogintest.Options{}, protect) // the push is never approved: only the code can work
	l := e.input(protect.Code)
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	if want := []string{"Waiting for approval on OneLogin Protect" + prompt.TypeCodeHint}; !reflect.DeepEqual(l.stub.Asked, want) {
		t.Errorf("asked %q, want %q", l.stub.Asked, want)
	}
	bodies := e.bodies(pathVerify)
	if last := bodies[len(bodies)-1]; last["otp_token"] != protect.Code || last["do_not_notify"] != true {
		t.Errorf("last call %v: want the code with do_not_notify true", last)
	}
	if c := e.fake.Counts(); c.Pushes != 1 {
		t.Errorf("counts %+v", c)
	}
	checkPushBodies(t, e)
}

func TestPushEmptyLineThenCode(t *testing.T) {
	e := newEnv(t, onelogintest.Options{}, protect)
	l := e.input("", "000000", protect.Code)
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	want := []string{"Waiting for approval on OneLogin Protect" + prompt.TypeCodeHint, "OneLogin Protect code", "Wrong code; OneLogin Protect code (try 2 of 3)"}
	if !reflect.DeepEqual(l.stub.Asked, want) {
		t.Errorf("asked %q, want %q", l.stub.Asked, want)
	}
	if c := e.fake.Counts(); c.Pushes != 1 {
		t.Errorf("counts %+v", c)
	}
	checkPushBodies(t, e)
}

func TestPushWithMFACodeSendsNoPush(t *testing.T) {
	e := newEnv(t, onelogintest.Options{}, protect)
	l := e.input()
	l.in.MFACode = protect.Code
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	if c := e.fake.Counts(); c.Pushes != 0 || c.Verify != 1 || len(l.stub.Asked) != 0 {
		t.Fatalf("counts %+v, asked %q", c, l.stub.Asked)
	}
}

func TestPushDenied(t *testing.T) {
	p := protect
	p.PushDenied = true
	e := newEnv(t, onelogintest.Options{}, p)
	_, err := e.run(e.input())
	var me *provider.MFARejectedError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "denied") {
		t.Fatalf("error %v, want MFARejectedError: denied", err)
	}
}

// noTerminal is a Prompter with no terminal at all.
type noTerminal struct{ waits int }

func (n *noTerminal) Input(context.Context, string, string) (string, error) {
	return "", prompt.ErrNoTerminal
}
func (n *noTerminal) Password(context.Context, string) (string, error) {
	return "", prompt.ErrNoTerminal
}
func (n *noTerminal) Select(context.Context, string, []string) (int, error) {
	return 0, prompt.ErrNoTerminal
}
func (n *noTerminal) Wait(context.Context, string) (string, error) {
	n.waits++
	return "", prompt.ErrNoTerminal
}

func TestPushWithoutTerminalKeepsPolling(t *testing.T) {
	p := protect
	p.PushApproveAfter = 3
	e := newEnv(t, onelogintest.Options{}, p)
	l := e.input()
	nt := &noTerminal{}
	l.in.Prompt = nt
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	if c := e.fake.Counts(); c.Polls != 3 || c.Pushes != 1 || nt.waits != 1 {
		t.Fatalf("counts %+v, waits %d", c, nt.waits)
	}
	if !strings.Contains(e.log.String(), "no terminal") {
		t.Errorf("debug output does not say why it only polls")
	}
}

func TestPushHonoursRateLimit(t *testing.T) {
	p := protect
	p.PushApproveAfter = 2
	// Calls 1 (login), 2 (push) and 3 (first poll) use the window up.
	e := newEnv(t, onelogintest.Options{RateLimit: 3, RateWindow: 20 * time.Second}, p)
	if _, err := e.run(e.input()); err != nil {
		t.Fatal(err)
	}
	slept := e.clock.slept()
	// The window opened at the login, 1s before the first poll: 19s left.
	if len(slept) != 2 || slept[1] != 19*time.Second {
		t.Fatalf("delays %v, want 1s then the 19s left in the window", slept)
	}
	if c := e.fake.Counts(); c.Polls != 2 {
		t.Fatalf("counts %+v", c)
	}

	// A window that resets after the MFA timeout ends the wait at once.
	e = newEnv(t, onelogintest.Options{RateLimit: 3, RateWindow: time.Hour}, protect)
	_, err := e.run(e.input())
	var se *provider.ServiceError
	if !errors.As(err, &se) || !strings.Contains(se.What, "rate limit") || !strings.Contains(se.Hint, "try again in 60m") {
		t.Fatalf("error %#v, want the rate limit with its reset", err)
	}
}

func TestPushCancelled(t *testing.T) {
	e := newEnv(t, onelogintest.Options{}, protect)
	l := e.input()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	// Real sleeps, so that the cancellation lands mid-wait.
	p := &Provider{now: time.Now, sleep: provider.Sleep, pushFirst: time.Second, pushMax: time.Second}
	_, err := p.Assertion(ctx, l.in)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the context's", err)
	}
}

func TestPushRealTime(t *testing.T) {
	pd := protect
	pd.PushApproveAfter = 3
	e := newEnv(t, onelogintest.Options{}, pd)
	l := e.input()
	p := &Provider{now: time.Now, sleep: provider.Sleep, pushFirst: 5 * time.Millisecond, pushMax: 10 * time.Millisecond}
	start := time.Now()
	if _, err := p.Assertion(t.Context(), l.in); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("approved after %v: the polls did not wait", d)
	}
	if c := e.fake.Counts(); c.Polls != 3 || c.Pushes != 1 {
		t.Fatalf("counts %+v", c)
	}
	checkPushBodies(t, e)
}

// TestCallCounts counts the OneLogin API calls of whole logins, the
// figure that matters against the account's 5,000 calls an hour.
func TestCallCounts(t *testing.T) {
	p := protect
	p.PushApproveDelay = 10 * time.Second
	for _, tc := range []struct {
		name         string
		dev          onelogintest.Device
		answers      []string
		fresh, again int // calls with no cached token, then with one
	}{
		{"otp", google, []string{google.Code}, 3, 2}, // token, saml_assertion, verify_factor
		{"push approved after 10s", p, nil, 8, 7},    // token, saml_assertion, push, polls at 1, 2.5, 4.75, 8.125, 13.125s
		{"sms", sms, []string{sms.Code}, 4, 3},       // token, saml_assertion, send, code
		{"no mfa", onelogintest.Device{}, nil, 2, 1}, // token, saml_assertion
	} {
		var devs []onelogintest.Device
		if tc.dev.ID != 0 {
			devs = append(devs, tc.dev)
		}
		e := newEnv(t, onelogintest.Options{}, devs...)
		dir := t.TempDir()
		var counts []int
		for range 2 {
			before := e.fake.Counts().API()
			l := e.input(tc.answers...)
			l.in.CacheDir = dir
			if _, err := e.run(l); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			counts = append(counts, e.fake.Counts().API()-before)
		}
		if counts[0] != tc.fresh || counts[1] != tc.again {
			t.Errorf("%s: %d API calls without a cached token and %d with, want %d and %d", tc.name, counts[0], counts[1], tc.fresh, tc.again)
		}
		t.Logf("%s: %d API calls (%d with a cached token)", tc.name, counts[0], counts[1])
	}
}

func TestPushStateExpiredRestarts(t *testing.T) {
	p := protect
	p.PushApproveAfter = 1
	e := newEnv(t, onelogintest.Options{ExpireStates: 1}, p)
	l := e.input()
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	if c := e.fake.Counts(); c.Assertion != 2 || c.Pushes != 1 || c.Polls != 1 || l.pwCalls.Load() != 1 {
		t.Fatalf("counts %+v, password calls %d", c, l.pwCalls.Load())
	}
}

func TestNoDevicesListed(t *testing.T) {
	srv := stubAPI(t, 200, `{"state_token":"st-secret","message":"MFA is required for this user","devices":[]}`, nil)
	e := newEnv(t, onelogintest.Options{})
	l := e.input()
	l.in.Settings[SettingURL] = srv.URL
	_, err := e.run(l)
	var ue *provider.UnexpectedPageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "lists no device") || strings.Contains(err.Error(), "st-secret") {
		t.Fatalf("error %v", err)
	}
}
