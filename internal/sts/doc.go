// Package sts redeems a SAML assertion for temporary AWS credentials
// (AssumeRoleWithSAML) and checks them (GetCallerIdentity), over
// aws-sdk-go-v2's STS client built directly, with the endpoint chosen from
// the role's partition and the region.
//
// It owns the STS calls, their endpoints and turning STS errors into plain
// language. It does not read SAML (package saml does), write credentials
// anywhere, or read the user's AWS environment, credentials or config files:
// AssumeRoleWithSAML is anonymous, and GetCallerIdentity signs with exactly
// the keys it is given.
package sts
