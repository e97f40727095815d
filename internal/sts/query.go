package sts

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
)

const (
	apiVersion = "2011-06-15"
	// maxAnswer bounds what is read of an answer: STS's are a few KB.
	maxAnswer = 1 << 20
	// attempts: a person is waiting and an assertion expires in minutes, so
	// a transient failure is tried once more, after a short pause.
	attempts = 2
)

// retryPause is the wait before the second attempt.
func retryPause() time.Duration { return 200*time.Millisecond + rand.N(300*time.Millisecond) }

// defaultHTTP serves a Client without one of its own. Like the clients
// awsfed injects (httpx.NoRedirects), it follows no redirect: a request
// carries an assertion or a signature, which must not go to another host,
// and STS never answers with one.
var defaultHTTP = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// call sends one STS Query-protocol request (Action op, Version, params)
// to endpoint, SigV4-signed for region with creds unless creds is nil, and
// decodes the answer's <opResult> into result. A transient failure (a
// connection refused or reset, HTTP 5xx, throttling) is tried once more.
func (c *Client) call(ctx context.Context, op, endpoint, region string, params url.Values, creds *Credentials, result any) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("aws sts %s: the STS endpoint %q is not an http(s) URL", op, httpx.RedactString(endpoint))
	}
	// The endpoint's own path stays (a proxy may serve STS under one);
	// its query and fragment do not.
	u = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	if u.Path == "" {
		u.Path = "/"
	}
	form := url.Values{"Action": {op}, "Version": {apiVersion}}
	for k, v := range params {
		form[k] = v
	}
	body := []byte(form.Encode())
	client := c.HTTP
	if client == nil {
		client = defaultHTTP
	}
	for attempt := 1; ; attempt++ {
		status, answer, reqID, err := send(ctx, client, u, body, region, creds)
		if err == nil {
			return decodeResult(op, endpoint, answer, result)
		}
		var stsErr *Error
		again := false
		if status != 0 {
			stsErr = decodeError(op, status, answer, reqID)
			again, err = stsErr.transient(), stsErr
		} else {
			again = ctx.Err() == nil && transient(err)
			// The transport's own wording names host and port.
			var uerr *url.Error
			if errors.As(err, &uerr) {
				err = uerr
			}
			err = fmt.Errorf("aws sts %s: %w", op, httpx.Classify(err, endpoint))
		}
		if !again || attempt >= attempts {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("aws sts %s: %w", op, ctx.Err())
		case <-time.After(retryPause()):
		}
	}
}

// send makes one attempt. A non-zero status is an answer other than 200,
// whose body is answer.
func send(ctx context.Context, client *http.Client, u *url.URL, body []byte, region string, creds *Credentials) (status int, answer []byte, requestID string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("User-Agent", "awsfed")
	if creds != nil {
		Sign(req, body, *creds, region, "sts", time.Now())
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	answer, err = io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return 0, nil, "", err
	}
	requestID = resp.Header.Get("X-Amzn-Requestid")
	if requestID == "" {
		requestID = resp.Header.Get("X-Amz-Request-Id")
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, answer, requestID, errors.New(resp.Status)
	}
	return resp.StatusCode, answer, requestID, nil
}

// decodeResult reads <opResponse><opResult>…</opResult>…</opResponse>
// into result.
func decodeResult(op, endpoint string, answer []byte, result any) error {
	d := xml.NewDecoder(bytes.NewReader(answer))
	for depth := 0; ; {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if _, ok := tok.(xml.EndElement); ok {
			depth--
			continue
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		depth++
		if depth == 1 && t.Name.Local != op+"Response" {
			break
		}
		if depth == 2 && t.Name.Local == op+"Result" {
			if err := d.DecodeElement(result, &t); err != nil {
				return fmt.Errorf("aws sts %s: the answer from %s does not parse: %v", op, httpx.RedactString(endpoint), err)
			}
			return nil
		}
	}
	return fmt.Errorf("aws sts %s: the answer from %s is not an STS %s answer: %s", op, httpx.RedactString(endpoint), op, snippet(answer))
}

// errorResponse is STS's error answer:
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>.
type errorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// decodeError turns an answer other than 200 into *Error. An answer that
// is not STS's error document (a proxy's page) keeps its HTTP status as
// the code, and a line of its text as the message.
func decodeError(op string, status int, answer []byte, requestID string) *Error {
	e := &Error{Op: op, Status: status, RequestID: oneLine(requestID)}
	var doc errorResponse
	if xml.Unmarshal(answer, &doc) == nil && strings.TrimSpace(doc.Code) != "" {
		e.Code, e.Message = oneLine(doc.Code), oneLine(doc.Message)
		if id := oneLine(doc.RequestID); id != "" && e.RequestID == "" {
			e.RequestID = id
		}
		return e
	}
	e.Code = "UnknownError"
	e.Message = fmt.Sprintf("HTTP %d %s, not an STS answer: %s", status, http.StatusText(status), snippet(answer))
	return e
}

// snippet is the start of an answer on one line, for errors.
func snippet(answer []byte) string {
	s := oneLine(truncate(string(answer), 200))
	if s == "" {
		return "(empty)"
	}
	return s
}

// transient reports whether STS's refusal is worth one more attempt: what
// the AWS SDKs retry by default (HTTP 5xx and 429, throttling, timeouts),
// and STS's IDPCommunicationError.
func (e *Error) transient() bool {
	switch e.Status {
	case 429, 500, 502, 503, 504:
		return true
	}
	switch e.Code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown",
		"PriorRequestNotComplete", "RequestTimeout", "RequestTimeoutException", "IDPCommunicationError":
		return true
	}
	return false
}

// transient reports whether a request that got no answer is worth one more
// attempt, as the AWS SDKs judge it: a connection refused (the service may
// be starting), reset or failed to dial, a temporary DNS failure, a
// timeout; never a cancellation or a name that does not exist.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return !dns.IsNotFound
	}
	var opErr *net.OpError
	var timeout interface{ Timeout() bool }
	msg := err.Error()
	switch {
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "connection reset"),
		strings.Contains(msg, "use of closed network connection"):
		return true
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return true
	case errors.As(err, &timeout) && timeout.Timeout():
		return true
	}
	return false
}
