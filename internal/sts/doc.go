// Package sts redeems a SAML assertion for temporary AWS credentials
// (AssumeRoleWithSAML), chains roles (AssumeRole) and checks keys
// (GetCallerIdentity), speaking STS's Query protocol itself: a form POST,
// SigV4-signed where the call needs keys, and an XML answer. The endpoint is
// chosen from the role's partition and the region. It links no AWS SDK:
// every awsfed start, a cached credential-process included, would pay for
// the SDK's endpoint tables and schemas at package init.
//
// It owns the STS calls, their endpoints and turning STS errors into plain
// language. It does not read SAML (package saml does), write credentials
// anywhere, or read the user's AWS environment, credentials or config files:
// AssumeRoleWithSAML is anonymous, and GetCallerIdentity signs with exactly
// the keys it is given.
package sts
