package form

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
)

// maxPageBytes bounds what is read of one page; IdP pages are a few
// hundred kilobytes at most.
const maxPageBytes = 8 << 20

// get fetches and parses a page.
func get(ctx context.Context, c *http.Client, rawURL string) (*page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("IdP URL %s: %w", httpx.RedactString(rawURL), err)
	}
	return do(c, req)
}

// submit sends the form to target (from page.action) the way a browser
// would from page p.
func submit(ctx context.Context, c *http.Client, p *page, f *form, target *url.URL, values url.Values) (*page, error) {
	var (
		body  io.Reader
		ctype string
		err   error
	)
	if f.method == http.MethodPost {
		if f.multipart {
			body, ctype, err = multipartBody(values)
			if err != nil {
				return nil, err
			}
		} else {
			// url.Values.Encode escapes every byte that is not unreserved,
			// so any password arrives exactly as typed.
			body, ctype = strings.NewReader(values.Encode()), "application/x-www-form-urlencoded"
		}
	} else {
		// A GET form replaces the action's query, as browsers do.
		u := *target
		u.RawQuery = values.Encode()
		u.Fragment = ""
		target = &u
	}
	req, err := http.NewRequestWithContext(ctx, f.method, target.String(), body)
	if err != nil {
		return nil, fmt.Errorf("form action %s: %w", httpx.Redact(target), err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	setOrigin(req, p.url)
	return do(c, req)
}

// setOrigin adds the Origin and Referer a browser would send (with its
// default referrer policy), which some IdPs check against CSRF.
func setOrigin(req *http.Request, from *url.URL) {
	origin := from.Scheme + "://" + from.Host
	if req.Method == http.MethodPost {
		req.Header.Set("Origin", origin)
	}
	if from.Scheme == "https" && req.URL.Scheme == "http" {
		return
	}
	if req.URL.Scheme == from.Scheme && req.URL.Host == from.Host {
		ref := *from
		ref.Fragment, ref.User = "", nil
		req.Header.Set("Referer", ref.String())
		return
	}
	req.Header.Set("Referer", origin+"/")
}

// action resolves where f submits to. Only http and https are followed,
// and a password never goes from an https page to a plain http one.
func (p *page) action(f *form) (*url.URL, error) {
	target := p.url
	if a := strings.TrimSpace(f.action); a != "" {
		u, err := p.base.Parse(a)
		if err != nil {
			return nil, &provider.UnexpectedPageError{URL: httpx.Redact(p.url), Status: p.status, What: "the form's action is not a valid URL"}
		}
		target = u
	}
	if target.Scheme != "http" && target.Scheme != "https" {
		return nil, &provider.UnexpectedPageError{URL: httpx.Redact(p.url), Status: p.status, What: fmt.Sprintf("the form submits to a %q URL, which awsfed cannot follow", target.Scheme)}
	}
	if p.url.Scheme == "https" && target.Scheme == "http" && len(f.passwords) > 0 {
		return nil, &provider.UnexpectedPageError{URL: httpx.Redact(p.url), Status: p.status, What: "the login form would send the password unencrypted to " + httpx.Redact(target)}
	}
	return target, nil
}

func multipartBody(values url.Values) (io.Reader, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, name := range sortedKeys(values) {
		for _, v := range values[name] {
			if err := w.WriteField(name, v); err != nil {
				return nil, "", fmt.Errorf("form field %s: %w", name, err)
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("form body: %w", err)
	}
	return &buf, w.FormDataContentType(), nil
}

// do sends req and parses the answer, whatever its status: error pages
// are pages too, and their text explains the failure.
func do(c *http.Client, req *http.Request) (*page, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, httpx.Classify(err, req.URL.String())
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes))
	if err != nil {
		return nil, httpx.Classify(err, resp.Request.URL.String())
	}
	return parsePage(body, resp.Request.URL, resp.StatusCode), nil
}
