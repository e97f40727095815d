package sandbox

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable Now for the sandbox under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func start(t testing.TB, opts Options) *Sandbox {
	t.Helper()
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

type stsReply struct {
	status      int
	contentType string
	body        string
	code, msg   string
}

func postSTS(t *testing.T, s *Sandbox, params url.Values) stsReply {
	t.Helper()
	resp, err := http.Post(s.STSURL, "application/x-www-form-urlencoded", strings.NewReader(params.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	return readReply(t, resp)
}

func readReply(t *testing.T, resp *http.Response) stsReply {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := stsReply{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: string(b)}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Code    string `xml:"Error>Code"`
			Message string `xml:"Error>Message"`
		}
		if err := xml.Unmarshal(b, &e); err != nil {
			t.Fatalf("error body is not XML: %v\n%s", err, b)
		}
		r.code, r.msg = e.Code, e.Message
	}
	return r
}

func assumeForm(role, principal, assertion string) url.Values {
	return url.Values{
		"Action": {"AssumeRoleWithSAML"}, "Version": {"2011-06-15"},
		"RoleArn": {role}, "PrincipalArn": {principal}, "SAMLAssertion": {assertion},
	}
}

// assumeResult is the part of AssumeRoleWithSAMLResponse tests look at.
type assumeResultXML struct {
	Result struct {
		Credentials struct {
			AccessKeyID     string `xml:"AccessKeyId"`
			SecretAccessKey string `xml:"SecretAccessKey"`
			SessionToken    string `xml:"SessionToken"`
			Expiration      string `xml:"Expiration"`
		} `xml:"Credentials"`
		AssumedRoleUser struct {
			Arn           string `xml:"Arn"`
			AssumedRoleID string `xml:"AssumedRoleId"`
		} `xml:"AssumedRoleUser"`
		Audience         string  `xml:"Audience"`
		Issuer           string  `xml:"Issuer"`
		Subject          string  `xml:"Subject"`
		SubjectType      string  `xml:"SubjectType"`
		NameQualifier    string  `xml:"NameQualifier"`
		PackedPolicySize *string `xml:"PackedPolicySize"`
	} `xml:"AssumeRoleWithSAMLResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

// assume redeems a fresh response of the default user for role Dev.
func assume(t *testing.T, s *Sandbox) assumeResultXML {
	t.Helper()
	resp, err := s.IssueResponse(ResponseOptions{User: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	r := postSTS(t, s, assumeForm(RoleARN("Dev"), ProviderARN(), resp))
	if r.status != http.StatusOK {
		t.Fatalf("AssumeRoleWithSAML: %d %s: %s", r.status, r.code, r.msg)
	}
	var out assumeResultXML
	if err := xml.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}
