package sts

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
)

// The AWS sign-in service's hosts per partition, as AWS documents them for
// the federation endpoint and the console.
func signinHosts(partition string) (signin, console string) {
	switch partition {
	case "aws-us-gov":
		return "signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com"
	case "aws-cn":
		return "signin.amazonaws.cn", "console.amazonaws.cn"
	}
	return "signin.aws.amazon.com", "console.aws.amazon.com"
}

// FederationEndpoint is the federation endpoint for a partition and
// region: in the aws partition the regional sign-in host when a region of
// that partition is set (https://eu-west-1.signin.aws.amazon.com/federation),
// else the global one; aws-us-gov and aws-cn have one host each.
func FederationEndpoint(partition, region string) string {
	if partition == "" {
		partition = "aws"
	}
	host, _ := signinHosts(partition)
	if r := regionFor(partition, region); partition == "aws" && r != "" {
		host = r + "." + host
	}
	return "https://" + host + "/federation"
}

// ConsoleURL is where the console opens: service's home page ("" = the
// console's), in region when one of the partition's is set, on the
// regional console host in the aws partition.
func ConsoleURL(partition, region, service string) string {
	if partition == "" {
		partition = "aws"
	}
	_, host := signinHosts(partition)
	r := regionFor(partition, region)
	if partition == "aws" && r != "" {
		host = r + "." + host
	}
	path := "/console/home"
	if service = strings.Trim(service, "/ "); service != "" {
		path = "/" + url.PathEscape(service) + "/home"
	}
	u := "https://" + host + path
	if r != "" {
		u += "?region=" + url.QueryEscape(r)
	}
	return u
}

// LogoutURL signs out of the current console session at the sign-in host
// of endpoint, then goes to next (a login URL), so that switching roles
// takes one click.
func LogoutURL(endpoint, next string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return next
	}
	u.Path, u.RawQuery = "/oauth", url.Values{"Action": {"logout"}, "redirect_uri": {next}}.Encode()
	return u.String()
}

// PartitionOfARN is the partition an ARN names ("aws" when it names none).
func PartitionOfARN(arn string) string {
	if p := partitionOfARN(arn); p != "" {
		return p
	}
	return "aws"
}

// Federation talks to AWS's federation endpoint, which turns temporary
// keys into a console sign-in link. The link and the token in it are
// credentials: callers never log or print them except where asked to.
type Federation struct {
	HTTP     *http.Client // an API client: no redirects, bound to Endpoint's origin
	Endpoint string       // https://signin.aws.amazon.com/federation or another (signin_endpoint)
}

// maxTokenAnswer bounds the getSigninToken answer (a token is ~1 KB).
const maxTokenAnswer = 64 << 10

// SigninToken asks for a sign-in token for creds. sessionDuration (900s to
// 12h) sets the console session's length; 0 leaves it out, as keys from
// role chaining require.
func (f *Federation) SigninToken(ctx context.Context, creds Credentials, sessionDuration time.Duration) (string, error) {
	session, err := json.Marshal(map[string]string{
		"sessionId": creds.AccessKeyID, "sessionKey": creds.SecretAccessKey, "sessionToken": creds.SessionToken,
	})
	if err != nil {
		return "", err
	}
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	if sessionDuration > 0 {
		s := int64(min(max(sessionDuration, minDuration), maxDuration) / time.Second)
		q.Set("SessionDuration", strconv.FormatInt(s, 10))
	}
	ctx = httpx.WithSecret(ctx, "the session keys")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.Endpoint+"?"+q.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("AWS federation endpoint %s: %w", httpx.RedactString(f.Endpoint), err)
	}
	resp, err := f.HTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("AWS federation endpoint: %w", httpx.Classify(err, f.Endpoint))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenAnswer))
	if err != nil {
		return "", fmt.Errorf("AWS federation endpoint: %w", httpx.Classify(err, f.Endpoint))
	}
	if resp.StatusCode != http.StatusOK {
		return "", &FederationError{Endpoint: httpx.RedactString(f.Endpoint), Status: resp.StatusCode, Text: oneLine(truncate(string(body), 200)), WithDuration: sessionDuration > 0}
	}
	var out struct{ SigninToken string }
	if err := json.Unmarshal(body, &out); err != nil || out.SigninToken == "" {
		return "", &FederationError{Endpoint: httpx.RedactString(f.Endpoint), Status: resp.StatusCode, Text: "the answer holds no SigninToken"}
	}
	return out.SigninToken, nil
}

// LoginURL is the console sign-in link for token: valid for 15 minutes,
// and a credential.
func (f *Federation) LoginURL(token, issuer, destination string) string {
	return f.Endpoint + "?" + url.Values{
		"Action": {"login"}, "Issuer": {issuer}, "Destination": {destination}, "SigninToken": {token},
	}.Encode()
}

// FederationError is the federation endpoint refusing the keys.
type FederationError struct {
	Endpoint     string
	Status       int
	Text         string
	WithDuration bool
}

func (e *FederationError) Error() string {
	msg := fmt.Sprintf("the AWS federation endpoint %s refused the keys (HTTP %d)", e.Endpoint, e.Status)
	if e.Text != "" {
		msg += ": " + e.Text
	}
	return msg
}

// Hint says what usually causes it.
func (e *FederationError) Hint() string {
	if e.WithDuration {
		return "the keys may have expired, or come from role chaining (which takes no session duration): run `awsfed login` again"
	}
	return "the keys may have expired or belong to another partition: run `awsfed login` again, or check signin_endpoint"
}
