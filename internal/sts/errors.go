package sts

import (
	"errors"
	"strings"
)

// Error is an STS error response turned into plain language.
type Error struct {
	Op        string // "AssumeRoleWithSAML", "GetCallerIdentity"
	Code      string // STS error code, e.g. "AccessDenied"
	Message   string // STS's own message
	RequestID string // for AWS support
	Status    int    // HTTP status; 0 when the error was found before sending
}

func (e *Error) Error() string {
	msg := "aws sts " + e.Op + ": " + e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Cause says in one sentence what the error means and what to do.
func (e *Error) Cause() string {
	switch e.Code {
	case "AccessDenied":
		if e.Op == "AssumeRole" {
			return "AWS refused the chained role: its trust policy does not let the source role assume it, or wants another external_id; " +
				"ask the AWS account's administrators to check the role's trust policy"
		}
		return "AWS refused the role: its trust policy does not allow sts:AssumeRoleWithSAML from this SAML provider, " +
			"or you are not meant to have this role; ask the AWS account's administrators to check the role's trust policy"
	case "IDPRejectedClaim":
		return "AWS rejected the SAML assertion (bad signature, wrong audience, missing or invalid RoleSessionName, clock skew, " +
			"or the IAM SAML provider's metadata is outdated): ask the AWS administrators to upload the IdP's current metadata to the IAM SAML provider"
	case "InvalidIdentityToken":
		return "AWS could not use the SAML assertion: it is malformed or does not match the IAM SAML provider's metadata; " +
			"ask the AWS administrators to check the provider's metadata against the IdP"
	case "ExpiredTokenException", "ExpiredToken":
		return "the SAML assertion is too old (AWS accepts it only within 5 minutes of issue): log in again, " +
			"and check that this computer's clock is right"
	case "ValidationError":
		if e.durationTooLong() {
			return "the requested session duration is longer than the role's MaxSessionDuration allows: " +
				"ask for a shorter duration, or have the role's MaxSessionDuration raised"
		}
		return "AWS found a parameter of the request invalid: check the role ARN, provider ARN and duration"
	case "RegionDisabledException":
		return "STS is not activated in this region for the account: use another region, the global endpoint (no region), " +
			"or have an administrator activate the region in the IAM account settings"
	case "MalformedPolicyDocument":
		return "AWS found the session policy malformed: check the policy sent with the request"
	case "PackedPolicyTooLarge":
		return "the session policy and session tags are too large once packed: ask the IdP administrators to send fewer " +
			"https://aws.amazon.com/SAML/Attributes/PrincipalTag attributes, or shorten the policy"
	case "InvalidClientTokenId", "SignatureDoesNotMatch":
		return "AWS did not accept these keys: they may be for another partition or region, or this computer's clock may be wrong"
	case "Throttling", "ThrottlingException":
		return "AWS is throttling requests: wait a moment and try again"
	}
	hint := "STS refused the request: the message above says why"
	if e.RequestID != "" {
		hint += "; quote request ID " + e.RequestID + " to AWS support if it persists"
	}
	return hint
}

// Rejected reports whether AWS refused the user or the assertion, as opposed
// to a fault of the request or the service.
func (e *Error) Rejected() bool {
	switch e.Code {
	case "AccessDenied", "IDPRejectedClaim", "InvalidIdentityToken", "ExpiredTokenException", "ExpiredToken":
		return true
	}
	return false
}

func (e *Error) durationTooLong() bool {
	m := strings.ToLower(e.Message)
	return e.Code == "ValidationError" && (strings.Contains(m, "maxsessionduration") || strings.Contains(m, "durationseconds"))
}

// IsDurationTooLong reports whether err is STS refusing the requested
// duration, so that the caller can retry with a shorter one.
func IsDurationTooLong(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.durationTooLong()
}

// oneLine keeps text from the service on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
