package sandbox

import (
	"crypto/subtle"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/sts"
)

const (
	amzDateFormat = "20060102T150405Z"
	maxSigSkew    = 15 * time.Minute
)

var (
	errInvalidKey    = reject(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
	errSignatureDiff = reject(http.StatusForbidden, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. "+
			"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
)

type identityResponse struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	NS      string   `xml:"xmlns,attr"`
	Result  struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	} `xml:"GetCallerIdentityResult"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

func (s *Sandbox) getCallerIdentity(req *stsRequest) ([]byte, error) {
	key, err := s.authenticate(req)
	if err != nil {
		return nil, err
	}
	var res identityResponse
	res.NS = stsNS
	res.Result.Arn, res.Result.UserID, res.Result.Account = key.arn, key.userID, key.account
	res.Metadata.RequestID = req.requestID
	return marshalResponse(res)
}

// sigV4Auth is a parsed "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…,
// Signature=…" header.
type sigV4Auth struct {
	akid, date, region, service, terminator string
	signedHeaders                           []string
	signature                               string
}

func parseSigV4(h string) (*sigV4Auth, error) {
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return nil, reject(http.StatusBadRequest, "IncompleteSignature", "Unsupported AWS 'algorithm': only AWS4-HMAC-SHA256 is supported")
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			return nil, reject(http.StatusBadRequest, "IncompleteSignature", "Authorization header requires '"+k+"' parameter.")
		}
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 {
		return nil, reject(http.StatusBadRequest, "IncompleteSignature", "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term")
	}
	return &sigV4Auth{
		akid: scope[0], date: scope[1], region: scope[2], service: scope[3], terminator: scope[4],
		signedHeaders: strings.Split(fields["SignedHeaders"], ";"),
		signature:     fields["Signature"],
	}, nil
}

// authenticate checks a SigV4 signature made with keys this STS issued, by
// rebuilding the request from exactly the headers the client signed and
// signing it again (with sts.Sign, which the tests hold to aws-sdk-go-v2's
// signer).
func (s *Sandbox) authenticate(req *stsRequest) (issued, error) {
	r := req.http
	h := r.Header.Get("Authorization")
	if h == "" {
		return issued{}, reject(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	auth, err := parseSigV4(h)
	if err != nil {
		return issued{}, err
	}
	key, ok := s.creds.get(auth.akid)
	if !ok {
		return issued{}, errInvalidKey
	}
	token := r.Header.Get("X-Amz-Security-Token")
	if subtle.ConstantTimeCompare([]byte(token), []byte(key.token)) != 1 {
		return issued{}, errInvalidKey
	}
	now := s.now()
	if !now.Before(key.expires) {
		return issued{}, reject(http.StatusBadRequest, "ExpiredToken", "The security token included in the request is expired")
	}
	if auth.service != "sts" {
		return issued{}, reject(http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. ")
	}
	if auth.terminator != "aws4_request" {
		return issued{}, reject(http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped with a valid terminator: 'aws4_request', not '"+truncate(auth.terminator, 32)+"'. ")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	signedAt, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return issued{}, reject(http.StatusBadRequest, "IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if auth.date != signedAt.Format("20060102") {
		return issued{}, reject(http.StatusForbidden, "SignatureDoesNotMatch", fmt.Sprintf(
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			truncate(auth.date, 16), signedAt.Format("20060102"), amzDate))
	}
	nowUTC := now.UTC()
	if signedAt.Before(nowUTC.Add(-maxSigSkew)) {
		return issued{}, reject(http.StatusForbidden, "SignatureDoesNotMatch", fmt.Sprintf(
			"Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, nowUTC.Add(-maxSigSkew).Format(amzDateFormat), nowUTC.Format(amzDateFormat)))
	}
	if signedAt.After(nowUTC.Add(maxSigSkew)) {
		return issued{}, reject(http.StatusForbidden, "SignatureDoesNotMatch", fmt.Sprintf(
			"Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amzDate, nowUTC.Add(maxSigSkew).Format(amzDateFormat), nowUTC.Format(amzDateFormat)))
	}
	want, wantHeaders, err := resign(r, req.body, auth, key, signedAt)
	if err != nil {
		return issued{}, err
	}
	if wantHeaders != strings.Join(auth.signedHeaders, ";") ||
		subtle.ConstantTimeCompare([]byte(want), []byte(auth.signature)) != 1 {
		return issued{}, errSignatureDiff
	}
	return key, nil
}

// resign signs a copy of r that carries only the headers the client
// signed, and returns the signature and signed-header list it made.
// The signer adds host, X-Amz-Date and the token itself, and signs
// Content-Length only when the request has one, so each is given to it
// only if the client signed it.
func resign(r *http.Request, body []byte, auth *sigV4Auth, key issued, signedAt time.Time) (sig, signedHeaders string, err error) {
	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	cp := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}}
	creds := sts.Credentials{AccessKeyID: auth.akid, SecretAccessKey: key.secret}
	for _, name := range auth.signedHeaders {
		switch name {
		case "host", "x-amz-date":
		case "content-length":
			cp.ContentLength = int64(len(body))
		case "x-amz-security-token":
			creds.SessionToken = key.token
		default:
			if vs := r.Header.Values(name); len(vs) > 0 {
				cp.Header[http.CanonicalHeaderKey(name)] = slices.Clone(vs)
			}
		}
	}
	sts.Sign(cp, body, creds, auth.region, "sts", signedAt)
	again, err := parseSigV4(cp.Header.Get("Authorization"))
	if err != nil {
		return "", "", fmt.Errorf("sandbox: reading the re-signed request: %w", err)
	}
	return again.signature, strings.Join(again.signedHeaders, ";"), nil
}
