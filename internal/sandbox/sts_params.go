package sandbox

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Bounds AWS puts on AssumeRoleWithSAML's parameters.
const (
	minARNLen       = 20
	maxARNLen       = 2048
	minAssertionLen = 4
	maxAssertionLen = 100000
	minDuration     = 900
	maxDuration     = 43200
	maxPolicyLen    = 2048
	maxPolicyARNs   = 10
)

var (
	roleARNRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role/((?:[\x21-\x7e]+/)*)([\w+=,.@-]{1,64})$`)
	})
	providerARNRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):saml-provider/([\w._-]{1,128})$`)
	})
)

// assumeParams are AssumeRoleWithSAML's parameters once they pass AWS's
// model constraints.
type assumeParams struct {
	roleARN, principalARN, assertion string
	duration                         time.Duration
	policy                           string
	hasPolicy                        bool
}

// checkAssumeParams applies the service model's constraints and reports
// every failure at once, worded as AWS words them. The assertion is never
// quoted: it is a credential.
func checkAssumeParams(p map[string][]string) (*assumeParams, error) {
	get := func(k string) (string, bool) {
		v, ok := p[k]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	}
	var problems []string
	length := func(member, value string, present bool, lo, hi int, quote bool) {
		shown := "'" + truncate(value, 256) + "'"
		if !quote {
			shown = "(not shown)"
		}
		switch {
		case !present:
			problems = append(problems, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", member))
		case len(value) < lo:
			problems = append(problems, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", shown, member, lo))
		case len(value) > hi:
			problems = append(problems, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", shown, member, hi))
		}
	}
	out := &assumeParams{duration: time.Hour}
	var okRole, okPrincipal, okAssertion bool
	out.roleARN, okRole = get("RoleArn")
	out.principalARN, okPrincipal = get("PrincipalArn")
	out.assertion, okAssertion = get("SAMLAssertion")
	length("roleArn", out.roleARN, okRole, minARNLen, maxARNLen, true)
	length("principalArn", out.principalARN, okPrincipal, minARNLen, maxARNLen, true)
	length("sAMLAssertion", out.assertion, okAssertion, minAssertionLen, maxAssertionLen, false)
	if d, ok := get("DurationSeconds"); ok {
		n, err := strconv.Atoi(d)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be an integer", truncate(d, 32)))
		case n < minDuration:
			problems = append(problems, fmt.Sprintf("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", n, minDuration))
		case n > maxDuration:
			problems = append(problems, fmt.Sprintf("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", n, maxDuration))
		default:
			out.duration = time.Duration(n) * time.Second
		}
	}
	if pol, ok := get("Policy"); ok {
		out.policy, out.hasPolicy = pol, true
		length("policy", pol, true, 1, maxPolicyLen, false)
	}
	if n := countMembers(p, "PolicyArns.member."); n > maxPolicyARNs {
		problems = append(problems, fmt.Sprintf("Value of %d items at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to %d", n, maxPolicyARNs))
	}
	if len(problems) > 0 {
		noun := "errors"
		if len(problems) == 1 {
			noun = "error"
		}
		return nil, reject(http.StatusBadRequest, "ValidationError",
			fmt.Sprintf("%d validation %s detected: %s", len(problems), noun, strings.Join(problems, "; ")))
	}
	if !roleARNRE().MatchString(out.roleARN) {
		return nil, reject(http.StatusBadRequest, "ValidationError", "Request ARN is invalid")
	}
	if !providerARNRE().MatchString(out.principalARN) {
		return nil, reject(http.StatusBadRequest, "ValidationError", "Principal ARN is invalid")
	}
	return out, nil
}

// countMembers counts the list members prefix1.arn, prefix2.arn, … of the
// Query protocol's list encoding.
func countMembers(p map[string][]string, prefix string) int {
	seen := map[string]bool{}
	for k := range p {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			n, _, _ := strings.Cut(rest, ".")
			seen[n] = true
		}
	}
	return len(seen)
}
