package vro

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

const (
	testWorkflow = "0a1b2c3d-4e5f"
	testExecID   = "ff00ee11"
	testSAML     = "PHNhbWxwOlJlc3BvbnNlPg=="
)

// fakeVRO is a strict vRO: any request that a real server would refuse, or
// that differs from the documented shape, is recorded as a failure.
type fakeVRO struct {
	t          *testing.T
	srv        *httptest.Server
	user, pw   string
	wantParams []param
	states     []string // answers of successive state polls; the last repeats
	detail     string   // JSON of GET …/executions/<id>/
	location   string   // Location of the start answer; "" means absolute URL
	status     int      // status of the start answer; 0 means 202
	startBody  string
	onPoll     func(n int)

	mu     sync.Mutex
	posts  int
	polls  int
	bodies [][]byte
	errs   []string
}

func (f *fakeVRO) execPath() string {
	return "/vco/api/workflows/" + testWorkflow + "/executions/" + testExecID + "/"
}

func newFake(t *testing.T, user, pw string) *fakeVRO {
	f := &fakeVRO{t: t, user: user, pw: pw, states: []string{"completed"},
		detail:     `{"state":"completed","output-parameters":[{"name":"samlResponse","type":"string","scope":"local","value":{"string":{"value":"` + testSAML + `"}}}]}`,
		wantParams: []param{stringParam("username", user), secureParam("password", pw)},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.srv.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, e := range f.errs {
			t.Errorf("fake vRO: %s", e)
		}
	})
	return f
}

func (f *fakeVRO) fail(w http.ResponseWriter, format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
	http.Error(w, `{"message":"bad request"}`, http.StatusBadRequest)
}

func (f *fakeVRO) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Accept") != "application/json" {
		f.fail(w, "%s %s: Accept %q", r.Method, r.URL.Path, r.Header.Get("Accept"))
		return
	}
	if r.URL.RawQuery != "" {
		f.fail(w, "unexpected query %q", r.URL.RawQuery)
		return
	}
	user, pw, ok := r.BasicAuth()
	if !ok {
		f.fail(w, "%s %s without Basic auth", r.Method, r.URL.Path)
		return
	}
	if r.Method == http.MethodPost {
		f.posts++
	}
	if user != f.user || pw != f.pw {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/vco/api/workflows/"+testWorkflow+"/executions/":
		f.start(w, r)
	case r.Method == http.MethodGet && r.URL.Path == f.execPath()+"state":
		f.polls++
		st := f.states[min(f.polls, len(f.states))-1]
		if f.onPoll != nil {
			f.onPoll(f.polls)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"value":%q}`, st)
	case r.Method == http.MethodGet && r.URL.Path == f.execPath():
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, f.detail)
	default:
		f.fail(w, "unexpected %s %s", r.Method, r.URL.Path)
	}
}

func (f *fakeVRO) start(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Content-Type") != "application/json" {
		f.fail(w, "POST Content-Type %q", r.Header.Get("Content-Type"))
		return
	}
	raw, _ := io.ReadAll(r.Body)
	f.bodies = append(f.bodies, raw)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var got struct {
		Parameters []param `json:"parameters"`
	}
	if err := dec.Decode(&got); err != nil {
		f.fail(w, "body: %v", err)
		return
	}
	for _, p := range got.Parameters {
		want := map[string]string{"string": "string", "SecureString": "secure-string"}[p.Type]
		if want == "" || p.Scope != "local" || len(p.Value) != 1 {
			f.fail(w, "malformed parameter %s (type %q, scope %q, %d values)", p.Name, p.Type, p.Scope, len(p.Value))
			return
		}
		if _, ok := p.Value[want]; !ok {
			f.fail(w, "parameter %s of type %s has no %s value", p.Name, p.Type, want)
			return
		}
		if p.Value[want].Value == f.pw && p.Type != "SecureString" {
			f.fail(w, "the password went in a %s parameter", p.Type)
			return
		}
	}
	if !reflect.DeepEqual(got.Parameters, f.wantParams) {
		f.fail(w, "parameters\n got %+v\nwant %+v", got.Parameters, f.wantParams)
		return
	}
	if f.status != 0 && f.status != http.StatusAccepted {
		w.WriteHeader(f.status)
		io.WriteString(w, f.startBody)
		return
	}
	loc := f.location
	if loc == "" {
		loc = f.srv.URL + f.execPath()
	}
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusAccepted)
}

// fakeClock advances only when the provider sleeps.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
	onTick func(n int)
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func testProvider() (*Provider, *fakeClock) {
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	return &Provider{sleep: c.sleep, now: c.now}, c
}

// input returns an Input whose Password answers pw and counts its calls.
func input(url, user, pw string, settings map[string]string, calls *atomic.Int32, log io.Writer) *provider.Input {
	if settings == nil {
		settings = map[string]string{}
	}
	if _, ok := settings[SettingWorkflowID]; !ok {
		settings[SettingWorkflowID] = testWorkflow
	}
	return &provider.Input{
		IdP: "test", URL: url, Username: user, Settings: settings,
		Password: func(context.Context) (string, error) {
			calls.Add(1)
			return pw, nil
		},
		HTTP:   &http.Client{},
		Prompt: &prompt.Stub{},
		Debug:  debug.New(log),
	}
}
