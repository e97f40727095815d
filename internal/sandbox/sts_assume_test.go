package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestAssumeRoleWithSAMLSuccess(t *testing.T) {
	clk := newClock()
	s := start(t, Options{Now: clk.Now, MaxSession: 2 * time.Hour})
	for _, tt := range []struct {
		name     string
		opts     ResponseOptions
		role     string
		duration string
		lifetime time.Duration
	}{
		{"default", ResponseOptions{User: "demo"}, "Dev", "", time.Hour},
		{"the other role, 2h", ResponseOptions{User: "demo"}, "Admin", "7200", 2 * time.Hour},
		{"provider first in the Role value", ResponseOptions{User: "demo", Roles: []string{ProviderARN() + "," + RoleARN("Ops")}}, "Ops", "900", 15 * time.Minute},
		{"regional audience", ResponseOptions{User: "demo", Audience: "https://eu-west-1.signin.aws.amazon.com/saml", Recipient: "https://eu-west-1.signin.aws.amazon.com/saml"}, "Dev", "", time.Hour},
		{"ACS URL as audience", ResponseOptions{User: "demo", Audience: "https://signin.aws.amazon.com/saml"}, "Dev", "", time.Hour},
		{"issued 4 minutes ago", ResponseOptions{User: "demo", IssueInstant: clk.Now().Add(-4 * time.Minute)}, "Dev", "", time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b64, err := s.IssueResponse(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			form := assumeForm(RoleARN(tt.role), ProviderARN(), b64)
			if tt.duration != "" {
				form.Set("DurationSeconds", tt.duration)
			}
			r := postSTS(t, s, form)
			if r.status != http.StatusOK || r.contentType != "text/xml" {
				t.Fatalf("HTTP %d %s %s: %s", r.status, r.contentType, r.code, r.msg)
			}
			var out assumeResultXML
			if err := xml.Unmarshal([]byte(r.body), &out); err != nil {
				t.Fatal(err)
			}
			res, c := out.Result, out.Result.Credentials
			checks := []struct {
				what string
				ok   bool
			}{
				{"AccessKeyId " + c.AccessKeyID, regexp.MustCompile(`^ASIA[A-Z0-9]{16}$`).MatchString(c.AccessKeyID)},
				{"SecretAccessKey length", len(c.SecretAccessKey) == 40},
				{"SessionToken length", len(c.SessionToken) > 200},
				{"Expiration " + c.Expiration, c.Expiration == clk.Now().Add(tt.lifetime).UTC().Format(time.RFC3339)},
				{"Arn " + res.AssumedRoleUser.Arn, res.AssumedRoleUser.Arn == "arn:aws:sts::123456789012:assumed-role/"+tt.role+"/demo@sandbox.example"},
				{"AssumedRoleId " + res.AssumedRoleUser.AssumedRoleID, regexp.MustCompile(`^AROA[A-Z0-9]{17}:demo@sandbox\.example$`).MatchString(res.AssumedRoleUser.AssumedRoleID)},
				{"Audience " + res.Audience, res.Audience == tt.opts.Recipient || tt.opts.Recipient == "" && res.Audience == "https://signin.aws.amazon.com/saml"},
				{"Issuer " + res.Issuer, res.Issuer == s.entityID},
				{"Subject " + res.Subject, res.Subject == s.persistentID("demo")},
				{"SubjectType " + res.SubjectType, res.SubjectType == "persistent"},
				{"NameQualifier " + res.NameQualifier, res.NameQualifier == wantNameQualifier(s.entityID, Account, ProviderName)},
				{"no PackedPolicySize", res.PackedPolicySize == nil},
				{"RequestId", len(out.RequestID) == 36},
			}
			for _, ch := range checks {
				if !ch.ok {
					t.Errorf("%s: wrong", ch.what)
				}
			}
		})
	}
}

