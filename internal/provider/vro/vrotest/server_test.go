package vrotest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

const (
	jsonType = "application/json"
	goodBody = `{"parameters":[{"name":"username","type":"string","scope":"local","value":{"string":{"value":"alice"}}},` +
		`{"name":"password","type":"SecureString","scope":"local","value":{"secure-string":{"value":"pw"}}}]}`
)

// req is one request to the fake; empty fields take the well-formed value.
type req struct {
	method, path  string
	accept, ctype string // "-" = no header
	user, pw      string // user "-" = no Basic auth
	body          string
}

func (q req) do(t *testing.T, s *Server) (int, string, http.Header) {
	t.Helper()
	method := q.method
	if method == "" {
		method = http.MethodPost
	}
	path := q.path
	if path == "" {
		path = workflowsPath + DefaultWorkflowID + "/executions/"
	}
	body := q.body
	if body == "" && method == http.MethodPost {
		body = goodBody
	}
	r, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		r.Body, r.ContentLength = http.NoBody, 0
	}
	header := func(k, v, def string) {
		switch v {
		case "-":
		case "":
			r.Header.Set(k, def)
		default:
			r.Header.Set(k, v)
		}
	}
	header("Accept", q.accept, jsonType)
	if method == http.MethodPost {
		header("Content-Type", q.ctype, jsonType)
	}
	user, pw := q.user, q.pw
	if user == "" {
		user, pw = "alice", "pw"
	}
	if user != "-" {
		r.SetBasicAuth(user, pw)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e struct {
		Message string `json:"message"`
		Value   string `json:"value"`
	}
	json.Unmarshal(raw, &e)
	return resp.StatusCode, e.Message + e.Value, resp.Header
}

func newFake(t *testing.T, opts Options) *Server {
	if opts.Users == nil {
		opts.Users = map[string]string{"alice": "pw"}
	}
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}

// start starts an execution and returns its path.
func start(t *testing.T, s *Server) string {
	t.Helper()
	status, msg, h := req{}.do(t, s)
	if status != http.StatusAccepted || h.Get("Location") == "" {
		t.Fatalf("start: HTTP %d %q, Location %q", status, msg, h.Get("Location"))
	}
	return strings.TrimPrefix(h.Get("Location"), s.URL)
}

