package sts

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
)

const (
	roleARN     = "arn:aws:iam::123456789012:role/Dev"
	providerARN = "arn:aws:iam::123456789012:saml-provider/IdP"
)

// assertion stands for a real base64 SAMLResponse; it must never appear in
// an error.
var assertion = base64.StdEncoding.EncodeToString([]byte(`<samlp:Response>SECRET-ASSERTION-CONTENT</samlp:Response>`))

func TestAssumeRoleWithSAML(t *testing.T) {
	for variant := range assumeSuccessXML {
		t.Run("layout "+string(rune('0'+variant)), func(t *testing.T) {
			f := newFakeSTS(t)
			f.variant = variant
			res, err := f.client().AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			want := AssumeResult{
				Credentials: Credentials{
					AccessKeyID: fakeAccessKey, SecretAccessKey: fakeSecretKey, SessionToken: fakeToken,
					Expiration: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), Partition: "aws",
				},
				AssumedRoleARN: "arn:aws:sts::123456789012:assumed-role/Dev/alice@example.org",
				Subject:        "alice@example.org", Issuer: "https://idp.example.org/", Audience: "https://signin.aws.amazon.com/saml",
			}
			if !res.Expiration.Equal(want.Expiration) {
				t.Errorf("Expiration = %v, want %v", res.Expiration, want.Expiration)
			}
			res.Expiration = want.Expiration
			if *res != want {
				t.Errorf("got  %+v\nwant %+v", *res, want)
			}
			form := f.last()
			for k, v := range map[string]string{"RoleArn": roleARN, "PrincipalArn": providerARN, "SAMLAssertion": assertion, "DurationSeconds": "3600"} {
				if got := form.Get(k); got != v {
					t.Errorf("request %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestAssumeRoleWithSAMLDefaultDurationIsLeftToAWS(t *testing.T) {
	f := newFakeSTS(t)
	if _, err := f.client().AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, 0); err != nil {
		t.Fatal(err)
	}
	if _, sent := f.last()["DurationSeconds"]; sent {
		t.Errorf("DurationSeconds sent for duration 0: %q", f.last().Get("DurationSeconds"))
	}
}

func TestAssumeRoleWithSAMLIgnoresUserEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENTKEY00")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "environment-secret")
	t.Setenv("AWS_SESSION_TOKEN", "environment-token")
	t.Setenv("AWS_PROFILE", "nonexistent")
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_REGION", "eu-west-3")
	f := newFakeSTS(t)
	// The fake fails the test on an Authorization header; reaching it at all
	// shows the endpoint variables were ignored.
	if _, err := f.client().AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, 0); err != nil {
		t.Fatal(err)
	}
	if f.count() != 1 {
		t.Fatalf("fake saw %d requests, want 1", f.count())
	}
}

func TestAssumeRoleWithSAMLErrors(t *testing.T) {
	tests := []struct {
		code, message string
		status        int
		rejected      bool
		causeHas      string
	}{
		{"AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 403, true, "trust policy"},
		{"IDPRejectedClaim", "Response signature invalid", 403, true, "metadata"},
		{"IDPRejectedClaim", "RoleSessionName is required in AuthnResponse", 403, true, "RoleSessionName"},
		{"InvalidIdentityToken", "Issuer not present in specified provider", 400, true, "malformed"},
		{"ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance", 400, true, "log in again"},
		{"ExpiredToken", "Response has expired", 400, true, "clock"},
		{"ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400, false, "MaxSessionDuration"},
		{"RegionDisabledException", "STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console.", 403, false, "global endpoint"},
		{"MalformedPolicyDocument", "The policy is not in the valid JSON format.", 400, false, "policy"},
		{"PackedPolicyTooLarge", "Serialized token too large for session", 400, false, "PrincipalTag"},
		{"SomethingNew", "Brand new failure", 400, false, fakeRequestID},
	}
	for _, tt := range tests {
		t.Run(tt.code+" "+tt.message, func(t *testing.T) {
			f := newFakeSTS(t)
			f.queue(fakeErr{tt.status, tt.code, tt.message})
			_, err := f.client().AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, 0)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not *Error", err, err)
			}
			if e.Op != "AssumeRoleWithSAML" || e.Code != tt.code || e.Message != tt.message || e.Status != tt.status || e.RequestID != fakeRequestID {
				t.Errorf("got %+v", *e)
			}
			if want := "aws sts AssumeRoleWithSAML: " + tt.code + ": " + tt.message; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
			if c := e.Cause(); c == "" || !strings.Contains(c, tt.causeHas) {
				t.Errorf("Cause() = %q, want it to mention %q", c, tt.causeHas)
			}
			if e.Rejected() != tt.rejected {
				t.Errorf("Rejected() = %v, want %v", e.Rejected(), tt.rejected)
			}
			if f.count() != 1 {
				t.Errorf("%s was sent %d times; it must not be retried", tt.code, f.count())
			}
			if strings.Contains(err.Error(), assertion) || strings.Contains(e.Cause(), assertion) {
				t.Error("error text holds the assertion")
			}
		})
	}
}

func TestIsDurationTooLong(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&Error{Code: "ValidationError", Message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."}, true},
		{&Error{Code: "ValidationError", Message: "1 validation error detected: Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"}, true},
		{&Error{Code: "ValidationError", Message: "1 validation error detected: Value at 'roleArn' failed to satisfy constraint"}, false},
		{&Error{Code: "AccessDenied", Message: "DurationSeconds"}, false},
		{errors.New("ValidationError: DurationSeconds"), false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := IsDurationTooLong(tt.err); got != tt.want {
			t.Errorf("IsDurationTooLong(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestDurationAboveRoleMaximum(t *testing.T) {
	f := newFakeSTS(t)
	f.maxSession = 3600
	_, err := f.client().AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, 2*time.Hour)
	if !IsDurationTooLong(err) {
		t.Fatalf("error %v: IsDurationTooLong = false", err)
	}
	var e *Error
	if errors.As(err, &e); e.Status != 400 || !strings.Contains(e.Cause(), "MaxSessionDuration") {
		t.Errorf("got %+v, cause %q", e, e.Cause())
	}
	if _, err := f.client().AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, time.Hour); err != nil {
		t.Errorf("retry with 1h: %v", err)
	}
}

func TestLocalValidation(t *testing.T) {
	tests := []struct {
		name                      string
		role, provider, assertion string
		duration                  time.Duration
		wantErr                   string
		wantDurationTooLong       bool
	}{
		{"empty role", "", providerARN, assertion, 0, "the role ARN \"\" is not an ARN", false},
		{"role name only", "Dev", providerARN, assertion, 0, "is not an ARN", false},
		{"no provider", roleARN, "", assertion, 0, "the SAML provider ARN \"\" is not an ARN", false},
		{"short assertion", roleARN, providerARN, "abc", 0, "the SAML assertion is 3 characters long", false},
		{"huge assertion", roleARN, providerARN, strings.Repeat("A", 100004), 0, "the SAML assertion is 100004 characters long", false},
		{"too short", roleARN, providerARN, assertion, 5 * time.Minute, "DurationSeconds 300 is outside 900 to 43200", true},
		{"too long", roleARN, providerARN, assertion, 13 * time.Hour, "DurationSeconds 46800 is outside 900 to 43200", true},
		{"negative", roleARN, providerARN, assertion, -time.Hour, "is outside 900 to 43200", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSTS(t)
			_, err := f.client().AssumeRoleWithSAML(context.Background(), tt.role, tt.provider, tt.assertion, tt.duration)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if IsDurationTooLong(err) != tt.wantDurationTooLong {
				t.Errorf("IsDurationTooLong = %v", !tt.wantDurationTooLong)
			}
			if f.count() != 0 {
				t.Errorf("%d requests sent for input refused locally", f.count())
			}
		})
	}
}

func TestRetries(t *testing.T) {
	unavailable := fakeErr{503, "ServiceUnavailable", "Service is unavailable"}
	t.Run("transient failure retried once", func(t *testing.T) {
		f := newFakeSTS(t)
		f.queue(unavailable)
		if _, err := f.client().AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, 0); err != nil {
			t.Fatal(err)
		}
		if f.count() != 2 {
			t.Errorf("%d requests, want 2", f.count())
		}
	})
	t.Run("at most two attempts", func(t *testing.T) {
		f := newFakeSTS(t)
		f.queue(unavailable, unavailable, unavailable)
		_, err := f.client().AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, 0)
		var e *Error
		if !errors.As(err, &e) || e.Code != "ServiceUnavailable" || e.Status != 503 || e.Rejected() {
			t.Fatalf("error %v, want ServiceUnavailable 503", err)
		}
		if f.count() != 2 {
			t.Errorf("%d requests, want 2", f.count())
		}
	})
}

func TestGetCallerIdentity(t *testing.T) {
	tests := []struct {
		name        string
		region      string
		partition   string
		wantSigning string
	}{
		{"global", "", "", "us-east-1"},
		{"regional", "eu-west-1", "", "eu-west-1"},
		{"china from the assumed role", "", "aws-cn", "cn-north-1"},
		{"region of another partition ignored", "eu-west-1", "aws-us-gov", "us-gov-west-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSTS(t)
			f.signingRegion = tt.wantSigning
			c := f.client()
			c.Region = tt.region
			id, err := c.GetCallerIdentity(context.Background(), Credentials{
				AccessKeyID: fakeAccessKey, SecretAccessKey: fakeSecretKey, SessionToken: fakeToken, Partition: tt.partition,
			})
			if err != nil {
				t.Fatal(err)
			}
			want := Identity{Account: "123456789012", ARN: "arn:aws:sts::123456789012:assumed-role/Dev/alice@example.org", UserID: "AROAEXAMPLEID123456:alice@example.org"}
			if *id != want {
				t.Errorf("got %+v, want %+v", *id, want)
			}
			if f.last().Get("Action") != "GetCallerIdentity" {
				t.Errorf("Action = %q", f.last().Get("Action"))
			}
		})
	}
}

