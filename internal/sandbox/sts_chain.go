package sandbox

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// chainedCap is the longest session AWS grants to keys that came from
// another role (role chaining), whatever the role's MaxSessionDuration.
const chainedCap = time.Hour

var (
	externalIDRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@:/-]+$`) })
)

type assumeRoleResponse struct {
	XMLName  xml.Name         `xml:"AssumeRoleResponse"`
	NS       string           `xml:"xmlns,attr"`
	Result   assumeRoleResult `xml:"AssumeRoleResult"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

type assumeRoleResult struct {
	AssumedRoleUser struct {
		AssumedRoleID string `xml:"AssumedRoleId"`
		Arn           string `xml:"Arn"`
	} `xml:"AssumedRoleUser"`
	Credentials credentialsXML `xml:"Credentials"`
}

// assumeRole is STS AssumeRole, signed (SigV4) with keys this STS issued.
// Every key the sandbox issues belongs to a role, so every AssumeRole is
// role chaining: AWS caps those sessions at one hour and answers a longer
// DurationSeconds with ValidationError. A role's trust policy is modelled
// by Options.ExternalIDs (the ExternalId the role requires) and by Revoke.
func (s *Sandbox) assumeRole(req *stsRequest) ([]byte, error) {
	caller, err := s.authenticate(req)
	if err != nil {
		return nil, err
	}
	p := req.params
	var v validator
	roleARN, session := p.Get("RoleArn"), p.Get("RoleSessionName")
	v.length("roleArn", roleARN, p.Has("RoleArn"), minARNLen, maxARNLen, true)
	switch {
	case !p.Has("RoleSessionName"):
		v.add("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	case !roleSessionNameRE().MatchString(session):
		v.add("Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", truncate(session, 64))
	}
	duration := v.duration(p)
	externalID, hasExternalID := p.Get("ExternalId"), p.Has("ExternalId")
	if hasExternalID && (len(externalID) < 2 || len(externalID) > 1224 || !externalIDRE().MatchString(externalID)) {
		v.add("Value at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	m := roleARNRE().FindStringSubmatch(roleARN)
	if m == nil {
		return nil, reject(http.StatusBadRequest, "ValidationError", "Request ARN is invalid")
	}
	denied := reject(http.StatusForbidden, "AccessDenied",
		fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.arn, roleARN))
	if s.revoked(roleARN) || m[1] != partitionOf(caller.arn) {
		return nil, denied
	}
	if want, ok := s.externalIDs[roleARN]; ok && (!hasExternalID || externalID != want) {
		return nil, denied
	}
	if duration > chainedCap {
		return nil, reject(http.StatusBadRequest, "ValidationError",
			"The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if duration > s.maxSession {
		return nil, reject(http.StatusBadRequest, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	partition, account, roleName := m[1], m[2], m[4]
	var res assumeRoleResponse
	res.NS = stsNS
	res.Metadata.RequestID = req.requestID
	r := &res.Result
	r.AssumedRoleUser.Arn = "arn:" + partition + ":sts::" + account + ":assumed-role/" + roleName + "/" + session
	r.AssumedRoleUser.AssumedRoleID = roleID(roleARN) + ":" + session
	now := s.now()
	c := &r.Credentials
	c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expiration = s.issueKeys(issued{
		arn: r.AssumedRoleUser.Arn, userID: r.AssumedRoleUser.AssumedRoleID, account: account, chained: true,
	}, duration, now)
	return marshalResponse(res)
}

// issueKeys makes new keys for i, valid for lifetime (or the
// CredentialLifetime knob), remembers them and returns them with their
// expiry in AWS's format.
func (s *Sandbox) issueKeys(i issued, lifetime time.Duration, now time.Time) (akid, secret, token, expiration string) {
	if s.lifetime > 0 {
		lifetime = s.lifetime
	}
	i.expires = now.Add(lifetime).UTC().Truncate(time.Second)
	i.secret, i.token = newSecretKey(), newSessionToken()
	akid = newAccessKeyID()
	s.creds.add(akid, i, now)
	return akid, i.secret, i.token, i.expires.Format(time.RFC3339)
}

// partitionOf is the partition field of an ARN.
func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}

// Revoke makes roleARN refuse every later AssumeRoleWithSAML and AssumeRole
// with AccessDenied, as when its trust policy no longer names the provider
// or the caller.
func (s *Sandbox) Revoke(roleARN string) {
	s.actionMu.Lock()
	defer s.actionMu.Unlock()
	if s.revokedRoles == nil {
		s.revokedRoles = map[string]bool{}
	}
	s.revokedRoles[roleARN] = true
}

func (s *Sandbox) revoked(roleARN string) bool {
	s.actionMu.Lock()
	defer s.actionMu.Unlock()
	return s.revokedRoles[roleARN]
}
