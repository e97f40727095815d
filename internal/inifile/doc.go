// Package inifile reads and edits INI documents the way the AWS CLI reads
// them (botocore's strict configparser without inline comments, on a file
// read with universal newlines) while keeping every byte it was not asked to
// change: comments, blank lines, spacing, line ends, a byte order mark and a
// missing final newline all survive an edit. It reads two kinds of file that
// botocore refuses for their encoding: one that starts with a UTF-8 byte
// order mark, and one with bytes that are not UTF-8. botocore_test.go holds
// it to botocore's reader.
//
// It owns the text format only. It must not touch files, locks or anything
// AWS-specific: package awsfiles decides which keys mean what and how the
// result reaches the disk.
package inifile

import "fmt"

// Doc is a parsed INI document. Each line keeps its original bytes; edits
// rewrite only the lines they are about.
type Doc struct {
	bom   bool   // a UTF-8 byte order mark preceded the first line
	nl    string // the line end of added lines: the first line's, else "\n"
	lines []line // the text, one entry per line
	ix    index  // what each line means, rebuilt after every edit
	err   error  // the first edit the document refused
}

// line is one line of the document as it appeared in the input.
type line struct {
	text string // without the line end
	eol  string // "\n", "\r\n", "\r", or "" for a last line without one
}

// SyntaxError reports a line the AWS CLI would refuse. It never quotes the
// line: credentials files hold secrets.
type SyntaxError struct {
	Line int // 1-based
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Section is a [section] header.
type Section struct {
	Name string // the text between the brackets, as the AWS CLI reads it
	Line int    // 1-based
}

// Key is one key = value entry.
type Key struct {
	Name string
	// Value is trimmed; continuation lines are joined with "\n", so the AWS
	// config's nested form ("s3 =" followed by indented lines) starts with "\n".
	Value string
	Line  int // 1-based line of the key itself
}

var bomBytes = []byte{0xEF, 0xBB, 0xBF}

// Bytes returns the document's text: untouched lines byte for byte, edited and
// added lines with the file's line end.
func (d *Doc) Bytes() []byte {
	n := 0
	if d.bom {
		n = len(bomBytes)
	}
	for _, l := range d.lines {
		n += len(l.text) + len(l.eol)
	}
	out := make([]byte, 0, n)
	if d.bom {
		out = append(out, bomBytes...)
	}
	for _, l := range d.lines {
		out = append(out, l.text...)
		out = append(out, l.eol...)
	}
	return out
}

// Err returns the first edit the document refused (a name or value the format
// cannot hold), or nil. A refused edit leaves the document unchanged, so a
// caller about to save it must check Err first.
func (d *Doc) Err() error { return d.err }

func (d *Doc) newline() string { return d.nl }
