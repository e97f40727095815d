package sandbox

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/beevik/etree"
)

// clockSkew is how far ahead of the STS's clock an IdP's may run.
const clockSkew = 5 * time.Minute

// acsRE matches AWS's assertion consumer service URLs, where a bearer
// assertion for AWS must be addressed.
var acsRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^https://(?:[a-z0-9-]+\.)?signin\.aws\.amazon\.com/saml$|^https://signin\.amazonaws-us-gov\.com/saml$|^https://signin\.amazonaws\.cn/saml$`)
})

// audienceRE matches the audiences AWS accepts.
var audienceRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^urn:amazon:webservices$|^https://(?:[a-z0-9-]+\.)?signin\.aws\.amazon\.com/saml$`)
})

func rejectedClaim(msg string) error { return reject(http.StatusForbidden, "IDPRejectedClaim", msg) }

func expired(msg string) error { return reject(http.StatusBadRequest, "ExpiredTokenException", msg) }

var errNotAuthorized = reject(http.StatusForbidden, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML")

type assumeResponse struct {
	XMLName  xml.Name         `xml:"AssumeRoleWithSAMLResponse"`
	NS       string           `xml:"xmlns,attr"`
	Result   assumeResult     `xml:"AssumeRoleWithSAMLResult"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

// credentialsXML is the Credentials element of every Assume* answer.
type credentialsXML struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type assumeResult struct {
	Audience        string `xml:"Audience"`
	AssumedRoleUser struct {
		AssumedRoleID string `xml:"AssumedRoleId"`
		Arn           string `xml:"Arn"`
	} `xml:"AssumedRoleUser"`
	Credentials      credentialsXML `xml:"Credentials"`
	Issuer           string         `xml:"Issuer"`
	NameQualifier    string         `xml:"NameQualifier"`
	PackedPolicySize *int           `xml:"PackedPolicySize,omitempty"`
	Subject          string         `xml:"Subject"`
	SubjectType      string         `xml:"SubjectType"`
}

// assumeRoleWithSAML checks the request in the order AWS does, each failure
// with AWS's code and status, and issues keys only for a request AWS would
// honour.
func (s *Sandbox) assumeRoleWithSAML(req *stsRequest) ([]byte, error) {
	p, err := checkAssumeParams(req.params)
	if err != nil {
		return nil, err
	}
	cert, providerName, sandboxProvider := s.provider(p.principalARN)
	if cert == nil {
		return nil, invalidToken("Issuer not present in specified provider")
	}
	now := s.now()
	a, status, err := s.verified(p.assertion, cert, now)
	if err != nil {
		return nil, err
	}
	if status != statusSuccess {
		return nil, invalidToken("Invalid SAML response: its status is not Success")
	}
	var issuer string
	if el := child(a, nsAssertion, "Issuer"); el != nil {
		issuer = strings.TrimSpace(el.Text())
	}
	if sandboxProvider && issuer != s.entityID {
		return nil, invalidToken("Issuer not present in specified provider")
	}
	if err := checkAudience(a); err != nil {
		return nil, err
	}
	recipient, err := checkSubjectConfirmation(a, now)
	if err != nil {
		return nil, err
	}
	if err := checkConditions(a, now); err != nil {
		return nil, err
	}
	if err := checkIssueInstant(a, now); err != nil {
		return nil, err
	}
	if !pairGranted(attributeValues(a, attrRole), p.roleARN, p.principalARN) || s.revoked(p.roleARN) {
		return nil, errNotAuthorized
	}
	names := attributeValues(a, attrRoleSessionName)
	if len(names) == 0 || names[0] == "" {
		return nil, rejectedClaim("RoleSessionName is required in AuthnResponse")
	}
	if !roleSessionNameRE().MatchString(names[0]) {
		return nil, rejectedClaim(`RoleSessionName in AuthnResponse must satisfy [\w+=,.@-]{2,64}`)
	}
	if p.duration > s.maxSession {
		return nil, reject(http.StatusBadRequest, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	var packed *int
	if p.hasPolicy {
		if !json.Valid([]byte(p.policy)) {
			return nil, reject(http.StatusBadRequest, "MalformedPolicyDocument", "Syntax errors in policy.")
		}
		pct := len(p.policy) * 100 / maxPolicyLen
		packed = &pct
	}
	return s.issueRoleKeys(req, p, a, issuer, providerName, recipient, names[0], packed, now)
}

// provider finds the certificate of the SAML provider principalARN names.
func (s *Sandbox) provider(principalARN string) (cert *x509.Certificate, name string, sandbox bool) {
	m := providerARNRE().FindStringSubmatch(principalARN)
	if m == nil {
		return nil, "", false
	}
	partition, account, name := m[1], m[2], m[3]
	// The sandbox IdP is registered as a SAML provider in each account its
	// users have roles in (one IdP serving many accounts, as is usual).
	if partition == "aws" && name == ProviderName && s.accounts[account] {
		return s.Cert, name, true
	}
	return s.trust[name], name, false
}

func checkAudience(a *etree.Element) error {
	conds := child(a, nsAssertion, "Conditions")
	restrictions := children(conds, nsAssertion, "AudienceRestriction")
	if conds == nil || len(restrictions) == 0 {
		return rejectedClaim("Audience restriction is required in AuthnResponse")
	}
	// SAML: every restriction must be met, by any one of its audiences.
	for _, ar := range restrictions {
		ok := false
		for _, aud := range children(ar, nsAssertion, "Audience") {
			ok = ok || audienceRE().MatchString(strings.TrimSpace(aud.Text()))
		}
		if !ok {
			return rejectedClaim("Invalid Audience in AuthnResponse: it must be urn:amazon:webservices or https://signin.aws.amazon.com/saml")
		}
	}
	return nil
}

// checkSubjectConfirmation wants exactly one bearer confirmation, addressed
// to AWS and not yet expired; it returns its Recipient.
func checkSubjectConfirmation(a *etree.Element, now time.Time) (string, error) {
	subject := child(a, nsAssertion, "Subject")
	if subject == nil || child(subject, nsAssertion, "NameID") == nil {
		return "", rejectedClaim("Subject with a NameID is required in AuthnResponse")
	}
	scs := children(subject, nsAssertion, "SubjectConfirmation")
	if len(scs) != 1 {
		return "", rejectedClaim("AuthnResponse must contain exactly one SubjectConfirmation")
	}
	if scs[0].SelectAttrValue("Method", "") != cmBearer {
		return "", rejectedClaim("SubjectConfirmation method must be bearer")
	}
	data := child(scs[0], nsAssertion, "SubjectConfirmationData")
	if data == nil {
		return "", rejectedClaim("SubjectConfirmationData is required in AuthnResponse")
	}
	recipient := data.SelectAttrValue("Recipient", "")
	if !acsRE().MatchString(recipient) {
		return "", rejectedClaim("Invalid Recipient in SubjectConfirmationData: it must be the AWS sign-in endpoint https://signin.aws.amazon.com/saml")
	}
	noa, ok := parseSAMLTime(data.SelectAttrValue("NotOnOrAfter", ""))
	if !ok {
		return "", rejectedClaim("NotOnOrAfter is required in SubjectConfirmationData")
	}
	if !now.Before(noa) {
		return "", expired("Response has expired")
	}
	return recipient, nil
}

func checkConditions(a *etree.Element, now time.Time) error {
	conds := child(a, nsAssertion, "Conditions")
	if conds == nil {
		return nil
	}
	if v := conds.SelectAttrValue("NotOnOrAfter", ""); v != "" {
		t, ok := parseSAMLTime(v)
		if !ok {
			return rejectedClaim("Conditions NotOnOrAfter is not a valid time")
		}
		if !now.Before(t) {
			return expired("Response has expired")
		}
	}
	if v := conds.SelectAttrValue("NotBefore", ""); v != "" {
		t, ok := parseSAMLTime(v)
		if !ok {
			return rejectedClaim("Conditions NotBefore is not a valid time")
		}
		if t.After(now.Add(clockSkew)) {
			return rejectedClaim("Response is not yet valid")
		}
	}
	return nil
}

func checkIssueInstant(a *etree.Element, now time.Time) error {
	ii, ok := parseSAMLTime(a.SelectAttrValue("IssueInstant", ""))
	if !ok {
		return rejectedClaim("IssueInstant is required in the Assertion")
	}
	if now.Sub(ii) > assertionLifetime {
		return expired("Token must be redeemed within 5 minutes of issuance")
	}
	if ii.Sub(now) > clockSkew {
		return rejectedClaim("IssueInstant is in the future")
	}
	return nil
}

// pairGranted reports whether a Role value names roleARN with principalARN,
// in either order (AWS documents role first; IdPs send both), and whether
// the role may trust the provider at all: IAM roles trust only SAML
// providers of their own account.
func pairGranted(values []string, roleARN, principalARN string) bool {
	if accountOf(roleARN) != accountOf(principalARN) {
		return false
	}
	for _, v := range values {
		a, b, ok := strings.Cut(v, ",")
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		if ok && (a == roleARN && b == principalARN || a == principalARN && b == roleARN) {
			return true
		}
	}
	return false
}

func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[1] + ":" + parts[4]
}

func (s *Sandbox) issueRoleKeys(req *stsRequest, p *assumeParams, a *etree.Element, issuer, providerName, recipient, session string, packed *int, now time.Time) ([]byte, error) {
	m := roleARNRE().FindStringSubmatch(p.roleARN)
	partition, account, roleName := m[1], m[2], m[4]
	nameID := child(child(a, nsAssertion, "Subject"), nsAssertion, "NameID")

	var res assumeResponse
	res.NS = stsNS
	res.Metadata.RequestID = req.requestID
	r := &res.Result
	r.Audience = recipient
	r.Issuer = issuer
	r.Subject = strings.TrimSpace(nameID.Text())
	r.SubjectType = subjectType(nameID.SelectAttrValue("Format", ""))
	r.NameQualifier = nameQualifier(issuer, account, providerName)
	r.PackedPolicySize = packed
	r.AssumedRoleUser.Arn = "arn:" + partition + ":sts::" + account + ":assumed-role/" + roleName + "/" + session
	r.AssumedRoleUser.AssumedRoleID = roleID(p.roleARN) + ":" + session

	c := &r.Credentials
	c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expiration = s.issueKeys(issued{
		arn: r.AssumedRoleUser.Arn, userID: r.AssumedRoleUser.AssumedRoleID, account: account,
	}, p.duration, now)
	return marshalResponse(res)
}

// subjectType is how STS names the NameID format.
func subjectType(format string) string {
	switch format {
	case nameIDPersistent:
		return "persistent"
	case nameIDTransient:
		return "transient"
	case "":
		return "unspecified"
	}
	return format
}

// nameQualifier is AWS's documented hash: base64(SHA-1(issuer + account ID
// + "/" + provider name)).
func nameQualifier(issuer, account, provider string) string {
	sum := sha1.Sum([]byte(issuer + account + "/" + provider))
	return base64.StdEncoding.EncodeToString(sum[:])
}
