package oktatest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

type client struct {
	t   *testing.T
	s   *Server
	jar http.CookieJar
}

func newClient(t *testing.T, opts Options) (*client, *Clock) {
	clk := NewClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	s := New(opts)
	t.Cleanup(s.Close)
	jar, _ := cookiejar.New(nil)
	return &client{t: t, s: s, jar: jar}, clk
}

// post sends body as JSON to path and decodes the answer.
func (c *client) post(path string, body any) (int, map[string]any) {
	c.t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, c.s.URL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	return c.do(req)
}

func (c *client) form(path string, v url.Values) (int, map[string]any) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.s.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) do(req *http.Request) (int, map[string]any) {
	c.t.Helper()
	resp, err := (&http.Client{Jar: c.jar}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// get fetches path and returns the final status and page.
func (c *client) get(path string) (int, string) {
	c.t.Helper()
	resp, err := (&http.Client{Jar: c.jar}).Get(c.s.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (c *client) noViolations() {
	c.t.Helper()
	if v := c.s.Violations(); len(v) != 0 {
		c.t.Errorf("violations: %q", v)
	}
}

func verifyHref(t *testing.T, f any) string {
	t.Helper()
	return strings.TrimPrefix(f.(map[string]any)["_links"].(map[string]any)["verify"].(map[string]any)["href"].(string), "http://")
}

func path(s *Server, href string) string { return strings.TrimPrefix("http://"+href, s.URL) }

func TestPasswordOnlyThenEmbedLinkAndSession(t *testing.T) {
	c, _ := newClient(t, Options{Users: map[string]User{"alice": {Password: "pw"}}})
	code, a := c.post("/api/v1/authn", map[string]string{"username": "alice", "password": "pw"})
	if code != 200 || a["status"] != "SUCCESS" || a["sessionToken"] == "" {
		t.Fatalf("%d %v", code, a)
	}
	tok := a["sessionToken"].(string)
	if code, page := c.get("/home/amazon_aws/0oa1awsapp/272?sessionToken=" + tok); code != 200 || !strings.Contains(page, `name="SAMLResponse"`) || !strings.Contains(page, Placeholder) {
		t.Fatalf("embed link: %d\n%s", code, page)
	}
	// The token is one-time; the sid cookie now serves the link.
	if code, page := c.get("/home/amazon_aws/0oa1awsapp/272"); code != 200 || !strings.Contains(page, Placeholder) {
		t.Errorf("embed link with the session cookie: %d\n%s", code, page)
	}
	if code, me := c.do(mustReq(http.MethodGet, c.s.URL+"/api/v1/sessions/me")); code != 200 || me["login"] != "alice" {
		t.Errorf("sessions/me %d %v", code, me)
	}
	c.s.RevokeSessions()
	if _, page := c.get("/home/amazon_aws/0oa1awsapp/272"); strings.Contains(page, "SAMLResponse") {
		t.Error("a revoked session still serves the app")
	}
	jar, _ := cookiejar.New(nil)
	c.jar = jar
	if _, page := c.get("/home/amazon_aws/0oa1awsapp/272?sessionToken=" + tok); strings.Contains(page, "SAMLResponse") {
		t.Error("a session token served twice")
	}
	if code, _ := c.get("/home/amazon_aws/0oaother/272"); code != 404 {
		t.Errorf("unknown app: %d", code)
	}
	c.noViolations()
	if n := c.s.Counts(); n.Authn != 1 || n.Embed != 5 || n.SessionsMe != 1 {
		t.Errorf("counts %+v", n)
	}
}

func mustReq(method, u string) *http.Request {
	r, _ := http.NewRequest(method, u, nil)
	return r
}

func TestWrongPasswordTwiceIsAViolation(t *testing.T) {
	c, _ := newClient(t, Options{Users: map[string]User{"alice": {Password: "pw"}}})
	for i := 0; i < 2; i++ {
		code, a := c.post("/api/v1/authn", map[string]string{"username": "alice", "password": "nope"})
		if code != 401 || a["errorCode"] != "E0000004" {
			t.Fatalf("%d %v", code, a)
		}
	}
	if v := c.s.Violations(); len(v) != 1 || !strings.Contains(v[0], "sent again") {
		t.Errorf("violations %q", v)
	}
}

func TestPushWithNumberChallenge(t *testing.T) {
	push := Factor{Type: "push", Number: 42, ApproveAfter: 10 * time.Second}
	c, clk := newClient(t, Options{Users: map[string]User{"alice": {Password: "pw", Factors: []Factor{push, {Type: "token:software:totp", Code: "123456"}}}}})
	_, a := c.post("/api/v1/authn", map[string]string{"username": "alice", "password": "pw"})
	if a["status"] != "MFA_REQUIRED" {
		t.Fatalf("%v", a)
	}
	st := a["stateToken"].(string)
	factors := a["_embedded"].(map[string]any)["factors"].([]any)
	verify := path(c.s, verifyHref(t, factors[0]))
	_, a = c.post(verify, map[string]string{"stateToken": st})
	if a["factorResult"] != "WAITING" {
		t.Fatalf("%v", a)
	}
	n := a["_embedded"].(map[string]any)["factor"].(map[string]any)["_embedded"].(map[string]any)["challenge"].(map[string]any)["correctAnswer"]
	if n != float64(42) {
		t.Errorf("correctAnswer %v", n)
	}
	polls := 0
	for a["status"] != "SUCCESS" && polls < 20 {
		clk.Add(2 * time.Second)
		_, a = c.post(verify, map[string]string{"stateToken": st})
		polls++
	}
	if polls != 5 || a["sessionToken"] == nil {
		t.Errorf("approved after %d polls: %v", polls, a)
	}
	c.noViolations()
	if n := c.s.Counts(); n.Pushes != 1 || n.Polls != 5 {
		t.Errorf("counts %+v", n)
	}
}

func TestPushViolations(t *testing.T) {
	c, _ := newClient(t, Options{Users: map[string]User{"alice": {Password: "pw", Factors: []Factor{{Type: "push"}}}}})
	_, a := c.post("/api/v1/authn", map[string]string{"username": "alice", "password": "pw"})
	st := a["stateToken"].(string)
	verify := path(c.s, verifyHref(t, a["_embedded"].(map[string]any)["factors"].([]any)[0]))
	c.post(verify, map[string]string{"stateToken": st})
	c.post(verify, map[string]string{"stateToken": st}) // at once: too fast
	c.post(verify, map[string]string{})                 // no state token
	c.post(verify+"/resend", map[string]string{"stateToken": st})
	v := strings.Join(c.s.Violations(), "\n")
	for _, want := range []string{"after the previous call (at least 1s)", "no stateToken", "a second push"} {
		if !strings.Contains(v, want) {
			t.Errorf("violations lack %q:\n%s", want, v)
		}
	}
}

func TestPushRejectedAndTimeout(t *testing.T) {
	for _, f := range []Factor{{Type: "push", Reject: true}, {Type: "push", TimeOut: true}} {
		c, clk := newClient(t, Options{Users: map[string]User{"alice": {Password: "pw", Factors: []Factor{f}}}})
		_, a := c.post("/api/v1/authn", map[string]string{"username": "alice", "password": "pw"})
		st := a["stateToken"].(string)
		verify := path(c.s, verifyHref(t, a["_embedded"].(map[string]any)["factors"].([]any)[0]))
		c.post(verify, map[string]string{"stateToken": st})
		clk.Add(time.Second)
		_, a = c.post(verify, map[string]string{"stateToken": st})
		want := map[bool]string{true: "REJECTED", false: "TIMEOUT"}[f.Reject]
		if a["factorResult"] != want {
			t.Errorf("%v, want %s", a, want)
		}
		c.noViolations()
	}
}

func TestCodesSMSAndExpiredState(t *testing.T) {
	sms := Factor{Type: "sms", Code: "580392"}
	c, _ := newClient(t, Options{ExpireStates: 1, Users: map[string]User{"alice": {Password: "pw", Factors: []Factor{sms}}}})
	_, a := c.post("/api/v1/authn", map[string]string{"username": "alice", "password": "pw"})
	verify := path(c.s, verifyHref(t, a["_embedded"].(map[string]any)["factors"].([]any)[0]))
	if code, e := c.post(verify, map[string]string{"stateToken": a["stateToken"].(string)}); code != 401 || e["errorCode"] != "E0000011" {
		t.Fatalf("expired state: %d %v", code, e)
	}
	_, a = c.post("/api/v1/authn", map[string]string{"username": "alice", "password": "pw"})
	st := a["stateToken"].(string)
	if _, a := c.post(verify, map[string]string{"stateToken": st}); a["factorResult"] != "CHALLENGE" {
		t.Fatalf("send: %v", a)
	}
	if code, e := c.post(verify, map[string]string{"stateToken": st, "passCode": "111111"}); code != 403 || e["errorCode"] != "E0000068" {
		t.Errorf("wrong code: %d %v", code, e)
	}
	if _, a := c.post(verify, map[string]string{"stateToken": st, "passCode": sms.Code}); a["status"] != "SUCCESS" {
		t.Errorf("right code: %v", a)
	}
	c.noViolations()
	if n := c.s.Counts(); n.Authn != 2 || n.Verify != 4 || n.Sent != 1 {
		t.Errorf("counts %+v", n)
	}
}

func TestStatusesAndRateLimit(t *testing.T) {
	c, _ := newClient(t, Options{RateLimited: 1, Users: map[string]User{
		"locked": {Password: "pw", LockedOut: true}, "expired": {Password: "pw", PasswordExpired: true}}})
	req := func(user string) (int, map[string]any) {
		return c.post("/api/v1/authn", map[string]string{"username": user, "password": "pw"})
	}
	if code, a := req("locked"); code != 429 || a["errorCode"] != "E0000047" {
		t.Errorf("rate limited: %d %v", code, a)
	}
	if _, a := req("locked"); a["status"] != "LOCKED_OUT" {
		t.Errorf("%v", a)
	}
	if _, a := req("expired"); a["status"] != "PASSWORD_EXPIRED" {
		t.Errorf("%v", a)
	}
	c.noViolations()
}

func TestMalformedRequests(t *testing.T) {
	c, _ := newClient(t, Options{Users: map[string]User{"alice": {Password: "pw"}}})
	c.post("/api/v1/authn", map[string]any{"username": "alice", "password": "pw", "extra": 1})
	req, _ := http.NewRequest(http.MethodPost, c.s.URL+"/api/v1/authn", strings.NewReader(`{"username":"alice","password":"pw"}`))
	req.Header.Set("Content-Type", "text/plain")
	c.do(req)
	if n := len(c.s.Violations()); n != 2 {
		t.Errorf("violations %q", c.s.Violations())
	}
}

func TestDeviceFlow(t *testing.T) {
	c, clk := newClient(t, Options{IdentityEngine: true, DeviceApprove: 7 * time.Second, Users: map[string]User{"alice": {Password: "pw"}}})
	if code, wk := c.do(mustReq(http.MethodGet, c.s.URL+"/.well-known/okta-organization")); code != 200 || wk["pipeline"] != "idx" {
		t.Fatalf("%d %v", code, wk)
	}
	code, d := c.form("/oauth2/v1/device/authorize", url.Values{"client_id": {"0oadevice"}, "scope": {"openid okta.apps.sso"}})
	if code != 200 || d["user_code"] != UserCode {
		t.Fatalf("%d %v", code, d)
	}
	poll := url.Values{"grant_type": {GrantDevice}, "client_id": {"0oadevice"}, "device_code": {d["device_code"].(string)}}
	var tok map[string]any
	for i := 0; i < 3 && code != 200 || i == 0; i++ {
		clk.Add(5 * time.Second)
		code, tok = c.form("/oauth2/v1/token", poll)
		if i == 0 && (code != 400 || tok["error"] != "authorization_pending") {
			t.Errorf("first poll: %d %v", code, tok)
		}
	}
	if code != 200 || tok["id_token"] == nil {
		t.Fatalf("%d %v", code, tok)
	}
	code, ex := c.form("/oauth2/v1/token", url.Values{"grant_type": {GrantTokenExchange}, "client_id": {"0oadevice"},
		"actor_token": {tok["access_token"].(string)}, "actor_token_type": {TypeAccessToken},
		"subject_token": {tok["id_token"].(string)}, "subject_token_type": {TypeIDToken},
		"audience": {"urn:okta:apps:0oa1awsapp"}, "requested_token_type": {TypeWebSSO}})
	if code != 200 || ex["issued_token_type"] != TypeWebSSO {
		t.Fatalf("%d %v", code, ex)
	}
	if code, page := c.get("/login/token/sso?token=" + url.QueryEscape(ex["access_token"].(string))); code != 200 || !strings.Contains(page, Placeholder) {
		t.Errorf("token/sso %d\n%s", code, page)
	}
	c.noViolations()
	// Polling faster than the interval is flagged.
	_, d = c.form("/oauth2/v1/device/authorize", url.Values{"client_id": {"0oadevice"}, "scope": {"openid okta.apps.sso"}})
	poll.Set("device_code", d["device_code"].(string))
	c.form("/oauth2/v1/token", poll)
	c.form("/oauth2/v1/token", poll)
	if v := c.s.Violations(); len(v) != 1 || !strings.Contains(v[0], "interval") {
		t.Errorf("violations %q", v)
	}
}

func TestIdentityEngineEmbedLinkAndStepUp(t *testing.T) {
	c, _ := newClient(t, Options{IdentityEngine: true, Users: map[string]User{"alice": {Password: "pw"}}})
	_, a := c.post("/api/v1/authn", map[string]string{"username": "alice", "password": "pw"})
	if _, page := c.get("/home/amazon_aws/0oa1awsapp/272?sessionToken=" + a["sessionToken"].(string)); !strings.Contains(page, `"stateToken":"02.`) {
		t.Errorf("no Identity Engine sign-in page:\n%s", page)
	}
	c2, _ := newClient(t, Options{Users: map[string]User{"alice": {Password: "pw", StepUp: true, Factors: []Factor{{Type: "token:software:totp", Code: "123456"}}}}})
	_, a = c2.post("/api/v1/authn", map[string]string{"username": "alice", "password": "pw"})
	_, page := c2.get("/home/amazon_aws/0oa1awsapp/272?sessionToken=" + a["sessionToken"].(string))
	i := strings.Index(page, "stateToken = '")
	if i < 0 {
		t.Fatalf("no step-up page:\n%s", page)
	}
	st := page[i+len("stateToken = '"):]
	st = strings.ReplaceAll(st[:strings.Index(st, "'")], `\x2D`, "-") // Okta escapes '-' in its pages
	_, a = c2.post("/api/v1/authn", map[string]string{"stateToken": st})
	if a["status"] != "MFA_REQUIRED" {
		t.Fatalf("%v", a)
	}
	verify := path(c2.s, verifyHref(t, a["_embedded"].(map[string]any)["factors"].([]any)[0]))
	_, a = c2.post(verify, map[string]string{"stateToken": st, "passCode": "123456"})
	if _, page := c2.get("/home/amazon_aws/0oa1awsapp/272?sessionToken=" + a["sessionToken"].(string)); !strings.Contains(page, Placeholder) {
		t.Errorf("after step-up:\n%s", page)
	}
	c.noViolations()
	c2.noViolations()
}
