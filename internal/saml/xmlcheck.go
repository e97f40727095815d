package saml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// maxDepth bounds element nesting. A signed response with attribute
// statements nests about ten deep; a bound this far above it costs real
// responses nothing and stops stack and memory blow-ups from hostile input.
const maxDepth = 50

// checkXML walks the whole document once before it is unmarshalled, and
// returns the root element's name. It refuses what AWS's own parser would
// refuse or what could make ours misbehave: any DOCTYPE or other directive
// (entity expansion), nesting deeper than maxDepth, a second root element,
// and anything that is not well-formed.
func checkXML(doc []byte) (xml.Name, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	var root xml.Name
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return xml.Name{}, xmlError(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) {
				return xml.Name{}, errors.New("saml response: refused: it holds a DOCTYPE declaration, which SAML never needs")
			}
			return xml.Name{}, errors.New("saml response: refused: it holds a <!…> markup declaration, which SAML never needs")
		case xml.StartElement:
			if depth == 0 {
				roots++
				if roots > 1 {
					return xml.Name{}, errors.New("saml response: not well-formed XML: more than one root element")
				}
				root = t.Name
			}
			depth++
			if depth > maxDepth {
				return xml.Name{}, fmt.Errorf("saml response: refused: elements nested more than %d deep", maxDepth)
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return xml.Name{}, errors.New("saml response: not well-formed XML: text outside the root element")
			}
		}
	}
	if roots == 0 {
		return xml.Name{}, errors.New("saml response: not XML: no element found")
	}
	return root, nil
}

// xmlError keeps the parser's own words, which can quote element names from
// the input, on one short line.
func xmlError(err error) error {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("saml response: not well-formed XML: line %d: %s", syn.Line, oneLine(syn.Msg, 120))
	}
	return &lineError{prefix: "saml response: not XML: ", err: err}
}

// lineError wraps err but shows it on one bounded line.
type lineError struct {
	prefix string
	err    error
}

func (e *lineError) Error() string { return e.prefix + oneLine(e.err.Error(), 160) }
func (e *lineError) Unwrap() error { return e.err }

// oneLine replaces control characters with spaces and cuts s to max bytes,
// so that text taken from hostile input cannot spread over lines or pages.
func oneLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	if len(s) > max {
		cut := max
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