func TestFakeRejectsMalformed(t *testing.T) {
	param := func(name, typ, key, v string) string {
		return `{"name":"` + name + `","type":"` + typ + `","scope":"local","value":{"` + key + `":{"value":"` + v + `"}}}`
	}
	user := param("username", "string", "string", "alice")
	pw := param("password", "SecureString", "secure-string", "pw")
	body := func(ps ...string) string { return `{"parameters":[` + strings.Join(ps, ",") + `]}` }
	for _, tc := range []struct {
		name string
		q    req
		msg  string
	}{
		{"no Basic auth", req{user: "-"}, "no HTTP Basic auth"},
		{"no Accept", req{accept: "-"}, "Accept"},
		{"Accept XML", req{accept: "application/xml"}, "Accept"},
		{"form body", req{ctype: "application/x-www-form-urlencoded"}, "Content-Type"},
		{"query", req{path: workflowsPath + DefaultWorkflowID + "/executions/?async=true"}, "query"},
		{"no trailing slash", req{path: workflowsPath + DefaultWorkflowID + "/executions"}, "no such endpoint"},
		{"PUT", req{method: http.MethodPut}, "no such endpoint"},
		{"not JSON", req{body: "username=alice"}, "syntax error"},
		{"two objects", req{body: goodBody + goodBody}, "data after"},
		{"no parameters", req{body: `{}`}, "no parameters"},
		{"unknown top field", req{body: `{"parameters":[],"async":true}`}, `unknown field "async"`},
		{"unknown param field", req{body: body(user, strings.Replace(pw, `"scope"`, `"description":"x","scope"`, 1))}, `unknown field "description"`},
		{"password as string", req{body: body(user, param("password", "string", "string", "pw"))}, "rather than a SecureString"},
		{"password in another input", req{body: body(user, pw, param("note", "string", "string", "pw"))}, "rather than a SecureString"},
		{"SecureString with a string value", req{body: body(user, param("password", "SecureString", "string", "pw"))}, `not {"secure-string"`},
		{"unknown type", req{body: body(user, param("password", "Password", "secure-string", "pw"))}, "neither string nor SecureString"},
		{"scope token", req{body: body(strings.Replace(user, `"local"`, `"token"`, 1), pw)}, "scope token"},
		{"no scope", req{body: body(strings.Replace(user, `"scope":"local",`, ``, 1), pw)}, "lacks name, type, scope or value"},
		{"twice", req{body: body(user, user, pw)}, "appears twice"},
		{"missing password", req{body: body(user)}, "missing inputs: password"},
		{"unexpected input", req{body: body(user, pw, param("domain", "string", "string", "corp"))}, "unknown inputs: domain"},
		{"username not the Basic user", req{body: body(param("username", "string", "string", "bob"), pw)}, `the Basic auth user "alice"`},
		{"password not the Basic one", req{body: body(user, param("password", "SecureString", "secure-string", "other"))}, "differs from the Basic auth password"},
		{"GET with a body", req{method: http.MethodGet, path: workflowsPath + DefaultWorkflowID + "/executions/x/state", body: "{}"}, "a GET with a body"},
		{"poll of an unknown execution", req{method: http.MethodGet, path: workflowsPath + DefaultWorkflowID + "/executions/made-up/state"}, "never handed out"},
		{"read of an unknown execution", req{method: http.MethodGet, path: workflowsPath + DefaultWorkflowID + "/executions/made-up/"}, "never handed out"},
		{"other path", req{method: http.MethodGet, path: "/vco/api/about"}, "no such endpoint"},
	} {
		s := newFake(t, Options{})
		status, msg, _ := tc.q.do(t, s)
		if status != http.StatusBadRequest || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: HTTP %d %q, want 400 %q", tc.name, status, msg, tc.msg)
		}
		if v := s.Violations(); len(v) != 1 {
			t.Errorf("%s: violations %q, want one", tc.name, v)
		}
		if strings.Contains(msg, `"pw"`) || strings.Contains(msg, "other") && tc.name == "password not the Basic one" {
			t.Errorf("%s: the answer quotes the password: %q", tc.name, msg)
		}
	}
}

