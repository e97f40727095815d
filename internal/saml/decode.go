package saml

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// MaxSize bounds a decoded response. Real ones are a few KiB to a few
// dozen KiB even with hundreds of roles; anything larger is refused before
// parsing so that hostile input cannot cost much memory.
const MaxSize = 1 << 20

// Decode turns a SAMLResponse form value into XML bytes. It accepts the
// standard and URL-safe base64 alphabets, padded or not, with line breaks or
// spaces anywhere (IdPs wrap at 76 columns; copy-paste adds more), and a
// value still percent-encoded from a form body.
func Decode(samlResponse string) ([]byte, error) {
	// Wrapping and padding never quadruple the size: bound the raw text
	// too, before copying it around.
	if len(samlResponse) > 4*MaxSize {
		return nil, fmt.Errorf("saml response: larger than %d KiB decoded: refused", MaxSize>>10)
	}
	s := samlResponse
	if strings.Contains(s, "%") {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n', '\v', '\f':
			return -1
		}
		return r
	}, s)
	s = strings.TrimRight(s, "=")
	if s == "" {
		return nil, errors.New("saml response: empty")
	}
	if base64.RawStdEncoding.DecodedLen(len(s)) > MaxSize {
		return nil, fmt.Errorf("saml response: larger than %d KiB decoded: refused", MaxSize>>10)
	}
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	b, err := enc.DecodeString(s)
	if err != nil {
		if strings.HasPrefix(s, "<") {
			return nil, errors.New("saml response: not base64: it looks like raw XML, not the encoded SAMLResponse form value")
		}
		return nil, errors.New("saml response: not base64")
	}
	return b, nil
}
