package browser

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
)

// acsHosts are the hosts of AWS's SAML assertion consumer service, one per
// partition; a regional one is "<region>." followed by the first.
var acsHosts = []string{"signin.aws.amazon.com", "signin.amazonaws-us-gov.com", "signin.amazonaws.cn"}

// acs decides which requests carry the assertion to AWS.
type acs struct {
	override *url.URL // acs_url, when set: only this origin and path
}

func newACS(raw string) (acs, error) {
	if raw == "" {
		return acs{}, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return acs{}, fmt.Errorf("acs_url %q is not an http(s) URL", raw)
	}
	return acs{override: u}, nil
}

// patterns are the Fetch patterns that pause every request this acs may
// match, plus every document request (the pages, for --debug and for
// knowing where the sign-in stands). The wildcards match more than AWS's
// hosts; matches checks each paused request exactly.
func (a acs) patterns() []*fetch.RequestPattern {
	ps := []*fetch.RequestPattern{
		{URLPattern: "*", ResourceType: network.ResourceTypeDocument, RequestStage: fetch.RequestStageRequest},
		// The answers too: the page that carries the SAMLResponse is read
		// as it arrives, not after its images, styles and script ran.
		{URLPattern: "*", ResourceType: network.ResourceTypeDocument, RequestStage: fetch.RequestStageResponse},
	}
	if a.override != nil {
		u := *a.override
		u.RawQuery, u.Fragment = "", ""
		ps = append(ps, &fetch.RequestPattern{URLPattern: escapePattern(u.String()) + "*", RequestStage: fetch.RequestStageRequest})
		return ps
	}
	for _, h := range acsHosts {
		ps = append(ps, &fetch.RequestPattern{URLPattern: "https://*" + h + "/saml*", RequestStage: fetch.RequestStageRequest})
	}
	return ps
}

// escapePattern escapes the Fetch wildcards (* and ?) and the escape
// character itself.
func escapePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`)
	return r.Replace(s)
}

// matches reports whether raw is a URL the assertion is posted to: AWS's
// ACS of any partition, global or regional, or exactly acs_url's origin and
// path.
func (a acs) matches(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if a.override != nil {
		o := a.override
		return strings.EqualFold(u.Scheme, o.Scheme) && strings.EqualFold(u.Host, o.Host) && samePath(u.Path, o.Path)
	}
	if u.Scheme != "https" || (u.Port() != "" && u.Port() != "443") || !samePath(u.Path, "/saml") {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, h := range acsHosts {
		if host == h {
			return true
		}
		if region, ok := strings.CutSuffix(host, "."+h); ok && isRegion(region) {
			return true
		}
	}
	return false
}

func samePath(a, b string) bool {
	return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/")
}

// isRegion accepts what AWS region names look like (us-east-1,
// us-gov-west-1, cn-north-1): lowercase letters, digits and dashes.
func isRegion(s string) bool {
	if s == "" || len(s) > 30 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return strings.Contains(s, "-")
}

// samlResponse reads the SAMLResponse form value out of a POST body, as
// the browser encoded it: urlencoded (what HTML forms send) or multipart.
func samlResponse(contentType string, body []byte) string {
	mt, params, _ := mime.ParseMediaType(contentType)
	if mt == "multipart/form-data" && params["boundary"] != "" {
		r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		f, err := r.ReadForm(1 << 20)
		if err != nil {
			return ""
		}
		defer f.RemoveAll()
		if v := f.Value["SAMLResponse"]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(v.Get("SAMLResponse"))
}

// postBody joins the entries of a paused request's body.
func postBody(r *network.Request) []byte {
	var b []byte
	for _, e := range r.PostDataEntries {
		b = append(b, e.Bytes...)
	}
	return b
}

// header returns a request header, whatever its case.
func header(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			if s, ok := v.(string); ok {
				return s
			}
		}
	}
	return ""
}
