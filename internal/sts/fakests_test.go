package sts

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The keys the fake issues and then expects GetCallerIdentity to be signed with.
const (
	fakeAccessKey = "ASIAFAKEFAKEFAKE1234"
	fakeSecretKey = "fakeSecretKeyDoNotLeak/0123456789abcdefXY"
	fakeToken     = "FwoGZXIvYXdzEFAKETOKEN//////////wEaDKfake+session+token=="
	fakeRequestID = "c6104cbe-af31-11e0-8154-cbc7ccf896c7"
)

// fakeSTS is a strict stand-in for STS speaking the AWS Query protocol: it
// refuses what the real service refuses, answers success with varied element
// order and whitespace, and answers queued errors in STS's XML shape.
type fakeSTS struct {
	t             *testing.T
	srv           *httptest.Server
	maxSession    int    // the role's MaxSessionDuration, seconds
	variant       int    // which success layout to send
	signingRegion string // what GetCallerIdentity must be signed for

	mu       sync.Mutex
	errs     []fakeErr // answered in order before any success
	requests []url.Values
}

type fakeErr struct {
	status        int
	code, message string
}

func newFakeSTS(t *testing.T) *fakeSTS {
	f := &fakeSTS{t: t, maxSession: 3600, signingRegion: "us-east-1"}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSTS) client() *Client { return &Client{HTTP: f.srv.Client(), Endpoint: f.srv.URL} }

func (f *fakeSTS) queue(errs ...fakeErr) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, errs...)
}

func (f *fakeSTS) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

func (f *fakeSTS) last() url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		return nil
	}
	return f.requests[len(f.requests)-1]
}

var allowedParams = map[string][]string{
	"AssumeRoleWithSAML": {"Action", "Version", "RoleArn", "PrincipalArn", "SAMLAssertion", "DurationSeconds", "Policy"},
	"GetCallerIdentity":  {"Action", "Version"},
	"AssumeRole":         {"Action", "Version", "RoleArn", "RoleSessionName", "ExternalId", "DurationSeconds"},
}

func (f *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		f.fail(w, fakeErr{400, "InvalidRequest", "unreadable body"})
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		f.fail(w, fakeErr{405, "InvalidAction", "only POST / is served"})
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		f.fail(w, fakeErr{400, "InvalidRequest", "Content-Type " + ct})
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		f.fail(w, fakeErr{400, "MalformedQueryString", err.Error()})
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, form)
	f.mu.Unlock()

	action := form.Get("Action")
	allowed, known := allowedParams[action]
	if !known {
		f.fail(w, fakeErr{400, "InvalidAction", "Could not find operation " + action + " for version " + form.Get("Version")})
		return
	}
	if form.Get("Version") != "2011-06-15" {
		f.fail(w, fakeErr{400, "InvalidAction", "Could not find operation " + action + " for version " + form.Get("Version")})
		return
	}
	for k := range form {
		if !slices.Contains(allowed, k) {
			f.fail(w, fakeErr{400, "InvalidParameterValue", "unknown parameter " + k})
			return
		}
	}
	switch action {
	case "AssumeRoleWithSAML":
		f.assumeRoleWithSAML(w, r, form)
	case "GetCallerIdentity":
		f.getCallerIdentity(w, r, body)
	case "AssumeRole":
		f.assumeRole(w, r, body)
	}
}

