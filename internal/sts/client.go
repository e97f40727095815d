package sts

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls STS. The zero value works against the global endpoint with
// a plain HTTP client (30 s timeout); awsfed injects its own.
type Client struct {
	HTTP     *http.Client // injected
	Endpoint string       // explicit endpoint URL (sts_endpoint, AWS_ENDPOINT_URL_STS); "" = derived from ARN partition and Region
	Region   string       // "" = partition default
}

// Credentials are temporary AWS keys.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Expiration                                 time.Time
	// Partition says which partition's STS checks the keys in
	// GetCallerIdentity; "" = the partition of Client.Region.
	Partition string
}

// AssumeResult is what AssumeRoleWithSAML returns.
type AssumeResult struct {
	Credentials
	AssumedRoleARN            string // AssumedRoleUser.Arn
	Subject, Issuer, Audience string
}

// Identity is what GetCallerIdentity returns.
type Identity struct{ Account, ARN, UserID string }

// Bounds STS puts on AssumeRoleWithSAML's parameters.
const (
	minDuration  = 900 * time.Second
	maxDuration  = 43200 * time.Second
	minARNLen    = 20
	maxARNLen    = 2048
	minAssertLen = 4
	maxAssertLen = 100000
)

// AssumeRoleWithSAML redeems samlAssertion (base64, as saml.Assertion.Response)
// for temporary credentials of roleARN. The call is unsigned: AWS trusts the
// assertion, not any key of the user's. duration 0 lets AWS choose (1 hour).
func (c *Client) AssumeRoleWithSAML(ctx context.Context, roleARN, principalARN, samlAssertion string, duration time.Duration) (*AssumeResult, error) {
	const op = "AssumeRoleWithSAML"
	if err := checkAssumeInput(roleARN, principalARN, samlAssertion, duration); err != nil {
		return nil, err
	}
	partition := partitionOfARN(principalARN)
	endpoint := c.ResolvedEndpoint(principalARN)
	if endpoint == "" {
		return nil, fmt.Errorf("aws sts %s: no known STS endpoint for partition %q without a region: set the region or the STS endpoint", op, partition)
	}
	params := url.Values{"RoleArn": {roleARN}, "PrincipalArn": {principalARN}, "SAMLAssertion": {samlAssertion}}
	if duration > 0 {
		params.Set("DurationSeconds", strconv.FormatInt(int64(duration/time.Second), 10))
	}
	var out assumeResult
	if err := c.call(ctx, op, endpoint, SigningRegion(partition, c.Region), params, nil, &out); err != nil {
		return nil, err
	}
	res, err := out.result(op, endpoint, partition)
	if err != nil {
		return nil, err
	}
	res.Subject, res.Issuer, res.Audience = strings.TrimSpace(out.Subject), strings.TrimSpace(out.Issuer), strings.TrimSpace(out.Audience)
	return res, nil
}

// assumeResult is the <AssumeRoleWithSAMLResult> or <AssumeRoleResult> of
// an answer; the elements come in any order.
type assumeResult struct {
	Credentials *struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string `xml:"SecretAccessKey"`
		SessionToken    string `xml:"SessionToken"`
		Expiration      string `xml:"Expiration"`
	} `xml:"Credentials"`
	AssumedRoleARN string `xml:"AssumedRoleUser>Arn"`
	Subject        string `xml:"Subject"`
	Issuer         string `xml:"Issuer"`
	Audience       string `xml:"Audience"`
}

// result checks that the answer holds keys and an expiration, and returns them.
func (r *assumeResult) result(op, endpoint, partition string) (*AssumeResult, error) {
	if r.Credentials == nil || strings.TrimSpace(r.Credentials.AccessKeyID) == "" || strings.TrimSpace(r.Credentials.SecretAccessKey) == "" {
		return nil, fmt.Errorf("aws sts %s: the answer from %s holds no credentials", op, endpoint)
	}
	exp, err := time.Parse(time.RFC3339, strings.TrimSpace(r.Credentials.Expiration))
	if err != nil {
		return nil, fmt.Errorf("aws sts %s: the answer from %s gives the keys no expiration: %q", op, endpoint, truncate(strings.TrimSpace(r.Credentials.Expiration), 40))
	}
	return &AssumeResult{
		Credentials: Credentials{
			AccessKeyID:     strings.TrimSpace(r.Credentials.AccessKeyID),
			SecretAccessKey: strings.TrimSpace(r.Credentials.SecretAccessKey),
			SessionToken:    strings.TrimSpace(r.Credentials.SessionToken),
			Expiration:      exp,
			Partition:       partition,
		},
		AssumedRoleARN: strings.TrimSpace(r.AssumedRoleARN),
	}, nil
}

// checkAssumeInput refuses locally what STS would refuse, so that the
// mistake is named plainly and the short-lived assertion is not spent on it.
// A duration out of range is reported as STS would report it, so that
// IsDurationTooLong still lets the caller retry with a shorter one.
func checkAssumeInput(roleARN, principalARN, samlAssertion string, duration time.Duration) error {
	const op = "AssumeRoleWithSAML"
	for _, a := range []struct{ name, value string }{{"role ARN", roleARN}, {"SAML provider ARN", principalARN}} {
		if n := len(a.value); n < minARNLen || n > maxARNLen || !strings.HasPrefix(a.value, "arn:") {
			return fmt.Errorf("aws sts %s: the %s %q is not an ARN", op, a.name, truncate(a.value, 80))
		}
	}
	if n := len(samlAssertion); n < minAssertLen || n > maxAssertLen {
		return fmt.Errorf("aws sts %s: the SAML assertion is %d characters long; STS takes %d to %d", op, n, minAssertLen, maxAssertLen)
	}
	if duration < 0 || (duration > 0 && (duration < minDuration || duration > maxDuration)) {
		return &Error{Op: op, Code: "ValidationError",
			Message: fmt.Sprintf("DurationSeconds %d is outside %d to %d", int64(duration/time.Second), int64(minDuration/time.Second), int64(maxDuration/time.Second))}
	}
	return nil
}

// GetCallerIdentity asks STS who creds belong to, signing with them. It
// proves that fresh credentials work.
func (c *Client) GetCallerIdentity(ctx context.Context, creds Credentials) (*Identity, error) {
	const op = "GetCallerIdentity"
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return nil, fmt.Errorf("aws sts %s: no access key to sign with", op)
	}
	partition := creds.Partition
	if partition == "" {
		partition = regionPartition(strings.ToLower(strings.TrimSpace(c.Region)))
	}
	endpoint := c.Endpoint
	if endpoint == "" {
		endpoint = Endpoint(partition, c.Region)
	}
	if endpoint == "" {
		return nil, fmt.Errorf("aws sts %s: no known STS endpoint for partition %q without a region: set the region or the STS endpoint", op, partition)
	}
	var out struct {
		Account string `xml:"Account"`
		ARN     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
	}
	if err := c.call(ctx, op, endpoint, SigningRegion(partition, c.Region), nil, &creds, &out); err != nil {
		return nil, err
	}
	return &Identity{
		Account: strings.TrimSpace(out.Account),
		ARN:     strings.TrimSpace(out.ARN),
		UserID:  strings.TrimSpace(out.UserID),
	}, nil
}

// ResolvedEndpoint returns the endpoint AssumeRoleWithSAML uses for a role
// vouched for by principalARN: the explicit one, else the one of its
// partition and the client's region.
func (c *Client) ResolvedEndpoint(principalARN string) string {
	if c.Endpoint != "" {
		return c.Endpoint
	}
	return Endpoint(partitionOfARN(principalARN), c.Region)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
