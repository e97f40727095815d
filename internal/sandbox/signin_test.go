package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
)

// noRedirect is how awsfed talks to the federation endpoint: an API.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func getSigninToken(t *testing.T, s *Sandbox, session map[string]string, duration string) (int, string) {
	t.Helper()
	js, _ := json.Marshal(session)
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(js)}}
	if duration != "" {
		q.Set("SessionDuration", duration)
	}
	resp, err := noRedirect.Get(s.SigninURL + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return resp.StatusCode, string(b)
	}
	var out struct{ SigninToken string }
	if err := json.Unmarshal(b, &out); err != nil || out.SigninToken == "" {
		t.Fatalf("getSigninToken answer %q: %v", b, err)
	}
	return 200, out.SigninToken
}

func loginURL(s *Sandbox, token, dest string) string {
	return s.SigninURL + "?" + url.Values{"Action": {"login"}, "Issuer": {"https://awsfed.invalid/"}, "Destination": {dest}, "SigninToken": {token}}.Encode()
}

func TestFederationEndpoint(t *testing.T) {
	clk := newClock()
	s := start(t, Options{Now: clk.Now})
	c := assume(t, s).Result.Credentials
	good := map[string]string{"sessionId": c.AccessKeyID, "sessionKey": c.SecretAccessKey, "sessionToken": c.SessionToken}

	status, tok := getSigninToken(t, s, good, "3600")
	if status != 200 {
		t.Fatalf("getSigninToken: %d %s", status, tok)
	}
	resp, err := noRedirect.Get(loginURL(s, tok, "https://console.aws.amazon.com/ec2/home?region=eu-west-1"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "https://console.aws.amazon.com/ec2/home?region=eu-west-1" {
		t.Errorf("login: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	bad := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range good {
			m[a] = b
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, tt := range []struct {
		name     string
		session  map[string]string
		duration string
	}{
		{"wrong secret", bad("sessionKey", "nope"), ""},
		{"wrong token", bad("sessionToken", "nope"), ""},
		{"unknown key id", bad("sessionId", "ASIAXXXXXXXXXXXXXXXX"), ""},
		{"no token", bad("sessionToken", ""), ""},
		{"extra key", bad("other", "x"), ""},
		{"duration too short", good, "899"},
		{"duration too long", good, "43201"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if status, body := getSigninToken(t, s, tt.session, tt.duration); status != 400 {
				t.Errorf("got %d %s, want 400", status, body)
			} else if strings.Contains(body, c.SecretAccessKey) || strings.Contains(body, c.SessionToken) {
				t.Errorf("the error repeats a secret")
			}
		})
	}

	for _, tt := range []struct{ name, token, dest string }{
		{"unknown token", "nope", "https://console.aws.amazon.com/"},
		{"not a console", tok, "https://evil.example/"},
		{"console look-alike", tok, "https://console.aws.amazon.com.evil.example/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := noRedirect.Get(loginURL(s, tt.token, tt.dest))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Errorf("got %d, want 400", resp.StatusCode)
			}
		})
	}

	// A token is good for 15 minutes.
	clk.Add(16 * time.Minute)
	resp, err = noRedirect.Get(loginURL(s, tok, "https://console.aws.amazon.com/"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("a 16-minute-old token: %d", resp.StatusCode)
	}
	// Expired keys get no token.
	clk.Add(time.Hour)
	if status, _ := getSigninToken(t, s, good, ""); status != 400 {
		t.Errorf("expired keys: %d", status)
	}
	a := s.STSActions()
	if a["signin getSigninToken ok"] != 1 || a["signin login ok"] != 1 {
		t.Errorf("counted %v", a)
	}
}

// Keys from role chaining get a token only without SessionDuration, as AWS
// answers 400 when it is sent.
func TestFederationRefusesSessionDurationForChainedKeys(t *testing.T) {
	s := start(t, Options{})
	c := assume(t, s).Result.Credentials
	out, err := sdkWith(s, c.AccessKeyID, c.SecretAccessKey, c.SessionToken).AssumeRole(context.Background(),
		&awssts.AssumeRoleInput{RoleArn: aws.String(AccountRoleARN(ProdAccount, "Admin")), RoleSessionName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	k := out.Credentials
	chained := map[string]string{"sessionId": aws.ToString(k.AccessKeyId), "sessionKey": aws.ToString(k.SecretAccessKey), "sessionToken": aws.ToString(k.SessionToken)}
	if status, body := getSigninToken(t, s, chained, "3600"); status != 400 {
		t.Errorf("chained keys with SessionDuration: %d %s", status, body)
	}
	if status, body := getSigninToken(t, s, chained, ""); status != 200 {
		t.Errorf("chained keys without SessionDuration: %d %s", status, body)
	}
}

func TestLogoutFollowsOnlyItsOwnLoginLinks(t *testing.T) {
	s := start(t, Options{})
	base := strings.TrimSuffix(s.SigninURL, federationPath)
	own := loginURL(s, "t", "https://console.aws.amazon.com/")
	for _, tt := range []struct {
		next   string
		status int
	}{
		{own, http.StatusFound},
		{"https://evil.example/federation?Action=login", http.StatusBadRequest},
	} {
		resp, err := noRedirect.Get(base + logoutPath + "?Action=logout&redirect_uri=" + url.QueryEscape(tt.next))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("redirect_uri %s: %d, want %d", tt.next, resp.StatusCode, tt.status)
		}
	}
}

func postACS(t *testing.T, s *Sandbox, samlResponse string) (int, string) {
	t.Helper()
	acs := strings.TrimSuffix(s.SigninURL, federationPath) + acsPath
	resp, err := noRedirect.PostForm(acs, url.Values{"SAMLResponse": {samlResponse}, "RelayState": {""}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRoleSelectionPage(t *testing.T) {
	for _, layout := range []string{RolePageHTML, RolePageData} {
		t.Run(layout, func(t *testing.T) {
			s := start(t, Options{RolePage: layout})
			resp, err := s.IssueResponse(ResponseOptions{User: "team"})
			if err != nil {
				t.Fatal(err)
			}
			status, page := postACS(t, s, resp)
			if status != 200 {
				t.Fatalf("%d %s", status, page)
			}
			var names []string
			switch layout {
			case RolePageHTML:
				for _, m := range regexp.MustCompile(`<div class="saml-account-name">Account: ([^<]+)</div>`).FindAllStringSubmatch(page, -1) {
					names = append(names, m[1])
				}
				if !strings.Contains(page, `<label for="arn:aws:iam::`+ProdAccount+`:role/ReadOnly"`) {
					t.Errorf("no label for the ReadOnly role:\n%s", page)
				}
			case RolePageData:
				m := regexp.MustCompile(`<meta name="data" content="([^"]+)">`).FindStringSubmatch(page)
				if m == nil {
					t.Fatalf("no data meta:\n%s", page)
				}
				raw, err := base64.StdEncoding.DecodeString(m[1])
				if err != nil {
					t.Fatal(err)
				}
				var data struct {
					RolesAccounts map[string][]string `json:"roles_accounts"`
				}
				if err := json.Unmarshal(raw, &data); err != nil {
					t.Fatal(err)
				}
				for k := range data.RolesAccounts {
					names = append(names, k)
				}
			}
			want := "sandbox-prod (" + ProdAccount + ")"
			found := false
			for _, n := range names {
				found = found || n == want
			}
			if len(names) != 3 || !found {
				t.Errorf("accounts %q, want three with %q", names, want)
			}
		})
	}
	s := start(t, Options{})
	// One role: AWS signs in at once.
	one, _ := s.IssueResponse(ResponseOptions{User: "demo", Roles: []string{RoleARN("Dev") + "," + ProviderARN()}})
	if status, _ := postACS(t, s, one); status != http.StatusFound {
		t.Errorf("one role: %d, want a redirect to the console", status)
	}
	// A response the provider did not sign, or an expired one, is refused.
	unsigned, _ := s.IssueResponse(ResponseOptions{User: "demo", Unsigned: true})
	if status, _ := postACS(t, s, unsigned); status != 400 {
		t.Errorf("unsigned: %d", status)
	}
	old, _ := s.IssueResponse(ResponseOptions{User: "demo", IssueInstant: time.Now().Add(-10 * time.Minute), NotOnOrAfter: time.Now().Add(-5 * time.Minute)})
	if status, _ := postACS(t, s, old); status != 400 {
		t.Errorf("expired: %d", status)
	}
}
