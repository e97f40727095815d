package sts

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestAssumeRole(t *testing.T) {
	f := newFakeSTS(t)
	source := Credentials{AccessKeyID: fakeAccessKey, SecretAccessKey: fakeSecretKey, SessionToken: fakeToken}
	res, err := f.client().AssumeRole(context.Background(), source, AssumeRoleInput{
		RoleARN: "arn:aws:iam::210987654321:role/Audit", SessionName: "alice", ExternalID: "ext-1", Duration: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := AssumeResult{
		Credentials: Credentials{AccessKeyID: "ASIACHAINEDKEY000001", SecretAccessKey: "chainedSecret", SessionToken: "chainedToken",
			Expiration: time.Date(2030, 1, 2, 4, 4, 5, 0, time.UTC), Partition: "aws"},
		AssumedRoleARN: "arn:aws:sts::210987654321:assumed-role/Audit/alice",
	}
	if *res != want {
		t.Errorf("got  %+v\nwant %+v", *res, want)
	}
	form := f.last()
	for k, v := range map[string]string{"Action": "AssumeRole", "RoleArn": "arn:aws:iam::210987654321:role/Audit", "RoleSessionName": "alice", "ExternalId": "ext-1", "DurationSeconds": "3600"} {
		if got := form.Get(k); got != v {
			t.Errorf("request %s = %q, want %q", k, got, v)
		}
	}
}

// TestAnswersThatAreNotSTS: a proxy or a wrong sts_endpoint answers with
// a page of its own; the error says so, with the status and the page's
// start, rather than failing to parse.
func TestAnswersThatAreNotSTS(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		want    string
		asError bool
	}{
		{"proxy error page", 403, "<html><body><h1>Access denied by policy</h1></body></html>", "aws sts AssumeRoleWithSAML: UnknownError: HTTP 403 Forbidden, not an STS answer: <html><body><h1>Access denied by policy", true},
		{"empty error", 400, "", "UnknownError: HTTP 400 Bad Request, not an STS answer: (empty)", true},
		{"success page of another service", 200, "<html>Welcome</html>", "is not an STS AssumeRoleWithSAML answer: <html>Welcome</html>", false},
		{"another operation's answer", 200, `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>x</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>`, "is not an STS AssumeRoleWithSAML answer", false},
		{"no keys", 200, `<AssumeRoleWithSAMLResponse><AssumeRoleWithSAMLResult><Subject>x</Subject></AssumeRoleWithSAMLResult></AssumeRoleWithSAMLResponse>`, "holds no credentials", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			c := &Client{HTTP: srv.Client(), Endpoint: srv.URL}
			_, err := c.AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, 0)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to hold %q", err, tt.want)
			}
			var e *Error
			if errors.As(err, &e) != tt.asError {
				t.Errorf("error %T: *Error = %v, want %v", err, !tt.asError, tt.asError)
			}
			if e != nil && (e.Status != tt.status || e.Rejected()) {
				t.Errorf("got %+v", *e)
			}
		})
	}
}

func TestRequestIDFromBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(403)
		w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>body-id</RequestId></ErrorResponse>`))
	}))
	defer srv.Close()
	c := &Client{HTTP: srv.Client(), Endpoint: srv.URL}
	_, err := c.AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, 0)
	var e *Error
	if !errors.As(err, &e) || e.RequestID != "body-id" || e.Code != "AccessDenied" || e.Message != "no" {
		t.Fatalf("error %#v", err)
	}
}

func TestRequestShape(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.WriteHeader(500)
	}))
	defer srv.Close()
	c := &Client{HTTP: srv.Client(), Endpoint: srv.URL + "/sts?x=1#f"}
	c.AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, 0)
	if got == nil {
		t.Fatal("no request")
	}
	if got.Method != http.MethodPost || got.URL.Path != "/sts" || got.URL.RawQuery != "" {
		t.Errorf("request %s %s", got.Method, got.URL)
	}
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestEndpointNotHTTP(t *testing.T) {
	c := &Client{Endpoint: "sts.amazonaws.com"}
	_, err := c.AssumeRoleWithSAML(context.Background(), roleARN, providerARN, assertion, 0)
	if err == nil || !strings.Contains(err.Error(), "is not an http(s) URL") {
		t.Fatalf("error %v", err)
	}
}

// A Client without an HTTP client of its own follows no redirect: the
// assertion stays with the endpoint it was given to.
func TestDefaultClientFollowsNoRedirect(t *testing.T) {
	var reached atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
	defer other.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	c := &Client{Endpoint: redirect.URL}
	_, err := c.AssumeRoleWithSAML(context.Background(), "arn:aws:iam::123456789012:role/Dev", "arn:aws:iam::123456789012:saml-provider/Corp", "PHNhbWw+c2VjcmV0PC9zYW1sPg==", 0)
	if err == nil {
		t.Fatal("a 307 answer was taken for keys")
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the redirect target received %d requests", n)
	}
}
