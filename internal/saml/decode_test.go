package saml

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	// 0xfb 0xff 0xfe encodes to "+//+" in the standard alphabet and "-__-"
	// in the URL-safe one, so the alphabet really matters here.
	payload := append([]byte("<samlp:Response>"), 0xfb, 0xff, 0xfe, 'x')
	std := base64.StdEncoding.EncodeToString(payload)
	rawURL := base64.RawURLEncoding.EncodeToString(payload)
	if !strings.ContainsAny(rawURL, "-_") || !strings.HasSuffix(std, "=") {
		t.Fatalf("test payload does not exercise both alphabets and padding: %s %s", std, rawURL)
	}
	wrapped := func(s string, n int, sep string) string {
		var b strings.Builder
		for i := 0; i < len(s); i += n {
			b.WriteString(s[i:min(i+n, len(s))])
			b.WriteString(sep)
		}
		return b.String()
	}
	ok := []struct{ name, in string }{
		{"standard padded", std},
		{"standard unpadded", strings.TrimRight(std, "=")},
		{"url-safe unpadded", rawURL},
		{"url-safe padded", base64.URLEncoding.EncodeToString(payload)},
		{"crlf every 8", wrapped(std, 8, "\r\n")},
		{"url-safe with spaces and tabs", " " + wrapped(rawURL, 5, " \t") + "\n"},
		{"percent-encoded form value", strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(std)},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.in)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !bytes.Equal(got, payload) {
				t.Errorf("Decode = %q, want %q", got, payload)
			}
		})
	}

	bad := []struct{ name, in, wantErr string }{
		{"empty", "", "saml response: empty"},
		{"only spaces", " \r\n ", "saml response: empty"},
		{"raw xml", "<samlp:Response/>", "saml response: not base64: it looks like raw XML"},
		{"bad characters", "PHNhbWw*cDpSZXNw", "saml response: not base64"},
		{"truncated", "PHNhbWxwOlJl" + "c", "saml response: not base64"},
		{"too large even as whitespace", strings.Repeat(" ", 4*MaxSize+1) + "QUFB", "saml response: larger than 1024 KiB decoded"},
		{"too large", strings.Repeat("QUFB", MaxSize/3+1), "saml response: larger than 1024 KiB decoded"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.in)
			if err == nil {
				t.Fatalf("Decode = %q, want an error", got)
			}
			if !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("error %q, want prefix %q", err, tt.wantErr)
			}
		})
	}
}

func TestDecodeAcceptsExactlyMaxSize(t *testing.T) {
	in := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{'a'}, MaxSize))
	got, err := Decode(in)
	if err != nil || len(got) != MaxSize {
		t.Fatalf("Decode(%d bytes) = %d bytes, %v", MaxSize, len(got), err)
	}
}
