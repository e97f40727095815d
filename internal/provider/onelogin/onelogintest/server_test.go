package onelogintest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// call posts body to the fake and returns the status and message.
func call(t *testing.T, s *Server, method, path, ctype, auth, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e struct {
		Message string `json:"message"`
		Data    string `json:"data"`
		State   string `json:"state_token"`
	}
	json.Unmarshal(raw, &e)
	switch {
	case e.State != "":
		return resp.StatusCode, e.State
	case e.Data != "":
		return resp.StatusCode, e.Data
	}
	return resp.StatusCode, e.Message
}

const jsonType = "application/json"

var basic = "Basic " + base64.StdEncoding.EncodeToString([]byte("client-id:client-secret"))

func newFake(t *testing.T) (*Server, string) {
	s := New(Options{Users: map[string]User{
		"bob":   {Password: "pw", Devices: []Device{{ID: 1, Type: "Google Authenticator", Code: "123456"}, {ID: 2, Type: "OneLogin Protect", Code: "9"}}},
		"carol": {Password: "pw"},
	}})
	t.Cleanup(s.Close)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/auth/oauth2/v2/token", strings.NewReader(`{"grant_type":"client_credentials"}`))
	req.Header.Set("Content-Type", jsonType)
	req.Header.Set("Authorization", basic)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("no token: %v", err)
	}
	return s, "bearer:" + tok.AccessToken
}

func TestFakeRejectsMalformed(t *testing.T) {
	const login = `{"username_or_email":"bob","password":"pw","app_id":"123456","subdomain":"acme"}`
	for _, tc := range []struct {
		name                string
		method, path, ctype string
		auth                string // "B" = the valid bearer
		body                string
		status              int
		msg                 string // part of the answer's message
	}{
		{"GET token", "GET", "/auth/oauth2/v2/token", jsonType, basic, ``, 400, "only POST"},
		{"token without auth", "POST", "/auth/oauth2/v2/token", jsonType, "", `{"grant_type":"client_credentials"}`, 400, "Authorization"},
		{"token bearer auth", "POST", "/auth/oauth2/v2/token", jsonType, "Bearer x", `{"grant_type":"client_credentials"}`, 400, "Authorization"},
		{"token grant", "POST", "/auth/oauth2/v2/token", jsonType, basic, `{"grant_type":"password"}`, 400, "grant_type"},
		{"token form body", "POST", "/auth/oauth2/v2/token", "application/x-www-form-urlencoded", basic, `grant_type=client_credentials`, 400, "Content-Type"},
		{"token extra field", "POST", "/auth/oauth2/v2/token", jsonType, basic, `{"grant_type":"client_credentials","scope":"x"}`, 400, "unknown field"},
		{"unknown path", "POST", "/api/1/saml_assertion", jsonType, "B", login, 400, "no such endpoint"},
		{"no content type", "POST", "/api/2/saml_assertion", "", "B", login, 400, "Content-Type"},
		{"Bearer with space", "POST", "/api/2/saml_assertion", jsonType, "Bearer tok", login, 400, "bearer:<token>"},
		{"no auth", "POST", "/api/2/saml_assertion", jsonType, "", login, 400, "bearer:<token>"},
		{"app_id number", "POST", "/api/2/saml_assertion", jsonType, "B", `{"username_or_email":"bob","password":"pw","app_id":123456,"subdomain":"acme"}`, 400, `"app_id" has the wrong type`},
		{"missing subdomain", "POST", "/api/2/saml_assertion", jsonType, "B", `{"username_or_email":"bob","password":"pw","app_id":"123456"}`, 400, `"subdomain" is missing`},
		{"unknown field", "POST", "/api/2/saml_assertion", jsonType, "B", `{"username_or_email":"bob","password":"pw","app_id":"123456","subdomain":"acme","otp":"1"}`, 400, "unknown field"},
		{"not json", "POST", "/api/2/saml_assertion", jsonType, "B", `username_or_email=bob`, 400, "not a JSON object"},
		{"two objects", "POST", "/api/2/saml_assertion", jsonType, "B", login + login, 400, "after the JSON object"},
		{"query", "POST", "/api/2/saml_assertion?x=1", jsonType, "B", login, 400, "query"},
		{"unknown state", "POST", "/api/2/saml_assertion/verify_factor", jsonType, "B", `{"app_id":"123456","device_id":"1","state_token":"made-up","otp_token":"1"}`, 401, "State token is invalid or expired"},
		{"do_not_notify string", "POST", "/api/2/saml_assertion/verify_factor", jsonType, "B", `{"app_id":"123456","device_id":"1","state_token":"x","do_not_notify":"true"}`, 400, "wrong type"},
		{"device_id float", "POST", "/api/2/saml_assertion/verify_factor", jsonType, "B", `{"app_id":"123456","device_id":1.5,"state_token":"x"}`, 400, "wrong type"},
	} {
		s, bearer := newFake(t)
		auth := tc.auth
		if auth == "B" {
			auth = bearer
		}
		status, msg := call(t, s, tc.method, tc.path, tc.ctype, auth, tc.body)
		if status != tc.status || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: HTTP %d %q, want %d %q", tc.name, status, msg, tc.status, tc.msg)
		}
		if v := s.Violations(); len(v) != 1 {
			t.Errorf("%s: violations %q, want one", tc.name, v)
		}
	}
}

