// Package saml decodes a SAMLResponse and reads it the way an AWS client
// needs it: the roles it grants, the session name and duration, and when it
// stops being redeemable.
//
// It owns only parsing. It does not verify signatures (AWS does that against
// the IAM SAML provider's metadata), makes no HTTP or AWS calls, and knows
// nothing of IdPs or credentials files. Its input is untrusted: every error is
// one line, starts with "saml response: " and never quotes the assertion.
package saml
