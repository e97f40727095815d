package doctor

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/sts"
)

// stsEndpoint is the STS endpoint l's keys come from: sts_endpoint (or
// AWS_ENDPOINT_URL_STS), else the one of the role's partition and region.
func stsEndpoint(l *config.Login) string {
	return (&sts.Client{Endpoint: l.STSEndpoint, Region: l.Region}).ResolvedEndpoint(l.RoleARN)
}

// unsignedCall is a GetCallerIdentity without a signature: STS answers it
// with its MissingAuthenticationToken error, which proves that STS (not a
// proxy's page) answers there, and nothing secret is sent.
const unsignedCall = "Action=GetCallerIdentity&Version=2011-06-15"

// checkSTS checks the way to l's STS endpoint with the client a sign-in
// uses (AWS_CA_BUNDLE or ca_bundle, no redirects, plain http refused) and
// that STS answers an unsigned request.
func (d *doctor) checkSTS(ctx context.Context, l *config.Login) []Result {
	endpoint := stsEndpoint(l)
	subject := "sts " + httpx.RedactString(endpoint)
	fixURL := fmt.Sprintf("sts_endpoint or region in [account %s]", l.Account)
	u, err := url.Parse(endpoint)
	if endpoint == "" || err != nil || u.Host == "" {
		return []Result{fail("sts", "endpoint", fmt.Sprintf("no STS endpoint is known for account %s (role %q, region %q)", l.Account, l.RoleARN, l.Region), "set "+fixURL)}
	}
	resolved := *l
	resolved.STSEndpoint = endpoint
	trust, found := d.caBundle(l)
	rs := []Result{pass(subject, "ca bundle", found)}
	c, err := cmdutil.STSClient(&resolved, d.getenv, d.opts.Timeout, d.f.Debug())
	t := target{subject: subject, url: u, client: c, err: err, fixURL: fixURL, trust: trust,
		caFix: "point AWS_CA_BUNDLE (or ca_bundle of the profile " + l.Profile + ") at a readable PEM file, as the AWS CLI needs too"}
	a, more := d.visit(ctx, t, http.MethodPost, unsignedCall, "application/x-www-form-urlencoded; charset=utf-8")
	rs = append(rs, more...)
	if a == nil {
		return rs
	}
	return append(rs, judgeSTS(subject, fixURL, a), clock(subject, hostPortOf(u), a))
}

// caBundle says which roots STS calls trust: those the AWS CLI would.
func (d *doctor) caBundle(l *config.Login) (trust, found string) {
	const system = " and the system's roots"
	file, setting, _ := cmdutil.AWSCABundle(l.Profile, d.getenv)
	switch {
	case file == "":
		return "the system's roots", "the system's roots are trusted (no AWS_CA_BUNDLE, no ca_bundle in the profile " + l.Profile + ")"
	case setting == "AWS_CA_BUNDLE":
		return "AWS_CA_BUNDLE=" + file + system, "AWS_CA_BUNDLE=" + file + system + " are trusted"
	}
	return "ca_bundle " + file + system, fmt.Sprintf("ca_bundle = %s %s%s are trusted", file, strings.TrimPrefix(setting, "ca_bundle "), system)
}

// judgeSTS reads the answer to the unsigned call: an AWS error document
// (or, from a lenient fake, a GetCallerIdentity result) is STS.
func judgeSTS(subject, fixURL string, a *answer) Result {
	code := between(a.body, "<Code>", "</Code>")
	switch {
	case code != "":
		return pass(subject, "answer", fmt.Sprintf("STS answered an unsigned request with AWS's error %s (HTTP %d), as it should", code, a.resp.StatusCode))
	case bytes.Contains(a.body, []byte("<GetCallerIdentityResponse")):
		return pass(subject, "answer", fmt.Sprintf("STS answered GetCallerIdentity (HTTP %d)", a.resp.StatusCode))
	}
	found := fmt.Sprintf("HTTP %d with a %q body that is not an answer of STS", a.resp.StatusCode, a.resp.Header.Get("Content-Type"))
	if loc, err := a.resp.Location(); err == nil {
		found += ", a redirect to " + httpx.Redact(loc)
	}
	return fail(subject, "answer", found, "something else answers there (a proxy, a captive portal, another service): check "+fixURL+", AWS_ENDPOINT_URL_STS and the proxy settings")
}

// between returns the text between the first open and the next close in
// b, kept short and printable: it comes from the network.
func between(b []byte, open, close string) string {
	i := bytes.Index(b, []byte(open))
	if i < 0 {
		return ""
	}
	rest := b[i+len(open):]
	j := bytes.Index(rest, []byte(close))
	if j < 0 || j > 64 {
		return ""
	}
	s := string(rest[:j])
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return ""
		}
	}
	return s
}
