package sandbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
)

const identityBody = "Action=GetCallerIdentity&Version=2011-06-15"

// sdkSigned is a GetCallerIdentity request signed by aws-sdk-go-v2's signer.
func sdkSigned(t *testing.T, s *Sandbox, creds aws.Credentials, body string, at time.Time, region, service string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.STSURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, at); err != nil {
		t.Fatal(err)
	}
	return req
}

func send(t *testing.T, req *http.Request) stsReply {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readReply(t, resp)
}

type identityXML struct {
	Arn     string `xml:"GetCallerIdentityResult>Arn"`
	UserID  string `xml:"GetCallerIdentityResult>UserId"`
	Account string `xml:"GetCallerIdentityResult>Account"`
}

func TestGetCallerIdentity(t *testing.T) {
	clk := newClock()
	s := start(t, Options{Now: clk.Now})
	res := assume(t, s)
	c := res.Result.Credentials
	good := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}

	r := send(t, sdkSigned(t, s, good, identityBody, clk.Now(), "eu-west-3", "sts"))
	if r.status != http.StatusOK {
		t.Fatalf("HTTP %d %s %s", r.status, r.code, r.msg)
	}
	var id identityXML
	if err := xml.Unmarshal([]byte(r.body), &id); err != nil {
		t.Fatal(err)
	}
	if id.Arn != res.Result.AssumedRoleUser.Arn || id.UserID != res.Result.AssumedRoleUser.AssumedRoleID || id.Account != Account {
		t.Errorf("identity %+v, want %s %s %s", id, res.Result.AssumedRoleUser.Arn, res.Result.AssumedRoleUser.AssumedRoleID, Account)
	}

	with := func(f func(*aws.Credentials)) aws.Credentials {
		cr := good
		f(&cr)
		return cr
	}
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		code   string
		msg    string
	}{
		{"wrong secret", func() *http.Request {
			return sdkSigned(t, s, with(func(c *aws.Credentials) { c.SecretAccessKey = strings.Repeat("x", 40) }), identityBody, clk.Now(), "us-east-1", "sts")
		}, 403, "SignatureDoesNotMatch", "does not match"},
		{"missing session token", func() *http.Request {
			return sdkSigned(t, s, with(func(c *aws.Credentials) { c.SessionToken = "" }), identityBody, clk.Now(), "us-east-1", "sts")
		}, 403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"another session token", func() *http.Request {
			return sdkSigned(t, s, with(func(c *aws.Credentials) { c.SessionToken += "x" }), identityBody, clk.Now(), "us-east-1", "sts")
		}, 403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"unknown key", func() *http.Request {
			return sdkSigned(t, s, with(func(c *aws.Credentials) { c.AccessKeyID = "ASIAAAAAAAAAAAAAAAAA" }), identityBody, clk.Now(), "us-east-1", "sts")
		}, 403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"other service in scope", func() *http.Request {
			return sdkSigned(t, s, good, identityBody, clk.Now(), "us-east-1", "s3")
		}, 403, "SignatureDoesNotMatch", "'sts'"},
		{"signed 16 minutes ago", func() *http.Request {
			return sdkSigned(t, s, good, identityBody, clk.Now().Add(-16*time.Minute), "us-east-1", "sts")
		}, 403, "SignatureDoesNotMatch", "Signature expired"},
		{"signed 16 minutes ahead", func() *http.Request {
			return sdkSigned(t, s, good, identityBody, clk.Now().Add(16*time.Minute), "us-east-1", "sts")
		}, 403, "SignatureDoesNotMatch", "Signature not yet current"},
		{"body changed after signing", func() *http.Request {
			req := sdkSigned(t, s, good, identityBody, clk.Now(), "us-east-1", "sts")
			b := identityBody + "&x=1"
			req.Body, req.ContentLength = readCloser(b), int64(len(b))
			return req
		}, 403, "SignatureDoesNotMatch", "does not match"},
		{"signed header changed", func() *http.Request {
			req := sdkSigned(t, s, good, identityBody, clk.Now(), "us-east-1", "sts")
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			return req
		}, 403, "SignatureDoesNotMatch", "does not match"},
		{"no signature", func() *http.Request {
			req := sdkSigned(t, s, good, identityBody, clk.Now(), "us-east-1", "sts")
			req.Header.Del("Authorization")
			return req
		}, 403, "MissingAuthenticationToken", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, tt.req())
			if r.status != tt.status || r.code != tt.code || !strings.Contains(r.msg, tt.msg) {
				t.Errorf("got %d %s %q, want %d %s %q", r.status, r.code, r.msg, tt.status, tt.code, tt.msg)
			}
			if strings.Contains(r.body, c.SecretAccessKey) || strings.Contains(r.body, c.SessionToken) {
				t.Errorf("the answer quotes a secret")
			}
		})
	}

	t.Run("after expiry", func(t *testing.T) {
		clk.Add(time.Hour)
		defer clk.Add(-time.Hour)
		r := send(t, sdkSigned(t, s, good, identityBody, clk.Now(), "us-east-1", "sts"))
		if r.status != http.StatusBadRequest || r.code != "ExpiredToken" || r.msg != "The security token included in the request is expired" {
			t.Errorf("got %d %s %q", r.status, r.code, r.msg)
		}
	})
}

type stringReadCloser struct{ *strings.Reader }

func (stringReadCloser) Close() error { return nil }

func readCloser(s string) stringReadCloser { return stringReadCloser{strings.NewReader(s)} }

