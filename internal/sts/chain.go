package sts

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
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
	params := url.Values{"RoleArn": {in.RoleARN}, "RoleSessionName": {in.SessionName}}
	if in.ExternalID != "" {
		params.Set("ExternalId", in.ExternalID)
	}
	if d > 0 {
		params.Set("DurationSeconds", strconv.FormatInt(int64(d/time.Second), 10))
	}
	var out assumeResult
	if err := c.call(ctx, op, endpoint, SigningRegion(partition, c.Region), params, &source, &out); err != nil {
		return nil, err
	}
	return out.result(op, endpoint, partition)
}
