package sts

import "strings"

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
// For the other partitions the region decides, as in the AWS SDKs'
// endpoint rules; "" means awsfed cannot tell.
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
	if suffix := dnsSuffix(partition); suffix != "" && isHostLabel(region) {
		return "https://sts." + region + "." + suffix
	}
	return ""
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

// dnsSuffix is the DNS suffix of the endpoints of the partitions that
// regionPartition names besides aws, aws-cn and aws-us-gov, as the AWS
// SDKs' partitions.json gives them.
func dnsSuffix(partition string) string {
	switch partition {
	case "aws-iso":
		return "c2s.ic.gov"
	case "aws-iso-b":
		return "sc2s.sgov.gov"
	case "aws-iso-e":
		return "cloud.adc-e.uk"
	case "aws-iso-f":
		return "csp.hci.ic.gov"
	case "aws-eusc":
		return "amazonaws.eu"
	}
	return ""
}

// isHostLabel reports whether s can stand in a host name as one label.
func isHostLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// partitionOfARN returns the partition field of an ARN, "" when it is not one.
func partitionOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}
