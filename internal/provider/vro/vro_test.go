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
)

const trickyPW = `p&ss:w"o'rd%25 ünï密🔑\`

func TestSuccessAfterPolls(t *testing.T) {
	f := newFake(t, "alice", trickyPW)
	f.states = []string{"running", "waiting", "running", "completed"}
	p, clock := testProvider()
	var calls atomic.Int32
	var log strings.Builder
	got, err := p.Assertion(t.Context(), input(f.srv.URL+"/vco/", "alice", trickyPW, nil, &calls, &log))
	if err != nil {
		t.Fatal(err)
	}
	if got != testSAML {
		t.Fatalf("assertion %q, want %q", got, testSAML)
	}
	wantBody := `{"parameters":[{"name":"username","type":"string","scope":"local","value":{"string":{"value":"alice"}}},` +
		`{"name":"password","type":"SecureString","scope":"local","value":{"secure-string":{"value":"p&ss:w\"o'rd%25 ünï密🔑\\"}}}]}`
	if len(f.bodies) != 1 || string(f.bodies[0]) != wantBody {
		t.Fatalf("body\n got %s\nwant %s", f.bodies, wantBody)
	}
	if calls.Load() != 1 || f.posts != 1 || f.polls != 4 {
		t.Fatalf("password calls %d, posts %d, polls %d; want 1, 1, 4", calls.Load(), f.posts, f.polls)
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
		f := newFake(t, "alice", "pw")
		p, _ := testProvider()
		var calls atomic.Int32
		if _, err := p.Assertion(t.Context(), input(f.srv.URL+suffix, "alice", "pw", nil, &calls, nil)); err != nil {
			t.Errorf("url suffix %q: %v", suffix, err)
		}
	}
}

func TestCustomParams(t *testing.T) {
	f := newFake(t, "bob", "s3cret")
	f.wantParams = []param{stringParam("user", "bob"), secureParam("secret", "s3cret"),
		stringParam("account", "prod & co"), stringParam("role", "admin")}
	f.detail = `{"output-parameters":[{"name":"other","value":{"string":{"value":"x"}}},{"name":"assertion","type":"SecureString","value":{"secure-string":{"value":"` + testSAML + `"}}}]}`
	p, _ := testProvider()
	var calls atomic.Int32
	s := map[string]string{SettingUsernameParam: "user", SettingPasswordParam: "secret", SettingOutputParam: "assertion",
		"input.role": "admin", "input.account": "prod & co"}
	got, err := p.Assertion(t.Context(), input(f.srv.URL, "bob", "s3cret", s, &calls, nil))
	if err != nil || got != testSAML {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestRelativeLocation(t *testing.T) {
	f := newFake(t, "alice", "pw")
	f.location = testExecID + "/"
	p, _ := testProvider()
	var calls atomic.Int32
	if got, err := p.Assertion(t.Context(), input(f.srv.URL, "alice", "pw", nil, &calls, nil)); err != nil || got != testSAML {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestWorkflowFailed(t *testing.T) {
	f := newFake(t, "alice", "hunter2")
	f.states = []string{"running", "failed"}
	f.detail = `{"state":"failed","content-exception":"  user hunter2 not in group AWS-Admins ` + strings.Repeat("x", 300) + `\n at line 12 (Workflow:broker)"}`
	p, _ := testProvider()
	var calls atomic.Int32
	_, err := p.Assertion(t.Context(), input(f.srv.URL, "alice", "hunter2", nil, &calls, nil))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "not in group AWS-Admins") || strings.Contains(msg, "line 12") || strings.Contains(msg, "hunter2") {
		t.Fatalf("error %q: want the first line of the exception, without the password", msg)
	}
	if n := len([]rune(msg)); n > 260 {
		t.Fatalf("error is %d characters long", n)
	}

	f2 := newFake(t, "alice", "pw")
	f2.states = []string{"failed"}
	f2.detail = `{"state":"failed"}`
	_, err = p.Assertion(t.Context(), input(f2.srv.URL, "alice", "pw", nil, &calls, nil))
	if err == nil || err.Error() != "the workflow failed" {
		t.Fatalf("error %v, want the workflow failed", err)
	}
}

func TestCanceled(t *testing.T) {
	f := newFake(t, "alice", "pw")
	f.states = []string{"running", "canceled"}
	p, _ := testProvider()
	var calls atomic.Int32
	_, err := p.Assertion(t.Context(), input(f.srv.URL, "alice", "pw", nil, &calls, nil))
	if err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("error %v, want canceled", err)
	}
}

func TestPollTimeout(t *testing.T) {
	f := newFake(t, "alice", "pw")
	f.states = []string{"waiting-signal"}
	p, clock := testProvider()
	var calls atomic.Int32
	var log strings.Builder
	_, err := p.Assertion(t.Context(), input(f.srv.URL, "alice", "pw", map[string]string{SettingPollTimeout: "20s"}, &calls, &log))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, w := range []string{"20s", f.srv.URL + f.execPath(), "stuck", "waiting-signal"} {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q lacks %q", msg, w)
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
	if !strings.Contains(log.String(), "waiting-signal") {
		t.Errorf("debug output lacks the state:\n%s", log.String())
	}
}

func TestRejected(t *testing.T) {
	f := newFake(t, "alice", "right")
	p, _ := testProvider()
	var calls atomic.Int32
	_, err := p.Assertion(t.Context(), input(f.srv.URL, "alice", "wrong", nil, &calls, nil))
	var re *provider.RejectedError
	if !errors.As(err, &re) || re.Username != "alice" || re.IdP != "127.0.0.1" {
		t.Fatalf("error %#v, want RejectedError for alice at 127.0.0.1", err)
	}
	if f.posts != 1 || calls.Load() != 1 || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("posts %d, password calls %d, error %q", f.posts, calls.Load(), err)
	}
}

func TestStartRefused(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   []string
	}{
		{404, `{"status":404}`, []string{testWorkflow, "permission", "workflow_id"}},
		{400, `{"status":400,"message":"Parameter 'username' is required\nstack"}`, []string{"Parameter 'username' is required"}},
		{500, ``, []string{"HTTP 500"}},
	} {
		f := newFake(t, "alice", "pw")
		f.status, f.startBody = tc.status, tc.body
		p, _ := testProvider()
		var calls atomic.Int32
		_, err := p.Assertion(t.Context(), input(f.srv.URL, "alice", "pw", nil, &calls, nil))
		var ue *provider.UnexpectedPageError
		if !errors.As(err, &ue) || ue.Status != tc.status {
			t.Fatalf("HTTP %d: error %#v, want UnexpectedPageError", tc.status, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("HTTP %d: error %q lacks %q", tc.status, err, w)
			}
		}
		if strings.Contains(err.Error(), "stack") || f.polls != 0 {
			t.Errorf("HTTP %d: error %q, %d polls", tc.status, err, f.polls)
		}
	}
}

func TestMissingOutputListsNames(t *testing.T) {
	f := newFake(t, "alice", "pw")
	f.detail = `{"state":"completed","output-parameters":[{"name":"result","value":{"string":{"value":"ok"}}},{"name":"assertionXml","value":{"string":{"value":"secret-ish"}}}]}`
	p, _ := testProvider()
	var calls atomic.Int32
	_, err := p.Assertion(t.Context(), input(f.srv.URL, "alice", "pw", nil, &calls, nil))
	var ue *provider.UnexpectedPageError
	if !errors.As(err, &ue) {
		t.Fatalf("error %#v, want UnexpectedPageError", err)
	}
	for _, w := range []string{"samlResponse", "result, assertionXml", "output_param"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if strings.Contains(err.Error(), "secret-ish") {
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
	f := newFake(t, "alice", "pw")
	f.states = []string{"running"}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f.onPoll = func(n int) {
		if n == 3 {
			cancel()
		}
	}
	p, _ := testProvider()
	var calls atomic.Int32
	_, err := p.Assertion(ctx, input(f.srv.URL, "alice", "pw", nil, &calls, nil))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if f.polls != 3 {
		t.Fatalf("%d polls after cancel at the third", f.polls)
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