// botocoreSigned signs as the AWS CLI does, computed here independently of
// the SDK: it signs content-type, host, x-amz-date and x-amz-security-token
// (not content-length), and sends a User-Agent it does not sign.
func botocoreSigned(t *testing.T, s *Sandbox, c aws.Credentials, method, body string, at time.Time) *http.Request {
	t.Helper()
	target := s.STSURL
	if method == http.MethodGet {
		target += "?" + body
		body = ""
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	amzDate := at.UTC().Format("20060102T150405Z")
	day := amzDate[:8]
	ctype := "application/x-www-form-urlencoded; charset=utf-8"
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-Amz-Date", amzDate)
	req.Header.Set("X-Amz-Security-Token", c.SessionToken)
	req.Header.Set("User-Agent", "aws-cli/2.27.0 md/awscrt#0.26.1 ua/2.1 os/linux#6.1 md/arch#x86_64 lang/python#3.13.5 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source command/sts.get-caller-identity")
	host := strings.TrimSuffix(strings.TrimPrefix(s.STSURL, "http://"), "/")

	hash := func(b string) string { h := sha256.Sum256([]byte(b)); return hex.EncodeToString(h[:]) }
	mac := func(key []byte, msg string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(msg))
		return m.Sum(nil)
	}
	query := ""
	if method == http.MethodGet {
		q, _ := url.ParseQuery(req.URL.RawQuery)
		query = strings.ReplaceAll(q.Encode(), "+", "%20")
	}
	signed := "content-type;host;x-amz-date;x-amz-security-token"
	canonical := strings.Join([]string{
		method, "/", query,
		"content-type:" + ctype + "\nhost:" + host + "\nx-amz-date:" + amzDate + "\nx-amz-security-token:" + c.SessionToken + "\n",
		signed, hash(body),
	}, "\n")
	scope := day + "/us-east-1/sts/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hash(canonical)
	k := mac([]byte("AWS4"+c.SecretAccessKey), day)
	k = mac(k, "us-east-1")
	k = mac(k, "sts")
	k = mac(k, "aws4_request")
	sig := hex.EncodeToString(mac(k, toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+c.AccessKeyID+"/"+scope+", SignedHeaders="+signed+", Signature="+sig)
	return req
}

func TestGetCallerIdentityBotocoreStyle(t *testing.T) {
	s := start(t, Options{})
	c := assume(t, s).Result.Credentials
	good := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		t.Run(method, func(t *testing.T) {
			if r := send(t, botocoreSigned(t, s, good, method, identityBody, time.Now())); r.status != http.StatusOK {
				t.Errorf("HTTP %d %s %s", r.status, r.code, r.msg)
			}
			bad := good
			bad.SecretAccessKey = strings.ToLower(bad.SecretAccessKey)
			if r := send(t, botocoreSigned(t, s, bad, method, identityBody, time.Now())); r.code != "SignatureDoesNotMatch" {
				t.Errorf("wrong secret: HTTP %d %s", r.status, r.code)
			}
		})
	}
}

// The SDK's own STS client must read what the sandbox answers.
func TestSDKClientRoundTrip(t *testing.T) {
	s := start(t, Options{})
	b64, err := s.IssueResponse(ResponseOptions{User: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	anon := awssts.New(awssts.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.STSURL), Credentials: aws.AnonymousCredentials{}})
	out, err := anon.AssumeRoleWithSAML(ctx, &awssts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String(RoleARN("Admin")), PrincipalArn: aws.String(ProviderARN()), SAMLAssertion: aws.String(b64), DurationSeconds: aws.Int32(900),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::123456789012:assumed-role/Admin/demo@sandbox.example" ||
		time.Until(aws.ToTime(out.Credentials.Expiration)) > 16*time.Minute || aws.ToString(out.SubjectType) != "persistent" {
		t.Errorf("unexpected answer: %s %v %s", aws.ToString(out.AssumedRoleUser.Arn), out.Credentials.Expiration, aws.ToString(out.SubjectType))
	}
	c := out.Credentials
	signed := awssts.New(awssts.Options{Region: "eu-central-1", BaseEndpoint: aws.String(s.STSURL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}, nil
		})})
	id, err := signed.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) || aws.ToString(id.Account) != Account {
		t.Errorf("identity %s %s", aws.ToString(id.Arn), aws.ToString(id.Account))
	}
	// An SDK error carries STS's code.
	_, err = anon.AssumeRoleWithSAML(ctx, &awssts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String(RoleARN("Nope")), PrincipalArn: aws.String(ProviderARN()), SAMLAssertion: aws.String(b64),
	})
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("want AccessDenied, got %v", err)
	}
}

// The Debian AWS CLI, when installed, must accept the sandbox's keys.
func TestAWSCLI(t *testing.T) {
	const cli = "/usr/bin/aws"
	if _, err := os.Stat(cli); err != nil {
		t.Skip("no AWS CLI at /usr/bin/aws")
	}
	s := start(t, Options{})
	c := assume(t, s).Result.Credentials
	home := t.TempDir()
	cmd := exec.Command(cli, "sts", "get-caller-identity", "--endpoint-url", s.STSURL, "--region", "us-east-1", "--output", "json")
	cmd.Env = []string{
		"HOME=" + home, "PATH=/usr/bin:/bin",
		"AWS_ACCESS_KEY_ID=" + c.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey, "AWS_SESSION_TOKEN=" + c.SessionToken,
		"AWS_CONFIG_FILE=" + home + "/config", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/credentials",
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws sts get-caller-identity: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "assumed-role/Dev/demo@sandbox.example") {
		t.Errorf("output:\n%s", out)
	}
}
