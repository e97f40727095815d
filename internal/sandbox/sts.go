package sandbox

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
)

const (
	stsVersion = "2011-06-15"
	stsNS      = "https://sts.amazonaws.com/doc/2011-06-15/"
	maxSTSBody = 1 << 20
)

// stsActions are STS's real actions, named in the log and in the refusal
// of those the sandbox does not implement.
var stsActions = map[string]bool{
	"AssumeRole": true, "AssumeRoleWithSAML": true, "AssumeRoleWithWebIdentity": true, "AssumeRoot": true,
	"DecodeAuthorizationMessage": true, "GetAccessKeyInfo": true, "GetCallerIdentity": true,
	"GetDelegatedAccessToken": true, "GetFederationToken": true, "GetSessionToken": true, "GetWebIdentityToken": true,
}

// stsError is an STS error response.
type stsError struct {
	status    int
	code, msg string
}

func (e *stsError) Error() string { return e.code + ": " + e.msg }

func reject(status int, code, msg string) *stsError {
	return &stsError{status: status, code: code, msg: msg}
}

// stsRequest is one parsed Query-protocol request.
type stsRequest struct {
	http      *http.Request
	body      []byte
	params    url.Values
	requestID string
}

func (s *Sandbox) serveSTS(w http.ResponseWriter, r *http.Request) {
	s.stsCount.Add(1)
	req := &stsRequest{http: r, requestID: newRequestID()}
	action, out, err := s.handleSTS(w, req)
	s.countAction(action, err == nil)
	logAction := action
	if !stsActions[action] {
		logAction = "(unknown action)"
	}
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("x-amzn-RequestId", req.requestID)
	var se *stsError
	if errors.As(err, &se) {
		w.WriteHeader(se.status)
		w.Write(errorXML(se.code, se.msg, req.requestID))
		s.logf("sts %s %s %s -> %d %s", r.Method, r.URL.Path, logAction, se.status, se.code)
		return
	}
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write(errorXML("InternalFailure", "The request processing has failed because of an unknown error.", req.requestID))
		s.logf("sts %s %s %s -> 500 InternalFailure", r.Method, r.URL.Path, logAction)
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(out)
	s.logf("sts %s %s %s -> 200", r.Method, r.URL.Path, logAction)
}

func (s *Sandbox) handleSTS(w http.ResponseWriter, req *stsRequest) (action string, out []byte, err error) {
	r := req.http
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return "", nil, reject(http.StatusMethodNotAllowed, "InvalidAction", "STS takes GET or POST requests")
	}
	req.body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, maxSTSBody))
	if err != nil {
		return "", nil, reject(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body too large")
	}
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", nil, reject(http.StatusBadRequest, "MalformedQueryString", "The query string is not properly URL-encoded")
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); r.Method == http.MethodPost && mt == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(req.body))
		if err != nil {
			return "", nil, reject(http.StatusBadRequest, "MalformedQueryString", "The request body is not properly URL-encoded")
		}
		for k, v := range form {
			params[k] = v
		}
	}
	req.params = params

	action = params.Get("Action")
	version := params.Get("Version")
	switch {
	case action == "":
		return "", nil, reject(http.StatusBadRequest, "MissingAction", "Missing Action")
	case version == "":
		return action, nil, reject(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter Version")
	case version != stsVersion || !stsActions[action]:
		// What AWS answers for an action or version it does not know.
		return action, nil, reject(http.StatusBadRequest, "InvalidAction",
			fmt.Sprintf("Could not find operation %s for version %s", truncate(action, 64), truncate(version, 32)))
	}
	switch action {
	case "AssumeRoleWithSAML":
		out, err = s.assumeRoleWithSAML(req)
	case "GetCallerIdentity":
		out, err = s.getCallerIdentity(req)
	case "AssumeRole":
		out, err = s.assumeRole(req)
	default:
		err = reject(http.StatusBadRequest, "InvalidAction", "The awsfed sandbox does not implement "+action)
	}
	return action, out, err
}

func errorXML(code, msg, requestID string) []byte {
	var b bytes.Buffer
	b.WriteString(`<ErrorResponse xmlns="` + stsNS + `"><Error><Type>Sender</Type><Code>`)
	xml.EscapeText(&b, []byte(code))
	b.WriteString(`</Code><Message>`)
	xml.EscapeText(&b, []byte(msg))
	b.WriteString(`</Message></Error><RequestId>`)
	xml.EscapeText(&b, []byte(requestID))
	b.WriteString(`</RequestId></ErrorResponse>`)
	return b.Bytes()
}

// responseMetadata closes every successful answer.
type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

func marshalResponse(v any) ([]byte, error) {
	out, err := xml.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("sandbox: writing the STS answer: %w", err)
	}
	return append([]byte(xml.Header), out...), nil
}

func newRequestID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
