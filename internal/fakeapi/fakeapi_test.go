package fakeapi

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReadPost(t *testing.T) {
	for _, tc := range []struct {
		method, ct, body, problem string
	}{
		{"POST", "application/json; charset=UTF-8", `{"a":1}`, ""},
		{"GET", "application/json", "", "GET /p: only POST is allowed"},
		{"POST", "text/plain", "x", `/p: Content-Type "text/plain", want application/json`},
		{"POST", "", "x", `/p: Content-Type "", want application/json`},
	} {
		r := httptest.NewRequest(tc.method, "/p", strings.NewReader(tc.body))
		r.Header.Set("Content-Type", tc.ct)
		raw, problem := ReadPost(r, "application/json")
		if problem != tc.problem || (problem == "" && string(raw) != tc.body) {
			t.Errorf("%s %q: ReadPost = %q, %q; want %q, %q", tc.method, tc.ct, raw, problem, tc.body, tc.problem)
		}
	}
}

func TestJSONObject(t *testing.T) {
	for raw, problem := range map[string]string{
		`{"a":"b","n":1}`: "",
		`[]`:              "/p: the body is not a JSON object",
		`null`:            "/p: the body is not a JSON object",
		`{"a":1} {}`:      "/p: data after the JSON object",
		`{"a":`:           "/p: the body is not a JSON object",
	} {
		obj, got := JSONObject("/p", []byte(raw), true)
		if got != problem || (problem == "" && obj["a"] != "b") {
			t.Errorf("JSONObject(%s) = %v, %q; want problem %q", raw, obj, got, problem)
		}
	}
}
