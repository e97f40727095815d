package inifile

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// isSpace matches Python's str.isspace, which is what the AWS CLI strips and
// measures indentation with. Go's unicode.IsSpace lacks only the four
// information separators U+001C..U+001F.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

func trim(s string) string      { return strings.TrimFunc(s, isSpace) }
func trimLeft(s string) string  { return strings.TrimLeftFunc(s, isSpace) }
func trimRight(s string) string { return strings.TrimRightFunc(s, isSpace) }

// indent returns how many characters (not bytes: Python counts code points)
// lead s before its first non-space, and how many bytes they take.
func indent(s string) (chars, width int) {
	for width < len(s) {
		r, size := utf8.DecodeRuneInString(s[width:])
		if !isSpace(r) {
			break
		}
		chars++
		width += size
	}
	return chars, width
}
