package sts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Sign adds AWS Signature Version 4 to req, a request whose body is body,
// for service in region, made at now with creds: X-Amz-Date,
// X-Amz-Security-Token when creds has a session token, and Authorization.
// The client signs its calls with it, and the sandbox's STS checks
// signatures by signing again (its tests sign with aws-sdk-go-v2, the
// end-to-end tests with the AWS CLI: two signers of others).
// It signs what the AWS SDKs sign: host, Content-Length, X-Amz-Date, the
// token and every header req already carries but User-Agent; and the path
// escaped once more, as every service but S3 expects. See
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html.
func Sign(req *http.Request, body []byte, creds Credentials, region, service string, now time.Time) {
	const algorithm = "AWS4-HMAC-SHA256"
	amzDate := now.UTC().Format("20060102T150405Z")
	day := amzDate[:8]
	req.Header.Set("X-Amz-Date", amzDate)
	if creds.SessionToken != "" {
		req.Header.Set("X-Amz-Security-Token", creds.SessionToken)
	}
	// The Host header Go sends leaves out the scheme's default port; the
	// signature must name the host as sent.
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	if h, port, err := net.SplitHostPort(host); err == nil &&
		((port == "443" && req.URL.Scheme == "https") || (port == "80" && req.URL.Scheme == "http")) {
		host = h
		if strings.Contains(h, ":") {
			host = "[" + h + "]"
		}
		req.Host = host
	}

	names := []string{"host"}
	values := map[string]string{"host": host}
	if req.ContentLength > 0 {
		names = append(names, "content-length")
		values["content-length"] = strconv.FormatInt(req.ContentLength, 10)
	}
	for k, vs := range req.Header {
		name := strings.ToLower(k)
		if name == "user-agent" || name == "authorization" || name == "content-length" {
			continue
		}
		clean := make([]string, len(vs))
		for i, v := range vs {
			clean[i] = strings.Join(strings.Fields(v), " ")
		}
		names = append(names, name)
		values[name] = strings.Join(clean, ",")
	}
	sort.Strings(names)
	var canonical strings.Builder
	canonical.WriteString(req.Method + "\n" + escapePath(req.URL.EscapedPath()) + "\n" + canonicalQuery(req.URL.RawQuery) + "\n")
	for _, n := range names {
		canonical.WriteString(n + ":" + values[n] + "\n")
	}
	signedHeaders := strings.Join(names, ";")
	canonical.WriteString("\n" + signedHeaders + "\n" + hexSHA256(body))

	scope := day + "/" + region + "/" + service + "/aws4_request"
	toSign := algorithm + "\n" + amzDate + "\n" + scope + "\n" + hexSHA256([]byte(canonical.String()))
	key := hmacSHA256([]byte("AWS4"+creds.SecretAccessKey), day)
	for _, part := range []string{region, service, "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	signature := hex.EncodeToString(hmacSHA256(key, toSign))
	req.Header.Set("Authorization", algorithm+" Credential="+creds.AccessKeyID+"/"+scope+", SignedHeaders="+signedHeaders+", Signature="+signature)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonicalQuery is the query sorted by name, every name and value
// percent-encoded but the unreserved characters, as the SDKs make it.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, _ := url.ParseQuery(raw)
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}

// escapePath percent-encodes every byte of p but the unreserved characters
// and '/'.
func escapePath(p string) string {
	if p == "" {
		return "/"
	}
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
