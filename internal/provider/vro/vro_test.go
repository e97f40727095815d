package vro

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/vro/vrotest"
)

const trickyPW = `p&ss:w"o'rd%25 ünï密🔑\`

func TestSuccessAfterPolls(t *testing.T) {
	f := newFake(t, "alice", trickyPW, vrotest.Options{Polls: 3, PendingState: "waiting"})
	p, clock := testProvider()
	var calls atomic.Int32
	var log strings.Builder
	got, err := p.Assertion(t.Context(), input(f.URL+"/vco/", "alice", trickyPW, nil, &calls, &log))
	if err != nil {
		t.Fatal(err)
	}
	if got != testSAML {
		t.Fatalf("assertion %q, want %q", got, testSAML)
	}
	wantBody := `{"parameters":[{"name":"username","type":"string","scope":"local","value":{"string":{"value":"alice"}}},` +
		`{"name":"password","type":"SecureString","scope":"local","value":{"secure-string":{"value":"p&ss:w\"o'rd%25 ünï密🔑\\"}}}]}`
	if b := f.Bodies(); len(b) != 1 || b[0] != wantBody {
		t.Fatalf("body\n got %s\nwant %s", b, wantBody)
	}
	if c := f.Counts(); calls.Load() != 1 || c != (vrotest.Counts{Starts: 1, Polls: 4, Details: 1}) {
		t.Fatalf("password calls %d, vRO calls %+v; want 1, one start, 4 polls, 1 read", calls.Load(), c)
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}
	if len(clock.sleeps) != len(want) || clock.sleeps[0] != want[0] || clock.sleeps[2] != want[2] {
		t.Fatalf("sleeps %v, want %v", clock.sleeps, want)
	}
	out := log.String()
	for _, w := range []string{"POST", "/executions/", "HTTP 202", "waiting", "completed"} {
		if !strings.Contains(out, w) {
			t.Errorf("debug output lacks %q:\n%s", w, out)
		}
	}
	for _, secret := range []string{trickyPW, "ünï", testSAML} {
		if strings.Contains(out, secret) {
			t.Errorf("debug output contains the secret %q", secret)
		}
	}
}

func TestBaseURLForms(t *testing.T) {
	for _, suffix := range []string{"", "/", "/vco", "/vco/"} {
		f := newFake(t, "alice", "pw", vrotest.Options{})
		p, _ := testProvider()
		var calls atomic.Int32
		if _, err := p.Assertion(t.Context(), input(f.URL+suffix, "alice", "pw", nil, &calls, nil)); err != nil {
			t.Errorf("url suffix %q: %v", suffix, err)
		}
	}
}

func TestCustomParams(t *testing.T) {
	f := newFake(t, "bob", "s3cret", vrotest.Options{
		WorkflowID: "wf 7", UsernameParam: "user", PasswordParam: "secret",
		Inputs:      map[string]string{"account": "prod & co", "role": "admin"},
		OutputParam: "assertion", SecureOutput: true, OtherOutputs: []vrotest.Output{{Name: "other", Value: "x"}},
	})
	p, _ := testProvider()
	var calls atomic.Int32
	s := map[string]string{SettingWorkflowID: "wf 7", SettingUsernameParam: "user", SettingPasswordParam: "secret", SettingOutputParam: "assertion",
		"input.role": "admin", "input.account": "prod & co"}
	got, err := p.Assertion(t.Context(), input(f.URL, "bob", "s3cret", s, &calls, nil))
	if err != nil || got != testSAML {
		t.Fatalf("got %q, %v", got, err)
	}
	// Inputs go in a fixed order: user, password, then the rest by name.
	b := f.Bodies()
	if len(b) != 1 || !strings.Contains(b[0], `"user"`) ||
		strings.Index(b[0], `"user"`) > strings.Index(b[0], `"secret"`) || strings.Index(b[0], `"account"`) > strings.Index(b[0], `"role"`) {
		t.Errorf("body %s", b)
	}
}

func TestRelativeLocation(t *testing.T) {
	f := newFake(t, "alice", "pw", vrotest.Options{RelativeLocation: true})
	p, _ := testProvider()
	var calls atomic.Int32
	if got, err := p.Assertion(t.Context(), input(f.URL, "alice", "pw", nil, &calls, nil)); err != nil || got != testSAML {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestWorkflowFailed(t *testing.T) {
	f := newFake(t, "alice", "hunter2", vrotest.Options{Polls: 1, Final: vrotest.Failed,
		Exception: "  user hunter2 not in group AWS-Admins " + strings.Repeat("x", 300) + "\n at line 12 (Workflow:broker)"})
	p, _ := testProvider()
	var calls atomic.Int32
	_, err := p.Assertion(t.Context(), input(f.URL, "alice", "hunter2", nil, &calls, nil))
	var se *provider.ServiceError
	if !errors.As(err, &se) || se.Rejected || !strings.Contains(se.Hint, "administrators") {
		t.Fatalf("error %#v, want a ServiceError with a hint", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "not in group AWS-Admins") || strings.Contains(msg, "line 12") || strings.Contains(msg, "hunter2") {
		t.Fatalf("error %q: want the first line of the exception, without the password", msg)
	}
	if n := len([]rune(msg)); n > 260 {
		t.Fatalf("error is %d characters long", n)
	}

	f2 := newFake(t, "alice", "pw", vrotest.Options{Final: vrotest.Failed})
	_, err = p.Assertion(t.Context(), input(f2.URL, "alice", "pw", nil, &calls, nil))
	if !errors.As(err, &se) || err.Error() != "the vRO workflow failed without saying why" {
		t.Fatalf("error %v, want the workflow failed without saying why", err)
	}
}

func TestCanceled(t *testing.T) {
	f := newFake(t, "alice", "pw", vrotest.Options{Polls: 1, Final: vrotest.Canceled})
	p, _ := testProvider()
	var calls atomic.Int32
	_, err := p.Assertion(t.Context(), input(f.URL, "alice", "pw", nil, &calls, nil))
	var se *provider.ServiceError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "canceled") || !strings.Contains(err.Error(), f.Executions()[0]) {
		t.Fatalf("error %v, want canceled naming the execution", err)
	}
	// A canceled run has nothing to read.
	if c := f.Counts(); c.Details != 0 {
		t.Errorf("vRO calls %+v", c)
	}
}

func TestPollTimeout(t *testing.T) {
	f := newFake(t, "alice", "pw", vrotest.Options{NeverEnds: true, PendingState: "waiting-signal"})
	p, clock := testProvider()
	var calls atomic.Int32
	var log strings.Builder
	_, err := p.Assertion(t.Context(), input(f.URL, "alice", "pw", map[string]string{SettingPollTimeout: "20s"}, &calls, &log))
	var se *provider.ServiceError
	if !errors.As(err, &se) {
		t.Fatalf("error %#v, want ServiceError", err)
	}
	for _, w := range []string{"within 20s", f.Executions()[0], "waiting-signal"} {
		if !strings.Contains(se.What, w) {
			t.Errorf("error %q lacks %q", se.What, w)
		}
	}
	for _, w := range []string{"stuck", "poll_timeout in [idp test] (now 20s)"} {
		if !strings.Contains(se.Hint, w) {
			t.Errorf("hint %q lacks %q", se.Hint, w)
		}
	}
	var total time.Duration
	for _, d := range clock.sleeps {
		if d > maxPollDelay {
			t.Errorf("slept %v, more than the cap", d)
		}
		total += d
	}
	if total != 20*time.Second {
		t.Errorf("slept %v in all, want 20s", total)
	}
	if c := f.Counts(); c.Polls != len(clock.sleeps)+1 || c.Details != 0 {
		t.Errorf("vRO calls %+v after %d sleeps", c, len(clock.sleeps))
	}
	if !strings.Contains(log.String(), "waiting-signal") {
		t.Errorf("debug output lacks the state:\n%s", log.String())
	}
}

func TestRejected(t *testing.T) {
	f := newFake(t, "alice", "right", vrotest.Options{})
	p, _ := testProvider()
	var calls atomic.Int32
	_, err := p.Assertion(t.Context(), input(f.URL, "alice", "wrong", nil, &calls, nil))
	var re *provider.RejectedError
	if !errors.As(err, &re) || re.Username != "alice" || re.IdP != "127.0.0.1" {
		t.Fatalf("error %#v, want RejectedError for alice at 127.0.0.1", err)
	}
	if c := f.Counts(); c != (vrotest.Counts{Starts: 1}) || calls.Load() != 1 || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("vRO calls %+v, password calls %d, error %q", c, calls.Load(), err)
	}
}

func TestStartRefused(t *testing.T) {
	for _, tc := range []struct {
		opts vrotest.Options
		want []string
	}{
		{vrotest.Options{WorkflowID: "another"}, []string{vrotest.DefaultWorkflowID, "permission", "workflow_id in [idp test]", "administrators"}},
		{vrotest.Options{StartStatus: 400, StartBody: `{"status":400,"message":"Parameter 'username' is required\nstack"}`},
			[]string{"Parameter 'username' is required", "HTTP 400"}},
		{vrotest.Options{StartStatus: 500}, []string{"HTTP 500", "did not start"}},
	} {
		f := newFake(t, "alice", "pw", tc.opts)
		p, _ := testProvider()
		var calls atomic.Int32
		_, err := p.Assertion(t.Context(), input(f.URL, "alice", "pw", nil, &calls, nil))
		var ue *provider.UnexpectedPageError
		if !errors.As(err, &ue) {
			t.Fatalf("%+v: error %#v, want UnexpectedPageError", tc.opts, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error()+"\n"+ue.Hint, w) {
				t.Errorf("%+v: error %q, hint %q lack %q", tc.opts, err, ue.Hint, w)
			}
		}
		if c := f.Counts(); strings.Contains(err.Error(), "stack") || c != (vrotest.Counts{Starts: 1}) {
			t.Errorf("%+v: error %q, vRO calls %+v", tc.opts, err, c)
		}
	}
}

func TestMissingOutputListsNames(t *testing.T) {
	f := newFake(t, "alice", "pw", vrotest.Options{OutputParam: "assertionXml",
		OtherOutputs: []vrotest.Output{{Name: "result", Value: "secret-ish"}}})
	p, _ := testProvider()
	var calls atomic.Int32
	_, err := p.Assertion(t.Context(), input(f.URL, "alice", "pw", nil, &calls, nil))
	var ue *provider.UnexpectedPageError
	if !errors.As(err, &ue) {
		t.Fatalf("error %#v, want UnexpectedPageError", err)
	}
	for _, w := range []string{"samlResponse", "result, assertionXml", "output_param"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if strings.Contains(err.Error(), "secret-ish") || strings.Contains(err.Error(), testSAML) {
		t.Errorf("error %q shows an output value", err)
	}
}

func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p, _ := testProvider()
	var calls atomic.Int32
	_, err = p.Assertion(t.Context(), input("http://"+addr, "alice", "pw", nil, &calls, nil))
	var ue *httpx.UnreachableError
	if !errors.As(err, &ue) {
		t.Fatalf("error %#v, want UnreachableError", err)
	}
	if !strings.Contains(err.Error(), addr) || !strings.Contains(ue.Hint, "corporate network or VPN") || !strings.Contains(ue.Hint, "administrators") {
		t.Errorf("error %q, hint %q: want host:port, the VPN and who grants access", err, ue.Hint)
	}
}

func TestCancelWhilePolling(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f := newFake(t, "alice", "pw", vrotest.Options{NeverEnds: true, OnPoll: func(n int) {
		if n == 3 {
			cancel()
		}
	}})
	p, _ := testProvider()
	var calls atomic.Int32
	_, err := p.Assertion(ctx, input(f.URL, "alice", "pw", nil, &calls, nil))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if c := f.Counts(); c.Polls != 3 {
		t.Fatalf("%d polls after cancel at the third", c.Polls)
	}
}

func TestSettingsNeeded(t *testing.T) {
	for _, tc := range []struct {
		name     string
		url      string
		settings map[string]string
		want     []string
	}{
		{"no workflow", "https://vco.example.com:8281", map[string]string{SettingWorkflowID: ""}, []string{"workflow_id", "[idp test]"}},
		{"bad timeout", "https://vco.example.com:8281", map[string]string{SettingPollTimeout: "soon"}, []string{"poll_timeout"}},
		{"no url", "", nil, []string{"URL"}},
		{"not http", "ftp://vco.example.com", nil, []string{"URL"}},
	} {
		var calls atomic.Int32
		_, err := New().Assertion(t.Context(), input(tc.url, "alice", "pw", tc.settings, &calls, nil))
		var ie *provider.InputNeededError
		if !errors.As(err, &ie) {
			t.Fatalf("%s: error %#v, want InputNeededError", tc.name, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(ie.What+" "+ie.Hint, w) {
				t.Errorf("%s: %q / %q lacks %q", tc.name, ie.What, ie.Hint, w)
			}
		}
		if calls.Load() != 0 {
			t.Errorf("%s: password asked for", tc.name)
		}
	}
}