func (f *fakeSTS) assumeRole(w http.ResponseWriter, r *http.Request, body []byte) {
	if err := f.checkSignature(r, body); err != nil {
		f.t.Errorf("AssumeRole signature: %v", err)
		f.fail(w, fakeErr{403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."})
		return
	}
	if f.popError(w) {
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::210987654321:assumed-role/Audit/alice</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:alice</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIACHAINEDKEY000001</AccessKeyId>
      <SecretAccessKey>chainedSecret</SecretAccessKey>
      <SessionToken>chainedToken</SessionToken>
      <Expiration>2030-01-02T04:04:05Z</Expiration>
    </Credentials>
    <PackedPolicySize>0</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>`+fakeRequestID+`</RequestId></ResponseMetadata>
</AssumeRoleResponse>`)
}

func (f *fakeSTS) assumeRoleWithSAML(w http.ResponseWriter, r *http.Request, form url.Values) {
	if a := r.Header.Get("Authorization"); a != "" {
		f.t.Errorf("AssumeRoleWithSAML carried an Authorization header: %.40s…", a)
		f.fail(w, fakeErr{400, "InvalidRequest", "AssumeRoleWithSAML must not be signed in this test"})
		return
	}
	if r.Header.Get("X-Amz-Security-Token") != "" {
		f.t.Error("AssumeRoleWithSAML carried X-Amz-Security-Token")
	}
	for _, p := range []string{"RoleArn", "PrincipalArn"} {
		if n := len(form.Get(p)); n < 20 || n > 2048 {
			f.fail(w, fakeErr{400, "ValidationError", fmt.Sprintf("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length between 20 and 2048", lowerFirst(p))})
			return
		}
	}
	assertion, ok := form["SAMLAssertion"]
	if !ok || len(assertion[0]) < 4 || len(assertion[0]) > 100000 {
		f.fail(w, fakeErr{400, "ValidationError", "1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length between 4 and 100000"})
		return
	}
	if _, err := base64.StdEncoding.DecodeString(assertion[0]); err != nil {
		f.fail(w, fakeErr{400, "InvalidIdentityToken", "Invalid base64 SAMLResponse"})
		return
	}
	if d, ok := form["DurationSeconds"]; ok {
		n, err := strconv.Atoi(d[0])
		if err != nil || n < 900 || n > 43200 {
			f.fail(w, fakeErr{400, "ValidationError", fmt.Sprintf("1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200", d[0])})
			return
		}
		if n > f.maxSession {
			f.fail(w, fakeErr{400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."})
			return
		}
	}
	if f.popError(w) {
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, assumeSuccessXML[f.variant%len(assumeSuccessXML)])
}

func (f *fakeSTS) getCallerIdentity(w http.ResponseWriter, r *http.Request, body []byte) {
	if err := f.checkSignature(r, body); err != nil {
		f.t.Errorf("GetCallerIdentity signature: %v", err)
		f.fail(w, fakeErr{403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."})
		return
	}
	if f.popError(w) {
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <UserId>AROAEXAMPLEID123456:alice@example.org</UserId>
    <Account>123456789012</Account>
    <Arn>arn:aws:sts::123456789012:assumed-role/Dev/alice@example.org</Arn>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>`+fakeRequestID+`</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`)
}

// checkSignature recomputes the SigV4 signature with the keys the fake
// issued and compares it with the request's, as STS does.
func (f *fakeSTS) checkSignature(r *http.Request, body []byte) error {
	auth := r.Header.Get("Authorization")
	fields, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return fmt.Errorf("Authorization is not AWS4-HMAC-SHA256")
	}
	if got := r.Header.Get("X-Amz-Security-Token"); got != fakeToken {
		return fmt.Errorf("X-Amz-Security-Token is %q", got)
	}
	var credential, signedHeaders string
	for _, part := range strings.Split(fields, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signedHeaders = v
		}
	}
	scope := strings.Split(credential, "/")
	if len(scope) != 5 || scope[0] != fakeAccessKey || scope[2] != f.signingRegion || scope[3] != "sts" || scope[4] != "aws4_request" {
		return fmt.Errorf("credential scope %q, want %s/<date>/%s/sts/aws4_request", credential, fakeAccessKey, f.signingRegion)
	}
	if !slices.Contains(strings.Split(signedHeaders, ";"), "x-amz-security-token") {
		return fmt.Errorf("x-amz-security-token is not signed (%s)", signedHeaders)
	}
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return fmt.Errorf("X-Amz-Date: %v", err)
	}
	again, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	for _, h := range strings.Split(signedHeaders, ";") {
		if h != "host" {
			again.Header.Set(h, r.Header.Get(h))
		}
	}
	again.Header.Del("Authorization")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: fakeAccessKey, SecretAccessKey: fakeSecretKey, SessionToken: fakeToken}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, again, hex.EncodeToString(sum[:]), "sts", f.signingRegion, when); err != nil {
		return err
	}
	if want := again.Header.Get("Authorization"); want != auth {
		return fmt.Errorf("signature mismatch:\n got %s\nwant %s", auth, want)
	}
	return nil
}

