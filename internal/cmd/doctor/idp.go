package doctor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
)

// checkIdP checks the way to l's IdP (or broker, or API host) and its
// answer to a plain GET of the start URL: no password, no cookie, no
// Authorization header goes with it.
func (d *doctor) checkIdP(ctx context.Context, file *config.File, l *config.Login) []Result {
	subject := "idp " + l.IdPName
	section := "url in " + idpSection(file, l)
	u, err := url.Parse(l.URL)
	if err != nil || u.Host == "" || (!strings.EqualFold(u.Scheme, "https") && !strings.EqualFold(u.Scheme, "http")) {
		return []Result{fail(subject, "url", fmt.Sprintf("%q is not an https:// URL", httpx.RedactString(l.URL)), "set "+section+" to the IdP's https:// address")}
	}
	c, err := cmdutil.IdPClient(l, cmdutil.IdPSection(l, file), false, d.opts.Timeout, d.f.Debug())
	t := target{subject: subject, url: u, client: c, err: err, fixURL: section, trust: "the system's roots",
		caFix: "point ca_file in " + idpSection(file, l) + " at a readable PEM file of your company's CA"}
	if ca := l.Settings["ca_file"]; ca != "" {
		t.trust = "ca_file " + ca + " and the system's roots"
	}
	a, rs := d.visit(ctx, t, http.MethodGet, "", "")
	if a == nil {
		return rs
	}
	rs = append(rs, judgeStart(subject, section, l.Provider, u, a.resp))
	if r, ok := judgeRedirect(t, l.Provider, a.resp); ok {
		rs = append(rs, r)
	}
	return append(rs, clock(subject, hostPortOf(u), a))
}

// judgeRedirect looks at where the start URL sends the browser: never from
// https to plain http, and, for a login form, to a host that may receive
// the password (the origin, or allowed_hosts).
func judgeRedirect(t target, providerName string, resp *http.Response) (Result, bool) {
	loc, err := resp.Location()
	if err != nil {
		return Result{}, false
	}
	from := resp.Request.URL
	if strings.EqualFold(from.Scheme, "https") && !strings.EqualFold(loc.Scheme, "https") {
		return fail(t.subject, "redirect", fmt.Sprintf("%s redirects to plain %s: awsfed never leaves https for http", httpx.Origin(from), httpx.Redact(loc)),
			"ask the IdP's administrators to keep the sign-in on https; something between may be intercepting the connection"), true
	}
	if providerName != "form" || httpx.Origin(loc) == httpx.Origin(from) {
		return Result{}, false
	}
	if re, refused := httpx.CheckTarget(t.client, loc, "the password").(*httpx.RefusedError); refused {
		return warn(t.subject, "redirect", fmt.Sprintf("the start URL sends the browser to %s: if the login form lives there, awsfed will refuse to send the password to it", httpx.Origin(loc)), re.Hint), true
	}
	return pass(t.subject, "redirect", fmt.Sprintf("the start URL sends the browser to %s, which allowed_hosts lets receive the password", httpx.Origin(loc))), true
}

// judgeStart judges the start URL's answer. Any answer shows the server is
// there; a missing page or a failing server deserves a look.
func judgeStart(subject, section, providerName string, u *url.URL, resp *http.Response) Result {
	found := fmt.Sprintf("GET %s answered HTTP %d", httpx.Redact(u), resp.StatusCode)
	if loc, err := resp.Location(); err == nil {
		found += " (a redirect to " + httpx.Redact(loc) + ")"
	}
	switch {
	case resp.StatusCode >= 500:
		return warn(subject, "http", found, "the server has trouble: try again later, or tell its administrators")
	case (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone) && (providerName == "form" || providerName == "browser"):
		return warn(subject, "http", found, "check "+section+": it should be the IdP-initiated sign-on URL of the AWS app")
	}
	return pass(subject, "http", found)
}
