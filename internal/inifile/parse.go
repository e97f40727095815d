package inifile

import (
	"bytes"
	"strings"
)

// Parse reads an INI document. It accepts what the AWS CLI accepts, except
// that duplicate sections and keys are kept (Sections and Keys report them,
// CheckDuplicates refuses them as the AWS CLI does) so a caller can name the
// offending line. Like Python, which reads files with universal newlines, it
// ends a line at "\r\n", "\n" or a lone "\r", and keeps each line's own end.
func Parse(data []byte) (*Doc, error) {
	d := &Doc{}
	if bytes.HasPrefix(data, bomBytes) {
		d.bom = true
		data = data[len(bomBytes):]
	}
	for len(data) > 0 {
		var l line
		switch i := bytes.IndexAny(data, "\r\n"); {
		case i < 0:
			l.text, data = string(data), nil
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			l.text, l.eol, data = string(data[:i]), "\r\n", data[i+2:]
		default:
			l.text, l.eol, data = string(data[:i]), string(data[i:i+1]), data[i+1:]
		}
		d.lines = append(d.lines, l)
	}
	d.nl = "\n"
	if len(d.lines) > 0 && d.lines[0].eol != "" {
		d.nl = d.lines[0].eol
	}
	ix, err := analyze(d.lines)
	if err != nil {
		return nil, err
	}
	d.ix = ix
	return d, nil
}

type lineKind uint8

const (
	blankLine lineKind = iota
	commentLine
	headerLine
	keyLine
	contLine // an indented line continuing the key above it
)

// index says what each line of a document means.
type index struct {
	kinds []lineKind
	sects []sectInfo
}

type sectInfo struct {
	name string
	line int // 0-based, like every line number inside the package
	last int // the last header, key or continuation line of the section
	keys []keyInfo
}

type keyInfo struct {
	name  string
	line  int
	parts []string // the first line's value, then one entry per continuation or blank line
	conts []int    // continuation lines

	// byte offsets into the key's line
	nameEnd    int // end of the key name
	delim      int // the '=' or ':'
	valueStart int // first byte of the value, after the spaces following delim
}

func (k *keyInfo) value() string { return trimRight(strings.Join(k.parts, "\n")) }

// lastLine is the last line that belongs to the key's value.
func (k *keyInfo) lastLine() int {
	if len(k.conts) == 0 {
		return k.line
	}
	return k.conts[len(k.conts)-1]
}

// analyze follows configparser's reading loop (strict, no inline comments,
// empty lines allowed in values) so that every line is classified exactly as
// the AWS CLI classifies it.
func analyze(lines []line) (index, error) {
	ix := index{kinds: make([]lineKind, len(lines))}
	_, err := ix.scan(lines, 0, nil)
	if err != nil {
		return index{}, err
	}
	return ix, nil
}

// reanalyze is analyze(lines) for lines that are old's document after the
// edit sp, reading again only what the edit may have changed. configparser's
// state after a section header depends on that line alone, so the lines
// before the header of the section where the edit starts mean what they
// meant, and so do the lines from the first header after the edit that was
// a header before it too: only the lines between are read again.
func reanalyze(old index, lines []line, sp splice) (index, error) {
	start, si := 0, 0 // the first line read again, and its section
	for i := len(old.sects) - 1; i >= 0; i-- {
		if old.sects[i].line < sp.from {
			start, si = old.sects[i].line, i
			break
		}
	}
	shift := len(sp.add) - (sp.to - sp.from)
	resume := sp.from + len(sp.add) // the first line after the edit
	ix := index{kinds: make([]lineKind, len(lines)), sects: make([]sectInfo, si, len(old.sects)+1)}
	copy(ix.kinds, old.kinds[:start])
	copy(ix.sects, old.sects[:si])
	done := func() (index, error) {
		if len(ix.sects) == 0 {
			ix.sects = nil // as analyze leaves it
		}
		return ix, nil
	}
	stop, err := ix.scan(lines, start, func(i int) bool {
		return i >= resume && old.kinds[i-shift] == headerLine
	})
	if err != nil {
		return index{}, err
	}
	if stop == len(lines) {
		return done()
	}
	copy(ix.kinds[stop:], old.kinds[stop-shift:])
	rest := old.sects[si:]
	for len(rest) > 0 && rest[0].line != stop-shift {
		rest = rest[1:]
	}
	for _, s := range rest {
		ix.sects = append(ix.sects, s.moved(shift))
	}
	return done()
}