func (f *fakeSTS) popError(w http.ResponseWriter) bool {
	f.mu.Lock()
	if len(f.errs) == 0 {
		f.mu.Unlock()
		return false
	}
	e := f.errs[0]
	f.errs = f.errs[1:]
	f.mu.Unlock()
	f.fail(w, e)
	return true
}

func (f *fakeSTS) fail(w http.ResponseWriter, e fakeErr) {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", fakeRequestID)
	w.WriteHeader(e.status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>%s</Type>
    <Code>%s</Code>
    <Message>%s</Message>
  </Error>
  <RequestId>%s</RequestId>
</ErrorResponse>
`, typ, e.code, xmlEscape(e.message), fakeRequestID)
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&apos;", `"`, "&quot;").Replace(s)
}

func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

// assumeSuccessXML are success answers in the layouts STS and its proxies
// produce: documented order, shuffled order with padded token, one line.
var assumeSuccessXML = []string{
	`<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithSAMLResult>
    <Issuer>https://idp.example.org/</Issuer>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/Dev/alice@example.org</Arn>
      <AssumedRoleId>AROAEXAMPLEID123456:alice@example.org</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>` + fakeAccessKey + `</AccessKeyId>
      <SecretAccessKey>` + fakeSecretKey + `</SecretAccessKey>
      <SessionToken>` + fakeToken + `</SessionToken>
      <Expiration>2030-01-02T03:04:05Z</Expiration>
    </Credentials>
    <Audience>https://signin.aws.amazon.com/saml</Audience>
    <SubjectType>transient</SubjectType>
    <PackedPolicySize>6</PackedPolicySize>
    <NameQualifier>SbdGOnUkh1i4+EUYuI3Jvn9bY5c=</NameQualifier>
    <SourceIdentity>alice</SourceIdentity>
    <Subject>alice@example.org</Subject>
  </AssumeRoleWithSAMLResult>
  <ResponseMetadata>
    <RequestId>` + fakeRequestID + `</RequestId>
  </ResponseMetadata>
</AssumeRoleWithSAMLResponse>`,
	`<?xml version="1.0" encoding="UTF-8"?>
<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
	<ResponseMetadata><RequestId>` + fakeRequestID + `</RequestId></ResponseMetadata>
	<AssumeRoleWithSAMLResult>
		<Subject>alice@example.org</Subject>
		<Audience>https://signin.aws.amazon.com/saml</Audience>
		<Credentials>
			<Expiration>2030-01-02T03:04:05.000Z</Expiration>
			<SessionToken>
				` + fakeToken + `
			</SessionToken>
			<SecretAccessKey>` + fakeSecretKey + `</SecretAccessKey>
			<AccessKeyId>` + fakeAccessKey + `</AccessKeyId>
		</Credentials>
		<NameQualifier>SbdGOnUkh1i4+EUYuI3Jvn9bY5c=</NameQualifier>
		<AssumedRoleUser>
			<AssumedRoleId>AROAEXAMPLEID123456:alice@example.org</AssumedRoleId>
			<Arn>arn:aws:sts::123456789012:assumed-role/Dev/alice@example.org</Arn>
		</AssumedRoleUser>
		<SubjectType>transient</SubjectType>
		<Issuer>https://idp.example.org/</Issuer>
		<PackedPolicySize>0</PackedPolicySize>
	</AssumeRoleWithSAMLResult>
</AssumeRoleWithSAMLResponse>`,
	`<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithSAMLResult><Audience>https://signin.aws.amazon.com/saml</Audience><AssumedRoleUser><AssumedRoleId>AROAEXAMPLEID123456:alice@example.org</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/Dev/alice@example.org</Arn></AssumedRoleUser><Credentials><SessionToken> ` + fakeToken + ` </SessionToken><AccessKeyId>` + fakeAccessKey + `</AccessKeyId><Expiration>2030-01-02T03:04:05Z</Expiration><SecretAccessKey>` + fakeSecretKey + `</SecretAccessKey></Credentials><Subject>alice@example.org</Subject><Issuer>https://idp.example.org/</Issuer><SubjectType>persistent</SubjectType><NameQualifier>x</NameQualifier></AssumeRoleWithSAMLResult><ResponseMetadata><RequestId>` + fakeRequestID + `</RequestId></ResponseMetadata></AssumeRoleWithSAMLResponse>`,
}
