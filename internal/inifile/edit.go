package inifile

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Set gives key the value in the first section with that name. An existing key
// is rewritten in place, keeping its spelling, indentation and the spacing
// around its '='; a new key goes after the section's last key (before the
// blank lines and comments that lead to the next section), indented like the
// section's other keys; a missing section is added at the end of the file,
// after one blank line. A section, key or value the format cannot hold (see
// CheckSection, CheckKey and CheckValue) leaves the document unchanged and is
// reported by Err.
func (d *Doc) Set(section, key, value string) {
	what := fmt.Sprintf("set %q in [%s]", key, section)
	for _, err := range []error{CheckSection(section), CheckKey(key), CheckValue(value)} {
		if err != nil {
			d.refuse(fmt.Errorf("%s: %w", what, err))
			return
		}
	}
	parts := strings.Split(value, "\n")
	var sp splice
	switch s := d.section(section); {
	case s == nil:
		sp = d.addSection(section, key, parts)
	case s.key(key) != nil:
		sp = d.replaceKey(s.key(key), parts)
	default:
		sp = d.insertKey(s, key, parts)
	}
	d.commit(what, sp, func(n *Doc) bool {
		v, ok := n.Get(section, key)
		return ok && v == value
	})
}

// Delete removes every key with that name from the first section with that
// name, together with its continuation lines. Comments between a key and its
// continuation lines stay.
func (d *Doc) Delete(section, key string) {
	s := d.section(section)
	if s == nil {
		return
	}
	from, to := len(d.lines), -1
	for i := range s.keys {
		if k := &s.keys[i]; k.name == key {
			from, to = min(from, k.line), max(to, k.lastLine()+1)
		}
	}
	if to < 0 {
		return
	}
	drop := make([]bool, to-from)
	for i := range s.keys {
		k := &s.keys[i]
		if k.name != key {
			continue
		}
		drop[k.line-from] = true
		for j := k.line + 1; j <= k.lastLine(); j++ {
			drop[j-from] = d.ix.kinds[j] != commentLine
		}
	}
	sp := splice{from: from, to: to}
	for i := from; i < to; i++ {
		if !drop[i-from] {
			sp.add = append(sp.add, d.lines[i])
		}
	}
	d.commit(fmt.Sprintf("delete %q from [%s]", key, section), sp, func(n *Doc) bool {
		_, ok := n.Get(section, key)
		return !ok
	})
}

// DeleteSection removes every section with that name: its header, its keys and
// the comments among them, and the blank lines after it. Comments above the
// header and comments after the section's last key stay; they may describe
// what follows.
func (d *Doc) DeleteSection(section string) {
	for {
		s := d.section(section)
		if s == nil {
			return
		}
		start, end := s.line, s.last+1
		for end < len(d.lines) && d.ix.kinds[end] == blankLine {
			end++
		}
		if end == len(d.lines) {
			for start > 0 && d.ix.kinds[start-1] == blankLine {
				start--
			}
		}
		out := make([]line, 0, len(d.lines)-(end-start))
		out = append(out, d.lines[:start]...)
		out = append(out, d.lines[end:]...)
		d.keepNextHeader(out, start, end)
		before := len(d.ix.sects)
		// The header after the section may have changed: the whole
		// document is read again.
		if !d.commit(fmt.Sprintf("delete [%s]", section), splice{from: 0, to: len(d.lines), add: out}, func(n *Doc) bool {
			return len(n.ix.sects) == before-1
		}) {
			return
		}
	}
}

// keepNextHeader handles a header that followed a removed section: indented
// deeper than the key now above it, it would read as that key's continuation.
// Its indentation means nothing to the AWS CLI, so it is dropped.
func (d *Doc) keepNextHeader(out []line, start, end int) {
	next := start
	for next < len(out) && d.ix.kinds[end+next-start] != headerLine {
		if k := d.ix.kinds[end+next-start]; k != blankLine && k != commentLine {
			return
		}
		next++
	}
	if next == len(out) {
		return
	}
	if ix, err := analyze(out); err == nil && ix.kinds[next] == contLine {
		out[next].text = trimLeft(out[next].text)
	}
}

// splice is an edit: lines [from, to) of the document are replaced by add.
type splice struct {
	from, to int
	add      []line
}

// commit makes the edit sp if the result parses and passes ok; otherwise it
// keeps the document and records the refusal. The lines are replaced in
// place, and only those whose meaning the edit may change are read again
// (see reanalyze), so that many edits of a long file (a sign-in writing
// twenty profiles) cost time in proportion to the edits, not to the file
// times the edits.
func (d *Doc) commit(what string, sp splice, ok func(*Doc) bool) bool {
	sp = d.keepEmptyLines(sp)
	saved := slices.Clone(d.lines[sp.from:sp.to])
	undo := func() { d.lines = slices.Replace(d.lines, sp.from, sp.from+len(sp.add), saved...) }
	d.lines = slices.Replace(d.lines, sp.from, sp.to, sp.add...)
	ix, err := reanalyze(d.ix, d.lines, sp)
	if err != nil {
		undo()
		d.refuse(fmt.Errorf("%s: the edit would break the file: %w", what, err))
		return false
	}
	if !ok(&Doc{bom: d.bom, nl: d.nl, lines: d.lines, ix: ix}) {
		undo()
		d.refuse(fmt.Errorf("%s: %w", what, errors.New("the edit would not read back as written")))
		return false
	}
	d.ix = ix
	return true
}

