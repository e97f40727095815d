package sts

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
)

// Client calls STS. The zero value works against the global endpoint with
// the SDK's default HTTP client; awsfed injects its own.
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
	in := &awssts.AssumeRoleWithSAMLInput{
		RoleArn:       aws.String(roleARN),
		PrincipalArn:  aws.String(principalARN),
		SAMLAssertion: aws.String(samlAssertion),
	}
	if duration > 0 {
		in.DurationSeconds = aws.Int32(int32(duration / time.Second))
	}
	out, err := c.api(endpoint, SigningRegion(partition, c.Region), aws.AnonymousCredentials{}).AssumeRoleWithSAML(ctx, in)
	if err != nil {
		return nil, wrapError(op, endpoint, err)
	}
	if out.Credentials == nil || aws.ToString(out.Credentials.AccessKeyId) == "" || aws.ToString(out.Credentials.SecretAccessKey) == "" {
		return nil, fmt.Errorf("aws sts %s: the answer from %s holds no credentials", op, endpoint)
	}
	res := &AssumeResult{
		Credentials: Credentials{
			AccessKeyID:     strings.TrimSpace(aws.ToString(out.Credentials.AccessKeyId)),
			SecretAccessKey: strings.TrimSpace(aws.ToString(out.Credentials.SecretAccessKey)),
			SessionToken:    strings.TrimSpace(aws.ToString(out.Credentials.SessionToken)),
			Expiration:      aws.ToTime(out.Credentials.Expiration),
			Partition:       partition,
		},
		Subject:  strings.TrimSpace(aws.ToString(out.Subject)),
		Issuer:   strings.TrimSpace(aws.ToString(out.Issuer)),
		Audience: strings.TrimSpace(aws.ToString(out.Audience)),
	}
	if out.AssumedRoleUser != nil {
		res.AssumedRoleARN = strings.TrimSpace(aws.ToString(out.AssumedRoleUser.Arn))
	}
	return res, nil
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
	provider := credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
	out, err := c.api(endpoint, SigningRegion(partition, c.Region), provider).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		return nil, wrapError(op, endpoint, err)
	}
	return &Identity{
		Account: strings.TrimSpace(aws.ToString(out.Account)),
		ARN:     strings.TrimSpace(aws.ToString(out.Arn)),
		UserID:  strings.TrimSpace(aws.ToString(out.UserId)),
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

// api builds an SDK client for one call. It is built from explicit options
// only (not config.LoadDefaultConfig), so nothing of the user's environment,
// credentials or config files reaches it, and start-up stays fast.
func (c *Client) api(endpoint, signingRegion string, creds aws.CredentialsProvider) *awssts.Client {
	opts := awssts.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       signingRegion,
		Credentials:  creds,
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 2
			// A person is waiting and the assertion expires in minutes: one
			// quick retry of a transient failure, no client-side quota.
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
				return 200*time.Millisecond + rand.N(300*time.Millisecond), nil
			})
			o.RateLimiter = ratelimit.None
		}),
	}
	if c.HTTP != nil {
		opts.HTTPClient = c.HTTP
	}
	return awssts.New(opts)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