func TestFakeRunsWorkflow(t *testing.T) {
	s := newFake(t, Options{
		Users:  map[string]string{"alice": "pw"},
		Inputs: map[string]string{"domain": "corp"}, Polls: 2, PendingState: "waiting",
		OtherOutputs: []Output{{"result", "ok"}},
		Assertion:    func(u string) (string, error) { return "saml-for-" + u, nil },
	})
	body := strings.Replace(goodBody, `]}`, `,{"name":"domain","type":"string","scope":"local","value":{"string":{"value":"corp"}}}]}`, 1)
	status, _, h := req{body: body, ctype: "application/json; charset=utf-8"}.do(t, s)
	if status != http.StatusAccepted {
		t.Fatalf("start: HTTP %d, violations %q", status, s.Violations())
	}
	exec := strings.TrimPrefix(h.Get("Location"), s.URL)
	if got := s.Executions(); len(got) != 1 || got[0] != s.URL+exec {
		t.Fatalf("executions %q, Location %q", got, exec)
	}
	var states []string
	for range 4 {
		_, st, _ := req{method: http.MethodGet, path: exec + "state"}.do(t, s)
		states = append(states, st)
	}
	if want := "waiting waiting completed completed"; strings.Join(states, " ") != want {
		t.Errorf("states %q, want %s", states, want)
	}
	r, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+exec, nil)
	r.Header.Set("Accept", jsonType)
	r.SetBasicAuth("alice", "pw")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var detail struct {
		State   string `json:"state"`
		Outputs []struct {
			Name  string                       `json:"name"`
			Value map[string]map[string]string `json:"value"`
		} `json:"output-parameters"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&detail); err != nil {
		t.Fatal(err)
	}
	if detail.State != "completed" || len(detail.Outputs) != 2 || detail.Outputs[1].Name != "samlResponse" ||
		detail.Outputs[1].Value["string"]["value"] != "saml-for-alice" || detail.Outputs[0].Value["string"]["value"] != "ok" {
		t.Errorf("detail %+v", detail)
	}
	if c := s.Counts(); c != (Counts{Starts: 1, Polls: 4, Details: 1}) {
		t.Errorf("counts %+v", c)
	}
	if v := s.Violations(); len(v) != 0 {
		t.Errorf("violations %q", v)
	}
}

func TestFakeFailedAndCanceled(t *testing.T) {
	for _, tc := range []struct {
		opts      Options
		state     string
		exception string
	}{
		{Options{Final: Failed, Exception: "not in group"}, "failed", "not in group"},
		{Options{Final: Canceled}, "canceled", ""},
		{Options{NeverEnds: true, Polls: 0, PendingState: "waiting-signal"}, "waiting-signal", ""},
	} {
		s := newFake(t, tc.opts)
		exec := start(t, s)
		_, st, _ := req{method: http.MethodGet, path: exec + "state"}.do(t, s)
		r, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+exec, nil)
		r.Header.Set("Accept", jsonType)
		r.SetBasicAuth("alice", "pw")
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		var detail struct {
			State     string `json:"state"`
			Exception string `json:"content-exception"`
			Outputs   []any  `json:"output-parameters"`
		}
		json.NewDecoder(resp.Body).Decode(&detail)
		resp.Body.Close()
		if st != tc.state || detail.State != tc.state || detail.Exception != tc.exception || len(detail.Outputs) != 0 {
			t.Errorf("%s: state %q, detail %+v", tc.state, st, detail)
		}
		if v := s.Violations(); len(v) != 0 {
			t.Errorf("%s: violations %q", tc.state, v)
		}
	}
}

// Refusals a real vRO gives are answers, not violations; a password sent
// again after a refusal is one.
func TestFakeRefusals(t *testing.T) {
	s := newFake(t, Options{})
	if status, _, _ := (req{path: workflowsPath + "other/executions/"}).do(t, s); status != http.StatusNotFound {
		t.Fatalf("unknown workflow: HTTP %d", status)
	}
	if status, _, h := (req{pw: "wrong", user: "alice", body: strings.Replace(goodBody, `"pw"`, `"wrong"`, 1)}).do(t, s); status != http.StatusUnauthorized || h.Get("WWW-Authenticate") == "" {
		t.Fatalf("wrong password: HTTP %d", status)
	}
	if v := s.Violations(); len(v) != 0 {
		t.Fatalf("violations %q", v)
	}
	if status, _, _ := (req{}).do(t, s); status != http.StatusAccepted {
		t.Fatalf("right password after a refusal: HTTP %d", status)
	}
	if v := s.Violations(); len(v) != 1 || !strings.Contains(v[0], "sent again for alice") {
		t.Fatalf("violations %q, want the retried password", v)
	}

	s2 := newFake(t, Options{StartStatus: http.StatusInternalServerError, StartBody: `{"message":"boom"}`})
	if status, msg, _ := (req{}).do(t, s2); status != 500 || msg != "boom" || len(s2.Violations()) != 0 {
		t.Fatalf("StartStatus: HTTP %d %q, violations %q", status, msg, s2.Violations())
	}

	// Another user may not read alice's execution.
	s3 := newFake(t, Options{Users: map[string]string{"alice": "pw", "bob": "pw2"}})
	exec := start(t, s3)
	if status, msg, _ := (req{method: http.MethodGet, path: exec + "state", user: "bob", pw: "pw2"}).do(t, s3); status != 400 || !strings.Contains(msg, "bob reads the execution alice started") {
		t.Fatalf("foreign poll: HTTP %d %q", status, msg)
	}
}

func TestFakeRelativeLocation(t *testing.T) {
	s := newFake(t, Options{RelativeLocation: true})
	_, _, h := req{}.do(t, s)
	loc := h.Get("Location")
	if ex := s.Executions(); len(ex) != 1 || !strings.HasSuffix(ex[0], "/executions/"+loc) || strings.Count(loc, "/") != 1 {
		t.Fatalf("Location %q, executions %q: want <id>/", loc, ex)
	}
}
