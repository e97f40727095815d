package sts

import (
	"context"
	"strings"

	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
)

// partitionDefaults returns, for the partitions awsfed knows by name, the
// region used when none is configured and the DNS suffix of its endpoints.
func partitionDefaults(partition string) (region, suffix string, ok bool) {
	switch partition {
	case "aws":
		return "us-east-1", "amazonaws.com", true
	case "aws-cn":
		return "cn-north-1", "amazonaws.com.cn", true
	case "aws-us-gov":
		return "us-gov-west-1", "amazonaws.com", true
	}
	return "", "", false
}

// Endpoint returns the STS endpoint for a partition and region: the global
// https://sts.amazonaws.com for aws without a region, else the regional one,
// with cn-north-1 and us-gov-west-1 standing in when aws-cn or aws-us-gov
// have none. A region of another partition (AWS_REGION=eu-west-1 with a role
// in aws-cn) is ignored rather than producing a host that does not exist.
// For other partitions the SDK's endpoint rules decide, given a region; ""
// means awsfed cannot tell.
func Endpoint(partition, region string) string {
	if partition == "" {
		partition = "aws"
	}
	region = regionFor(partition, region)
	defRegion, suffix, known := partitionDefaults(partition)
	switch {
	case known && partition == "aws" && region == "":
		return "https://sts.amazonaws.com"
	case known:
		if region == "" {
			region = defRegion
		}
		return "https://sts." + region + "." + suffix
	case region == "":
		return ""
	}
	return sdkEndpoint(region)
}

// SigningRegion returns the region SigV4 signs with for that endpoint:
// us-east-1 for the global endpoint, the partition's default when no region
// fits, else the region.
func SigningRegion(partition, region string) string {
	if partition == "" {
		partition = "aws"
	}
	if region = regionFor(partition, region); region != "" {
		return region
	}
	defRegion, _, _ := partitionDefaults(partition)
	return defRegion
}

// regionFor returns region when it belongs to partition, else "".
func regionFor(partition, region string) string {
	region = strings.ToLower(strings.TrimSpace(region))
	if region == "" || region == "aws-global" || regionPartition(region) != partition {
		return ""
	}
	return region
}

// regionPartition tells a region's partition from its name, as AWS names
// them; it is only used to catch a region from the wrong partition.
func regionPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

// sdkEndpoint asks the SDK's own endpoint rules, which know the rarer
// partitions' DNS suffixes. They run locally: no request is made.
func sdkEndpoint(region string) string {
	ep, err := awssts.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), awssts.EndpointParameters{Region: &region})
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(ep.URI.String(), "/")
}

// partitionOfARN returns the partition field of an ARN, "" when it is not one.
func partitionOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}
