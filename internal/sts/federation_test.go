package sts

import (
	"net/url"
	"testing"
)

// The hosts AWS documents for the federation endpoint and the console in
// each partition (AWS IAM User Guide, "Enable custom identity broker access
// to the AWS console"; the GovCloud and China endpoint pages).
func TestFederationAndConsoleHosts(t *testing.T) {
	for _, tt := range []struct {
		partition, region, service string
		signin, console            string
	}{
		{"aws", "", "", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/console/home"},
		{"aws", "eu-west-1", "", "https://eu-west-1.signin.aws.amazon.com/federation", "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"},
		{"aws", "us-east-1", "s3", "https://us-east-1.signin.aws.amazon.com/federation", "https://us-east-1.console.aws.amazon.com/s3/home?region=us-east-1"},
		{"", "", "ec2", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/ec2/home"},
		{"aws-us-gov", "us-gov-west-1", "", "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
		{"aws-us-gov", "us-gov-east-1", "ec2", "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-east-1"},
		{"aws-cn", "cn-north-1", "", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/console/home?region=cn-north-1"},
		{"aws-cn", "cn-northwest-1", "s3", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/s3/home?region=cn-northwest-1"},
		// A region of another partition is ignored rather than inventing a host.
		{"aws-cn", "eu-west-1", "", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/console/home"},
		{"aws", "cn-north-1", "", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/console/home"},
	} {
		if got := FederationEndpoint(tt.partition, tt.region); got != tt.signin {
			t.Errorf("FederationEndpoint(%q, %q) = %s, want %s", tt.partition, tt.region, got, tt.signin)
		}
		if got := ConsoleURL(tt.partition, tt.region, tt.service); got != tt.console {
			t.Errorf("ConsoleURL(%q, %q, %q) = %s, want %s", tt.partition, tt.region, tt.service, got, tt.console)
		}
	}
}

func TestLogoutURL(t *testing.T) {
	next := "https://eu-west-1.signin.aws.amazon.com/federation?Action=login&SigninToken=t"
	got := LogoutURL("https://eu-west-1.signin.aws.amazon.com/federation", next)
	u, err := url.Parse(got)
	if err != nil || u.Host != "eu-west-1.signin.aws.amazon.com" || u.Path != "/oauth" || u.Query().Get("Action") != "logout" || u.Query().Get("redirect_uri") != next {
		t.Errorf("LogoutURL = %s", got)
	}
}
