// Package fakeapi holds the request checks the test doubles of vendor APIs
// (oktatest, onelogintest, vrotest) share: a fake must refuse what the
// real service refuses, and each refusal names the path and what was wrong.
package fakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// MaxBody is the most of a request body a fake reads.
const MaxBody = 1 << 20

// IsMediaType reports whether a Content-Type or Accept value is mediaType
// (parameters such as charset allowed).
func IsMediaType(v, mediaType string) bool {
	mt, _, err := mime.ParseMediaType(v)
	return err == nil && mt == mediaType
}

// ReadPost checks that r is a POST whose Content-Type is mediaType and
// reads its body. problem, when not "", says what is wrong.
func ReadPost(r *http.Request, mediaType string) (body []byte, problem string) {
	if r.Method != http.MethodPost {
		return nil, fmt.Sprintf("%s %s: only POST is allowed", r.Method, r.URL.Path)
	}
	if ct := r.Header.Get("Content-Type"); !IsMediaType(ct, mediaType) {
		return nil, fmt.Sprintf("%s: Content-Type %q, want %s", r.URL.Path, ct, mediaType)
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, MaxBody))
	if err != nil {
		return nil, fmt.Sprintf("%s: reading the body: %v", r.URL.Path, err)
	}
	return raw, ""
}

// JSONObject decodes raw as one JSON object and nothing after it; numbers
// stay json.Number when useNumber. problem, when not "", says what is
// wrong, naming path.
func JSONObject(path string, raw []byte, useNumber bool) (obj map[string]any, problem string) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if useNumber {
		dec.UseNumber()
	}
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, path + ": the body is not a JSON object"
	}
	if dec.More() {
		return nil, path + ": data after the JSON object"
	}
	return obj, ""
}
