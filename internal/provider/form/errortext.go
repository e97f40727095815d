package form

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxDetail keeps the IdP's words to one readable line.
const maxDetail = 160

// maxContainer is the length beyond which an element is taken for a
// container rather than a message.
const maxContainer = 400

// errorText finds the message an IdP shows next to a failed login: the
// first visible element marked as an error, else as an alert (role=alert
// or class/id "alert"), else as a message. Pages differ in wording but not
// in this markup: ADFS label#errorText, Keycloak .alert-error, Shibboleth
// .form-error, SimpleSAMLphp .message-box.error.
func errorText(doc *html.Node) string {
	found := [3]string{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Template, atom.Head, atom.Input, atom.Textarea, atom.Select:
				return
			}
			if hidden(n) {
				return
			}
			if rank := errorRank(n); rank >= 0 && found[rank] == "" {
				// A long text is a page section that happens to be
				// named "message", not a message.
				if t := oneLine(textOf(n), maxContainer); t != "" && len([]rune(t)) < maxContainer {
					found[rank] = oneLine(t, maxDetail)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, t := range found {
		if t != "" {
			return t
		}
	}
	return ""
}

// errorRank is 0 for an error container, 1 for an alert, 2 for a message,
// -1 for anything else.
func errorRank(n *html.Node) int {
	if n.DataAtom == atom.Html || n.DataAtom == atom.Body {
		return -1
	}
	marks := strings.ToLower(attr(n, "id") + " " + attr(n, "class"))
	switch {
	case strings.Contains(marks, "error"):
		return 0
	case strings.EqualFold(attr(n, "role"), "alert") || strings.Contains(marks, "alert"):
		return 1
	case strings.Contains(marks, "message"):
		return 2
	}
	return -1
}

// hidden reports markup that keeps an element out of sight: error
// templates often sit in the page, hidden until a script shows them.
func hidden(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if _, ok := attrOK(n, "hidden"); ok {
		return true
	}
	if strings.EqualFold(attr(n, "aria-hidden"), "true") {
		return true
	}
	style := strings.ToLower(strings.ReplaceAll(attr(n, "style"), " ", ""))
	return strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden")
}