// moved is s after n lines were added before it (removed, if negative).
func (s sectInfo) moved(n int) sectInfo {
	if n == 0 {
		return s // the index is read-only once built: keys may be shared
	}
	s.line += n
	s.last += n
	keys := make([]keyInfo, len(s.keys))
	for i, k := range s.keys {
		k.line += n
		if k.conts != nil {
			conts := make([]int, len(k.conts))
			for j, c := range k.conts {
				conts[j] = c + n
			}
			k.conts = conts
		}
		keys[i] = k
	}
	if s.keys == nil {
		keys = nil
	}
	s.keys = keys
	return s
}

// scan classifies lines[start:], which must start the document or a section
// header, into ix (its kinds as long as lines), adding their sections. It
// ends before a header line i > start for which stop says so, and returns
// where it ended: len(lines) when it read them all.
func (ix *index) scan(lines []line, start int, stop func(i int) bool) (int, error) {
	// sect and key are re-taken after every append that may move them.
	var (
		sect        *sectInfo // nil before the first header
		key         *keyInfo  // nil right after a header
		indentLevel int
	)
	for i := start; i < len(lines); i++ {
		l := lines[i]
		s := trim(l.text)
		if s == "" {
			ix.kinds[i] = blankLine
			if key != nil {
				key.parts = append(key.parts, "")
			}
			continue
		}
		if s[0] == '#' || s[0] == ';' {
			ix.kinds[i] = commentLine
			continue
		}
		ind, width := indent(l.text)
		if key != nil && ind > indentLevel {
			ix.kinds[i] = contLine
			key.parts = append(key.parts, s)
			key.conts = append(key.conts, i)
			sect.last = i
			continue
		}
		indentLevel = ind
		if s[0] == '[' {
			// configparser's header pattern is \[(.+)\] matched at the start
			// only: the name runs to the last ']' and anything after it is ignored.
			if j := strings.LastIndexByte(s, ']'); j >= 2 {
				if stop != nil && i > start && stop(i) {
					return i, nil
				}
				ix.kinds[i] = headerLine
				ix.sects = append(ix.sects, sectInfo{name: s[1:j], line: i, last: i})
				sect, key = &ix.sects[len(ix.sects)-1], nil
				continue
			}
		}
		d := strings.IndexAny(s, "=:")
		switch {
		case sect == nil && d >= 0:
			return 0, &SyntaxError{Line: i + 1, Msg: "key outside any section"}
		case sect == nil:
			return 0, &SyntaxError{Line: i + 1, Msg: "text outside any section"}
		case d < 0:
			return 0, &SyntaxError{Line: i + 1, Msg: "neither [section], key = value nor a comment"}
		}
		name := trimRight(s[:d])
		if name == "" {
			return 0, &SyntaxError{Line: i + 1, Msg: "no key name before '" + s[d:d+1] + "'"}
		}
		ix.kinds[i] = keyLine
		delim := width + d
		_, after := indent(l.text[delim+1:])
		sect.keys = append(sect.keys, keyInfo{
			name:       name,
			line:       i,
			parts:      []string{trim(s[d+1:])},
			nameEnd:    width + len(name),
			delim:      delim,
			valueStart: delim + 1 + after,
		})
		key = &sect.keys[len(sect.keys)-1]
		sect.last = i
	}
	return len(lines), nil
}
