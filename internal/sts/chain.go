package sts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
)

// ChainedMax is the longest session AWS grants to keys from role chaining
// (AssumeRole with keys that came from another role), whatever the role's
// MaxSessionDuration.
const ChainedMax = time.Hour

// AssumeRoleInput is what AssumeRole sends besides the source keys.
type AssumeRoleInput struct {
	RoleARN, SessionName, ExternalID string
	Duration                         time.Duration // 0 = AWS's default (1h)
}

// AssumeRole assumes in.RoleARN with the source keys (STS AssumeRole, SigV4
// signed with them): role chaining.
func (c *Client) AssumeRole(ctx context.Context, source Credentials, in AssumeRoleInput) (*AssumeResult, error) {
	const op = "AssumeRole"
	if n := len(in.RoleARN); n < minARNLen || n > maxARNLen || !strings.HasPrefix(in.RoleARN, "arn:") {
		return nil, fmt.Errorf("aws sts %s: the role ARN %q is not an ARN", op, truncate(in.RoleARN, 80))
	}
	if source.AccessKeyID == "" || source.SecretAccessKey == "" {
		return nil, fmt.Errorf("aws sts %s: no source keys to sign with", op)
	}
	d := in.Duration
	if d < 0 || (d > 0 && (d < minDuration || d > maxDuration)) {
		return nil, &Error{Op: op, Code: "ValidationError", Message: fmt.Sprintf("DurationSeconds %d is outside %d to %d", int64(d/time.Second), int64(minDuration/time.Second), int64(maxDuration/time.Second))}
	}
	partition := partitionOfARN(in.RoleARN)
	endpoint := c.ResolvedEndpoint(in.RoleARN)
	if endpoint == "" {
		return nil, fmt.Errorf("aws sts %s: no known STS endpoint for partition %q without a region: set the region or the STS endpoint", op, partition)
	}
	req := &awssts.AssumeRoleInput{RoleArn: aws.String(in.RoleARN), RoleSessionName: aws.String(in.SessionName)}
	if in.ExternalID != "" {
		req.ExternalId = aws.String(in.ExternalID)
	}
	if d > 0 {
		req.DurationSeconds = aws.Int32(int32(d / time.Second))
	}
	creds := credentials.NewStaticCredentialsProvider(source.AccessKeyID, source.SecretAccessKey, source.SessionToken)
	out, err := c.api(endpoint, SigningRegion(partition, c.Region), creds).AssumeRole(ctx, req)
	if err != nil {
		return nil, wrapError(op, endpoint, err)
	}
	if out.Credentials == nil || aws.ToString(out.Credentials.AccessKeyId) == "" || aws.ToString(out.Credentials.SecretAccessKey) == "" {
		return nil, fmt.Errorf("aws sts %s: the answer from %s holds no credentials", op, endpoint)
	}
	res := &AssumeResult{Credentials: Credentials{
		AccessKeyID:     strings.TrimSpace(aws.ToString(out.Credentials.AccessKeyId)),
		SecretAccessKey: strings.TrimSpace(aws.ToString(out.Credentials.SecretAccessKey)),
		SessionToken:    strings.TrimSpace(aws.ToString(out.Credentials.SessionToken)),
		Expiration:      aws.ToTime(out.Credentials.Expiration),
		Partition:       partition,
	}}
	if out.AssumedRoleUser != nil {
		res.AssumedRoleARN = strings.TrimSpace(aws.ToString(out.AssumedRoleUser.Arn))
	}
	return res, nil
}