func TestGetCallerIdentityErrors(t *testing.T) {
	f := newFakeSTS(t)
	f.queue(fakeErr{403, "InvalidClientTokenId", "The security token included in the request is invalid."})
	_, err := f.client().GetCallerIdentity(context.Background(), Credentials{AccessKeyID: fakeAccessKey, SecretAccessKey: fakeSecretKey, SessionToken: fakeToken})
	var e *Error
	if !errors.As(err, &e) || e.Op != "GetCallerIdentity" || e.Code != "InvalidClientTokenId" || e.Status != 403 {
		t.Fatalf("error %v", err)
	}
	if strings.Contains(err.Error(), fakeSecretKey) || strings.Contains(err.Error(), fakeToken) {
		t.Error("error holds a secret")
	}
	if _, err := f.client().GetCallerIdentity(context.Background(), Credentials{}); err == nil {
		t.Error("GetCallerIdentity without keys succeeded")
	}
}

func TestEndpointAndSigningRegion(t *testing.T) {
	tests := []struct {
		partition, region string
		endpoint, signing string
	}{
		{"aws", "", "https://sts.amazonaws.com", "us-east-1"},
		{"", "", "https://sts.amazonaws.com", "us-east-1"},
		{"aws", "aws-global", "https://sts.amazonaws.com", "us-east-1"},
		{"aws", "us-east-1", "https://sts.us-east-1.amazonaws.com", "us-east-1"},
		{"aws", "eu-west-1", "https://sts.eu-west-1.amazonaws.com", "eu-west-1"},
		{"aws", " EU-West-1 ", "https://sts.eu-west-1.amazonaws.com", "eu-west-1"},
		{"aws", "cn-north-1", "https://sts.amazonaws.com", "us-east-1"},
		{"aws-cn", "", "https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"aws-cn", "cn-northwest-1", "https://sts.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
		{"aws-cn", "eu-west-1", "https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"aws-us-gov", "", "https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
		{"aws-us-gov", "us-gov-east-1", "https://sts.us-gov-east-1.amazonaws.com", "us-gov-east-1"},
		{"aws-iso", "us-iso-east-1", "https://sts.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
		{"aws-iso", "", "", ""},
	}
	for _, tt := range tests {
		if got := Endpoint(tt.partition, tt.region); got != tt.endpoint {
			t.Errorf("Endpoint(%q, %q) = %q, want %q", tt.partition, tt.region, got, tt.endpoint)
		}
		if got := SigningRegion(tt.partition, tt.region); got != tt.signing {
			t.Errorf("SigningRegion(%q, %q) = %q, want %q", tt.partition, tt.region, got, tt.signing)
		}
	}
}

func TestResolvedEndpoint(t *testing.T) {
	tests := []struct {
		client    Client
		principal string
		want      string
	}{
		{Client{}, providerARN, "https://sts.amazonaws.com"},
		{Client{Region: "ap-southeast-2"}, providerARN, "https://sts.ap-southeast-2.amazonaws.com"},
		{Client{}, "arn:aws-cn:iam::123456789012:saml-provider/IdP", "https://sts.cn-north-1.amazonaws.com.cn"},
		{Client{Region: "us-gov-east-1"}, "arn:aws-us-gov:iam::123456789012:saml-provider/IdP", "https://sts.us-gov-east-1.amazonaws.com"},
		{Client{Endpoint: "https://sts.example.test", Region: "eu-west-1"}, providerARN, "https://sts.example.test"},
	}
	for _, tt := range tests {
		if got := tt.client.ResolvedEndpoint(tt.principal); got != tt.want {
			t.Errorf("%+v.ResolvedEndpoint(%q) = %q, want %q", tt.client, tt.principal, got, tt.want)
		}
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	endpoint := "http://" + addr

	c := &Client{Endpoint: endpoint}
	_, err = c.AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, 0)
	if err == nil {
		t.Fatal("AssumeRoleWithSAML against a closed port succeeded")
	}
	if strings.Contains(err.Error(), assertion) || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q holds the assertion or spans lines", err)
	}
	var e *Error
	if errors.As(err, &e) {
		t.Fatalf("a transport failure became an STS error: %v", err)
	}
	// Once httpx classifies refused connections, the error must carry that
	// classification; until then it must still name host and port.
	_, dialErr := net.Dial("tcp", addr)
	var u *httpx.UnreachableError
	if errors.As(httpx.Classify(dialErr, endpoint), &u) {
		if !errors.As(err, &u) {
			t.Errorf("error %v is not an *httpx.UnreachableError", err)
		}
	} else if !strings.Contains(err.Error(), addr) {
		t.Errorf("error %q does not name %s", err, addr)
	}
}

func TestCancelledContext(t *testing.T) {
	f := newFakeSTS(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.client().AssumeRoleWithSAML(ctx, roleARN, providerARN, assertion, 0)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}