func TestFakeAccepts(t *testing.T) {
	s, bearer := newFake(t)
	// The docs' other client authentication form, and a charset.
	status, _ := call(t, s, "POST", "/auth/oauth2/v2/token", "application/json; charset=utf-8", "client_id:client-id, client_secret:client-secret", `{"grant_type":"client_credentials"}`)
	if status != 200 {
		t.Fatalf("token: HTTP %d", status)
	}
	status, data := call(t, s, "POST", "/api/2/saml_assertion", jsonType, bearer, `{"username_or_email":"carol","password":"pw","app_id":"123456","subdomain":"acme","ip_address":"10.0.0.1"}`)
	if status != 200 || data != Placeholder {
		t.Fatalf("login: HTTP %d %q", status, data)
	}
	status, state := call(t, s, "POST", "/api/2/saml_assertion", jsonType, bearer, `{"username_or_email":"bob","password":"pw","app_id":"123456","subdomain":"acme"}`)
	if status != 200 || state == "" {
		t.Fatalf("MFA login: HTTP %d", status)
	}
	// device_id as the number OneLogin lists.
	status, data = call(t, s, "POST", "/api/2/saml_assertion/verify_factor", jsonType, bearer, `{"app_id":"123456","device_id":1,"state_token":"`+state+`","otp_token":"123456"}`)
	if status != 200 || data != Placeholder {
		t.Fatalf("verify: HTTP %d %q", status, data)
	}
	if v := s.Violations(); len(v) != 0 {
		t.Fatalf("violations %q", v)
	}
}

func TestFakeFlagsClientMistakes(t *testing.T) {
	const bobLogin = `{"username_or_email":"bob","password":"pw","app_id":"123456","subdomain":"acme"}`
	for _, tc := range []struct {
		name  string
		steps func(t *testing.T, s *Server, bearer, state string) (int, string)
		want  string
	}{
		{"blank OTP", func(t *testing.T, s *Server, b, st string) (int, string) {
			return call(t, s, "POST", "/api/2/saml_assertion/verify_factor", jsonType, b, `{"app_id":"123456","device_id":"1","state_token":"`+st+`"}`)
		}, "OTP token blank"},
		{"poll before push", func(t *testing.T, s *Server, b, st string) (int, string) {
			return call(t, s, "POST", "/api/2/saml_assertion/verify_factor", jsonType, b, `{"app_id":"123456","device_id":"2","state_token":"`+st+`","do_not_notify":true}`)
		}, "pending"},
		{"second push", func(t *testing.T, s *Server, b, st string) (int, string) {
			call(t, s, "POST", "/api/2/saml_assertion/verify_factor", jsonType, b, `{"app_id":"123456","device_id":"2","state_token":"`+st+`","do_not_notify":false}`)
			return call(t, s, "POST", "/api/2/saml_assertion/verify_factor", jsonType, b, `{"app_id":"123456","device_id":"2","state_token":"`+st+`"}`)
		}, "pending"},
		{"foreign device", func(t *testing.T, s *Server, b, st string) (int, string) {
			return call(t, s, "POST", "/api/2/saml_assertion/verify_factor", jsonType, b, `{"app_id":"123456","device_id":"7","state_token":"`+st+`","otp_token":"1"}`)
		}, "not a device"},
		{"password again after refusal", func(t *testing.T, s *Server, b, _ string) (int, string) {
			call(t, s, "POST", "/api/2/saml_assertion", jsonType, b, `{"username_or_email":"carol","password":"wrong","app_id":"123456","subdomain":"acme"}`)
			return call(t, s, "POST", "/api/2/saml_assertion", jsonType, b, `{"username_or_email":"carol","password":"pw","app_id":"123456","subdomain":"acme"}`)
		}, ""},
		{"callback_url", func(t *testing.T, s *Server, b, st string) (int, string) {
			req, _ := http.NewRequestWithContext(t.Context(), "POST", s.decoy.URL+"/api/2/saml_assertion/verify_factor", strings.NewReader(`{}`))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode, "callback_url"
		}, "callback_url"},
	} {
		s, bearer := newFake(t)
		_, state := call(t, s, "POST", "/api/2/saml_assertion", jsonType, bearer, bobLogin)
		_, msg := tc.steps(t, s, bearer, state)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s: answer %q lacks %q", tc.name, msg, tc.want)
		}
		if v := s.Violations(); len(v) != 1 {
			t.Errorf("%s: violations %q, want one", tc.name, v)
		}
	}
}

func TestFakeRevokedToken(t *testing.T) {
	s, bearer := newFake(t)
	s.RevokeTokens()
	status, msg := call(t, s, "POST", "/api/2/saml_assertion", jsonType, bearer, `{"username_or_email":"carol","password":"pw","app_id":"123456","subdomain":"acme"}`)
	if status != 401 || msg != "Authentication Failure" || len(s.Violations()) != 0 {
		t.Fatalf("HTTP %d %q, violations %q", status, msg, s.Violations())
	}
}
