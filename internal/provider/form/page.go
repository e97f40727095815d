package form

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// page is what the provider reads from one IdP answer.
type page struct {
	url     *url.URL // the final URL, after redirects
	base    *url.URL // what relative actions resolve against (<base href> or url)
	status  int
	title   string
	forms   []*form
	saml    string // the SAMLResponse value, when hasSAML
	hasSAML bool
	errText string // the visible error message, if any
}

// form is one HTML form with the controls a browser would submit.
type form struct {
	action    string // raw attribute; "" submits to the page itself
	method    string // "GET" or "POST"
	multipart bool
	fields    []*field // named controls in tree order, buttons excluded
	buttons   []*field // submit buttons in tree order, named or not
	passwords []*field // password inputs, named or not
}

// field is one form control.
type field struct {
	name     string
	value    string
	kind     string // input type lowercased ("text" when absent), or "textarea", "select"
	send     bool   // a browser would submit it as is (checked, enabled, named)
	position int    // tree order within the page
}

// textLike reports whether the user types into the field.
func (f *field) textLike() bool {
	switch f.kind {
	case "text", "email", "tel", "number", "search", "url", "textarea":
		return true
	}
	return false
}

// parsePage reads an HTML document. It never fails: what the parser cannot
// make sense of simply yields a page without forms.
func parsePage(body []byte, u *url.URL, status int) *page {
	p := &page{url: u, base: u, status: status}
	// Scripting off: awsfed runs no JavaScript, so it must see what a
	// browser without it sees, <noscript> content included.
	doc, err := html.ParseWithOptions(bytes.NewReader(body), html.ParseOptionEnableScripting(false))
	if err != nil {
		return p
	}

	formOf := map[*html.Node]*form{}
	byID := map[string]*form{}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.Form:
			f := &form{action: attr(n, "action"), method: "GET"}
			if strings.EqualFold(attr(n, "method"), "post") {
				f.method = "POST"
			}
			f.multipart = strings.EqualFold(strings.TrimSpace(attr(n, "enctype")), "multipart/form-data")
			formOf[n] = f
			p.forms = append(p.forms, f)
			if id := attr(n, "id"); id != "" {
				if _, dup := byID[id]; !dup {
					byID[id] = f
				}
			}
		case atom.Title:
			if p.title == "" {
				p.title = oneLine(textOf(n), 80)
			}
		case atom.Base:
			if href, ok := attrOK(n, "href"); ok && p.base == u {
				if b, err := u.Parse(strings.TrimSpace(href)); err == nil {
					p.base = b
				}
			}
		}
	}

	position := 0
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		fl := control(n)
		if fl == nil {
			continue
		}
		position++
		fl.position = position
		if strings.EqualFold(fl.name, "SAMLResponse") && !p.hasSAML {
			p.saml, p.hasSAML = fl.value, true
		}
		owner := ownerForm(n, formOf)
		if id, ok := attrOK(n, "form"); ok {
			owner = byID[id]
		}
		if owner == nil {
			continue
		}
		switch {
		case fl.kind == "submit":
			owner.buttons = append(owner.buttons, fl)
		case fl.kind == "password":
			owner.passwords = append(owner.passwords, fl)
			if fl.name != "" {
				owner.fields = append(owner.fields, fl)
			}
		case fl.name != "":
			owner.fields = append(owner.fields, fl)
		}
	}
	p.errText = errorText(doc)
	return p
}

// control returns the form control n is, or nil.
func control(n *html.Node) *field {
	_, disabled := attrOK(n, "disabled")
	name := attr(n, "name")
	switch n.DataAtom {
	case atom.Input:
		kind := strings.ToLower(strings.TrimSpace(attr(n, "type")))
		if kind == "" {
			kind = "text"
		}
		f := &field{name: name, value: attr(n, "value"), kind: kind}
		switch kind {
		case "checkbox", "radio":
			_, checked := attrOK(n, "checked")
			if _, ok := attrOK(n, "value"); !ok {
				f.value = "on"
			}
			f.send = checked
		case "submit":
		case "image", "button", "reset", "file":
			// Not submitted by awsfed: an image button sends click
			// coordinates, the others send nothing or need a user.
			f.kind = "ignored"
		default:
			f.send = true
		}
		f.send = f.send && name != "" && !disabled
		return f
	case atom.Button:
		kind := strings.ToLower(strings.TrimSpace(attr(n, "type")))
		if kind != "" && kind != "submit" {
			return nil
		}
		if disabled {
			return nil
		}
		return &field{name: name, value: attr(n, "value"), kind: "submit"}
	case atom.Textarea:
		// The parser keeps a textarea's content as raw text; the leading
		// newline is dropped by browsers and by the parser alike.
		return &field{name: name, value: textOf(n), kind: "textarea", send: name != "" && !disabled}
	case atom.Select:
		v, ok := selected(n)
		return &field{name: name, value: v, kind: "select", send: ok && name != "" && !disabled}
	}
	return nil
}

// selected returns the value a <select> submits: the selected option, else
// the first one.
func selected(n *html.Node) (string, bool) {
	var first *html.Node
	for o := range n.Descendants() {
		if o.Type != html.ElementNode || o.DataAtom != atom.Option {
			continue
		}
		if first == nil {
			first = o
		}
		if _, ok := attrOK(o, "selected"); ok {
			return optionValue(o), true
		}
	}
	if first == nil {
		return "", false
	}
	return optionValue(first), true
}

func optionValue(o *html.Node) string {
	if v, ok := attrOK(o, "value"); ok {
		return v
	}
	return strings.Join(strings.Fields(textOf(o)), " ")
}

func ownerForm(n *html.Node, formOf map[*html.Node]*form) *form {
	for a := n.Parent; a != nil; a = a.Parent {
		if f, ok := formOf[a]; ok {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

// textOf returns the text under n, without scripts and styles.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			return
		case n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style || n.DataAtom == atom.Template || hidden(n)):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// oneLine collapses white space and cuts s to at most max runes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = strings.TrimSpace(string(r[:max-1])) + "…"
	}
	return s
}