// keepEmptyLines returns sp changed so that no empty line of the result is
// lost: a lone CR line end followed by an empty line that ends in LF would
// read back as one CRLF, and the empty line (maybe part of a value) would
// be gone. Such neighbours arise only where the edit joins lines; the empty
// line then ends in a CR too, and sp grows over the lines after it that
// this changes. sp.add must be the edit's own.
func (d *Doc) keepEmptyLines(sp splice) splice {
	at := func(i int) line { // line i of the result
		switch {
		case i < sp.from:
			return d.lines[i]
		case i < sp.from+len(sp.add):
			return sp.add[i-sp.from]
		}
		return d.lines[i-sp.from-len(sp.add)+sp.to]
	}
	n := len(d.lines) - (sp.to - sp.from) + len(sp.add)
	for i := max(sp.from-1, 0); i+1 < n; i++ {
		if a, b := at(i), at(i+1); a.eol == "\r" && b.text == "" && b.eol == "\n" {
			if i+1 == sp.from+len(sp.add) { // an original line: the edit takes it over
				sp.add = append(sp.add, d.lines[sp.to])
				sp.to++
			}
			sp.add[i+1-sp.from].eol = "\r"
		} else if i+1 >= sp.from+len(sp.add) {
			break
		}
	}
	return sp
}

func (d *Doc) refuse(err error) {
	if d.err == nil {
		d.err = err
	}
}

// style is how a key line separates name and value: core is the spacing and
// the delimiter, after the spacing before a non-empty value.
type style struct{ core, after string }

var defaultStyle = style{core: " =", after: " "}

func (d *Doc) styleOf(k *keyInfo) style {
	text := d.lines[k.line].text
	st := style{core: text[k.nameEnd : k.delim+1]}
	switch {
	case k.parts[0] != "":
		st.after = text[k.delim+1 : k.valueStart]
	case len(st.core) > 1: // "key =" with no value yet: space both sides
		st.after = " "
	}
	return st
}

// keyLines renders a key whose first line starts with head (indentation and
// name); continuation lines are indented with cont.
func (d *Doc) keyLines(head string, st style, cont string, parts []string) []line {
	nl := d.newline()
	first := head + st.core
	if parts[0] != "" {
		first += st.after + parts[0]
	}
	out := []line{{text: first, eol: nl}}
	for _, p := range parts[1:] {
		if p == "" {
			out = append(out, line{eol: nl})
		} else {
			out = append(out, line{text: cont + p, eol: nl})
		}
	}
	return out
}

func (d *Doc) replaceKey(k *keyInfo, parts []string) splice {
	text := d.lines[k.line].text
	ind := text[:k.nameEnd-len(k.name)]
	cont := ind + "  "
	if len(k.conts) > 0 {
		c := d.lines[k.conts[0]].text
		_, w := indent(c)
		cont = c[:w]
	}
	repl := d.keyLines(text[:k.nameEnd], d.styleOf(k), cont, parts)
	if eol := d.lines[k.line].eol; eol != "" {
		repl[0].eol = eol
	}
	last := k.lastLine()
	var kept []line // comments among the continuation lines
	for i := k.line + 1; i <= last; i++ {
		if d.ix.kinds[i] == commentLine {
			kept = append(kept, d.lines[i])
		}
	}
	if d.lines[last].eol == "" && len(kept) == 0 {
		repl[len(repl)-1].eol = "" // the file had no final newline; keep it so
	}
	return splice{from: k.line, to: last + 1, add: append(repl, kept...)}
}

func (d *Doc) insertKey(s *sectInfo, key string, parts []string) splice {
	at := s.last + 1
	ind, st := "", defaultStyle
	if len(s.keys) > 0 {
		// Keys after the first must not be indented deeper than the one
		// before them, or they would read as its continuation.
		lk := &s.keys[len(s.keys)-1]
		ind, st = d.lines[lk.line].text[:lk.nameEnd-len(lk.name)], d.styleOf(lk)
	} else {
		if fileStyle, ok := d.anyStyle(); ok {
			st = fileStyle
		}
		// The next header must not end up indented deeper than the new key.
		for i := at; i < len(d.lines); i++ {
			if d.ix.kinds[i] == headerLine {
				_, w := indent(d.lines[i].text)
				ind = d.lines[i].text[:w]
				break
			}
		}
	}
	return d.insertAt(at, d.keyLines(ind+key, st, ind+"  ", parts))
}

func (d *Doc) addSection(section, key string, parts []string) splice {
	nl := d.newline()
	st, ok := d.anyStyle()
	if !ok {
		st = defaultStyle
	}
	var add []line
	if n := len(d.lines); n > 0 && trim(d.lines[n-1].text) != "" {
		add = append(add, line{eol: nl})
	}
	add = append(add, line{text: "[" + section + "]", eol: nl})
	add = append(add, d.keyLines(key, st, "  ", parts)...)
	return d.insertAt(len(d.lines), add)
}

// insertAt inserts add before line at. At the end of a file that lacks a
// final newline, the old last line gets one and the new last line goes without.
func (d *Doc) insertAt(at int, add []line) splice {
	if at == len(d.lines) && at > 0 && d.lines[at-1].eol == "" {
		last := d.lines[at-1]
		last.eol = d.newline()
		add[len(add)-1].eol = ""
		return splice{from: at - 1, to: at, add: append([]line{last}, add...)}
	}
	return splice{from: at, to: at, add: add}
}

// anyStyle is the style of the file's last key, so new keys match the file.
func (d *Doc) anyStyle() (style, bool) {
	for i := len(d.ix.sects) - 1; i >= 0; i-- {
		if s := &d.ix.sects[i]; len(s.keys) > 0 {
			return d.styleOf(&s.keys[len(s.keys)-1]), true
		}
	}
	return style{}, false
}