func wantNameQualifier(issuer, account, provider string) string {
	h := sha1.New()
	h.Write([]byte(issuer + account + "/" + provider))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func TestAssumeRoleWithSAMLRejections(t *testing.T) {
	clk := newClock()
	s := start(t, Options{Now: clk.Now})
	foreign, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := clk.Now()
	tests := []struct {
		name   string
		opts   ResponseOptions
		form   func(url.Values)
		status int
		code   string
		msg    string
	}{
		{"unsigned", ResponseOptions{Unsigned: true}, nil, 400, "InvalidIdentityToken", "Response signature invalid"},
		{"signed with a foreign key", ResponseOptions{SignWith: foreign}, nil, 400, "InvalidIdentityToken", "Response signature invalid"},
		{"tampered after signing", ResponseOptions{Tamper: true}, nil, 400, "InvalidIdentityToken", "Response signature invalid"},
		{"wrong audience", ResponseOptions{Audience: "https://evil.example/saml"}, nil, 403, "IDPRejectedClaim", "Audience"},
		{"wrong recipient", ResponseOptions{Recipient: "https://evil.example/saml"}, nil, 403, "IDPRejectedClaim", "Recipient"},
		{"look-alike recipient", ResponseOptions{Recipient: "https://signin.aws.amazon.com.evil.example/saml"}, nil, 403, "IDPRejectedClaim", "Recipient"},
		{"expired NotOnOrAfter", ResponseOptions{NotOnOrAfter: now.Add(-time.Second)}, nil, 400, "ExpiredTokenException", "Response has expired"},
		{"issued 6 minutes ago", ResponseOptions{IssueInstant: now.Add(-6 * time.Minute)}, nil, 400, "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance"},
		{"role not in the assertion", ResponseOptions{Roles: []string{RoleARN("Dev") + "," + ProviderARN()}}, func(v url.Values) { v.Set("RoleArn", RoleARN("Admin")) }, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"},
		{"role of another account", ResponseOptions{Roles: []string{"arn:aws:iam::999999999999:role/Dev," + ProviderARN()}}, func(v url.Values) { v.Set("RoleArn", "arn:aws:iam::999999999999:role/Dev") }, 403, "AccessDenied", "Not authorized"},
		{"RoleSessionName too short", ResponseOptions{RoleSessionName: "a"}, nil, 403, "IDPRejectedClaim", "RoleSessionName"},
		{"RoleSessionName with a space", ResponseOptions{RoleSessionName: "bad name"}, nil, 403, "IDPRejectedClaim", "RoleSessionName"},
		{"RoleSessionName too long", ResponseOptions{RoleSessionName: strings.Repeat("n", 65)}, nil, 403, "IDPRejectedClaim", "RoleSessionName"},
		{"RoleSessionName missing", ResponseOptions{OmitRoleSessionName: true}, nil, 403, "IDPRejectedClaim", "RoleSessionName is required in AuthnResponse"},
		{"duration too short", ResponseOptions{}, func(v url.Values) { v.Set("DurationSeconds", "899") }, 400, "ValidationError", "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"duration too long", ResponseOptions{}, func(v url.Values) { v.Set("DurationSeconds", "43201") }, 400, "ValidationError", "Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"duration not a number", ResponseOptions{}, func(v url.Values) { v.Set("DurationSeconds", "1h") }, 400, "ValidationError", "'durationSeconds'"},
		{"duration above the role's maximum", ResponseOptions{}, func(v url.Values) { v.Set("DurationSeconds", "3601") }, 400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{"RoleArn too short", ResponseOptions{}, func(v url.Values) { v.Set("RoleArn", "arn:aws:iam::1:r/x") }, 400, "ValidationError", "at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{"two problems", ResponseOptions{}, func(v url.Values) { v.Del("RoleArn"); v.Set("PrincipalArn", strings.Repeat("p", 2049)) }, 400, "ValidationError", "2 validation errors detected: Value null at 'roleArn'"},
		{"assertion too short", ResponseOptions{}, func(v url.Values) { v.Set("SAMLAssertion", "abc") }, 400, "ValidationError", "at 'sAMLAssertion' failed to satisfy constraint: Member must have length greater than or equal to 4"},
		{"assertion too long", ResponseOptions{}, func(v url.Values) { v.Set("SAMLAssertion", strings.Repeat("A", 100001)) }, 400, "ValidationError", "sAMLAssertion"},
		{"principal is a role", ResponseOptions{}, func(v url.Values) { v.Set("PrincipalArn", RoleARN("Dev")) }, 400, "ValidationError", "Principal ARN is invalid"},
		{"role is a provider", ResponseOptions{}, func(v url.Values) { v.Set("RoleArn", ProviderARN()) }, 400, "ValidationError", "Request ARN is invalid"},
		{"unknown provider", ResponseOptions{}, func(v url.Values) { v.Set("PrincipalArn", "arn:aws:iam::123456789012:saml-provider/Other") }, 400, "InvalidIdentityToken", "Issuer not present in specified provider"},
		{"sandbox provider in another account", ResponseOptions{}, func(v url.Values) { v.Set("PrincipalArn", "arn:aws:iam::999999999999:saml-provider/Sandbox") }, 400, "InvalidIdentityToken", ""},
		{"not base64", ResponseOptions{}, func(v url.Values) { v.Set("SAMLAssertion", "not base64!") }, 400, "InvalidIdentityToken", ""},
		{"not XML", ResponseOptions{}, func(v url.Values) { v.Set("SAMLAssertion", base64.StdEncoding.EncodeToString([]byte("<a><b></a>"))) }, 400, "InvalidIdentityToken", ""},
		{"not a Response", ResponseOptions{}, func(v url.Values) { v.Set("SAMLAssertion", base64.StdEncoding.EncodeToString([]byte("<Response/>"))) }, 400, "InvalidIdentityToken", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.User = "demo"
			b64, err := s.IssueResponse(o)
			if err != nil {
				t.Fatal(err)
			}
			form := assumeForm(RoleARN("Dev"), ProviderARN(), b64)
			if tt.form != nil {
				tt.form(form)
			}
			r := postSTS(t, s, form)
			if r.status != tt.status || r.code != tt.code || !strings.Contains(r.msg, tt.msg) {
				t.Errorf("got %d %s %q, want %d %s %q", r.status, r.code, r.msg, tt.status, tt.code, tt.msg)
			}
			if strings.Contains(r.body, b64[:40]) || strings.Contains(r.body, "AAAAAAAAAA") {
				t.Errorf("the error quotes the assertion: %s", r.body)
			}
			wantBody := regexp.MustCompile(`^<ErrorResponse xmlns="https://sts\.amazonaws\.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>\w+</Code><Message>[^<]*</Message></Error><RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$`)
			if !wantBody.MatchString(r.body) || r.contentType != "text/xml" {
				t.Errorf("error body %s (%s) is not STS's shape", r.body, r.contentType)
			}
		})
	}
}

func TestTrustedForeignProvider(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := selfSigned(key, "corp IdP", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, Options{Trust: []Trust{{Name: "Corp", Cert: cert}}})
	const role, corp = "arn:aws:iam::999999999999:role/Dev", "arn:aws:iam::999999999999:saml-provider/Corp"
	foreign, err := s.IssueResponse(ResponseOptions{User: "alice", Roles: []string{role + "," + corp}, SignWith: key})
	if err != nil {
		t.Fatal(err)
	}
	r := postSTS(t, s, assumeForm(role, corp, foreign))
	if r.status != http.StatusOK || !strings.Contains(r.body, "<Arn>arn:aws:sts::999999999999:assumed-role/Dev/alice@sandbox.example</Arn>") {
		t.Fatalf("Corp response: %d %s %s\n%s", r.status, r.code, r.msg, r.body)
	}
	// Each provider trusts only its own certificate.
	if r := postSTS(t, s, assumeForm(RoleARN("Dev"), ProviderARN(), foreign)); r.code != "InvalidIdentityToken" {
		t.Errorf("Corp's response accepted for the sandbox provider: %d %s", r.status, r.code)
	}
	own, err := s.IssueResponse(ResponseOptions{User: "demo", Roles: []string{role + "," + corp}})
	if err != nil {
		t.Fatal(err)
	}
	if r := postSTS(t, s, assumeForm(role, corp, own)); r.code != "InvalidIdentityToken" || r.msg != "Response signature invalid" {
		t.Errorf("the sandbox's response accepted for Corp: %d %s %s", r.status, r.code, r.msg)
	}
}

func TestSTSQueryProtocol(t *testing.T) {
	s := start(t, Options{})
	b64, err := s.IssueResponse(ResponseOptions{User: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		form   url.Values
		status int
		code   string
	}{
		{"unknown action", url.Values{"Action": {"Frobnicate"}, "Version": {"2011-06-15"}}, 400, "InvalidAction"},
		{"wrong version", url.Values{"Action": {"AssumeRoleWithSAML"}, "Version": {"2011-06-16"}}, 400, "InvalidAction"},
		{"no version", url.Values{"Action": {"GetCallerIdentity"}}, 400, "MissingParameter"},
		{"no action", url.Values{"Version": {"2011-06-15"}}, 400, "MissingAction"},
		{"real action the sandbox lacks", url.Values{"Action": {"GetSessionToken"}, "Version": {"2011-06-15"}}, 400, "InvalidAction"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := postSTS(t, s, tt.form)
			if r.status != tt.status || r.code != tt.code {
				t.Errorf("got %d %s %q, want %d %s", r.status, r.code, r.msg, tt.status, tt.code)
			}
		})
	}
	t.Run("GET with query parameters", func(t *testing.T) {
		resp, err := http.Get(s.STSURL + "?" + assumeForm(RoleARN("Dev"), ProviderARN(), b64).Encode())
		if err != nil {
			t.Fatal(err)
		}
		if r := readReply(t, resp); r.status != http.StatusOK {
			t.Errorf("HTTP %d %s %s", r.status, r.code, r.msg)
		}
	})
	if _, sts := s.Counts(); sts != 6 {
		t.Errorf("STS requests = %d, want 6", sts)
	}
}

// The test knob shortens the keys' life whatever DurationSeconds asked for,
// and GetCallerIdentity refuses the keys once that life is over.
func TestCredentialLifetimeKnob(t *testing.T) {
	clk := newClock()
	s := start(t, Options{Now: clk.Now, CredentialLifetime: 20 * time.Second})
	b64, err := s.IssueResponse(ResponseOptions{User: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	form := assumeForm(RoleARN("Dev"), ProviderARN(), b64)
	form.Set("DurationSeconds", "3600")
	r := postSTS(t, s, form)
	if r.status != http.StatusOK {
		t.Fatalf("HTTP %d %s: %s", r.status, r.code, r.msg)
	}
	var out assumeResultXML
	if err := xml.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatal(err)
	}
	if got, want := out.Result.Credentials.Expiration, clk.Now().Add(20*time.Second).UTC().Format(time.RFC3339); got != want {
		t.Errorf("Expiration %s, want %s", got, want)
	}
}
