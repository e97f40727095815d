package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
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

// validator collects what violates the service model's constraints, worded
// as AWS words them, so that every failure is reported at once.
type validator struct{ problems []string }

func (v *validator) add(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

// length checks a string member; quote false never shows the value (it is a
// credential).
func (v *validator) length(member, value string, present bool, lo, hi int, quote bool) {
	shown := "'" + truncate(value, 256) + "'"
	if !quote {
		shown = "(not shown)"
	}
	switch {
	case !present:
		v.add("Value null at '%s' failed to satisfy constraint: Member must not be null", member)
	case len(value) < lo:
		v.add("Value %s at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", shown, member, lo)
	case len(value) > hi:
		v.add("Value %s at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", shown, member, hi)
	}
}

// duration reads DurationSeconds; absent, it is one hour, as in AWS.
func (v *validator) duration(p url.Values) time.Duration {
	if !p.Has("DurationSeconds") {
		return time.Hour
	}
	d := p.Get("DurationSeconds")
	n, err := strconv.Atoi(d)
	switch {
	case err != nil:
		v.add("Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be an integer", truncate(d, 32))
	case n < minDuration:
		v.add("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", n, minDuration)
	case n > maxDuration:
		v.add("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", n, maxDuration)
	default:
		return time.Duration(n) * time.Second
	}
	return time.Hour
}

// err is AWS's ValidationError listing every problem, or nil.
func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	noun := "errors"
	if len(v.problems) == 1 {
		noun = "error"
	}
	return reject(http.StatusBadRequest, "ValidationError",
		fmt.Sprintf("%d validation %s detected: %s", len(v.problems), noun, strings.Join(v.problems, "; ")))
}

// checkAssumeParams applies the service model's constraints and reports
// every failure at once, worded as AWS words them. The assertion is never
// quoted: it is a credential.
func checkAssumeParams(p url.Values) (*assumeParams, error) {
	var v validator
	out := &assumeParams{roleARN: p.Get("RoleArn"), principalARN: p.Get("PrincipalArn"), assertion: p.Get("SAMLAssertion")}
	v.length("roleArn", out.roleARN, p.Has("RoleArn"), minARNLen, maxARNLen, true)
	v.length("principalArn", out.principalARN, p.Has("PrincipalArn"), minARNLen, maxARNLen, true)
	v.length("sAMLAssertion", out.assertion, p.Has("SAMLAssertion"), minAssertionLen, maxAssertionLen, false)
	out.duration = v.duration(p)
	if p.Has("Policy") {
		out.policy, out.hasPolicy = p.Get("Policy"), true
		v.length("policy", out.policy, true, 1, maxPolicyLen, false)
	}
	if n := countMembers(p, "PolicyArns.member."); n > maxPolicyARNs {
		v.add("Value of %d items at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to %d", n, maxPolicyARNs)
	}
	if err := v.err(); err != nil {
		return nil, err
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
