package inifile

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// KeyName is the name under which the AWS CLI knows a key: configparser
// lowercases key names with Python's str.lower, so two keys are the same key
// when their KeyNames are equal. str.lower differs from strings.ToLower in
// three ways: 'İ' becomes "i̇" (two code points, as Unicode's full mapping
// says), a capital sigma at the end of a word becomes 'ς', and bytes that are
// not UTF-8 stay as they are.
func KeyName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteByte(name[i])
		case r == 'İ':
			b.WriteString("i\u0307")
		case r == 'Σ' && finalSigma(name[:i], name[i+size:]):
			b.WriteRune('ς')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		i += size
	}
	return b.String()
}

// finalSigma is Unicode's Final_Sigma condition, as Python applies it: a
// cased letter before the sigma and none after it, skipping case-ignorable
// characters both ways.
func finalSigma(before, after string) bool {
	for before != "" {
		r, size := utf8.DecodeLastRuneInString(before)
		before = before[:len(before)-size]
		if !caseIgnorable(r) {
			if !cased(r) {
				return false
			}
			for _, r := range after {
				if !caseIgnorable(r) {
					return !cased(r)
				}
			}
			return true
		}
	}
	return false
}

// cased is Unicode's Cased property.
func cased(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Other_Uppercase, unicode.Other_Lowercase)
}

// caseIgnorable is Unicode's Case_Ignorable property: marks, format
// characters, modifiers, and the apostrophes and dots that may sit inside a
// word (Word_Break MidLetter, MidNumLet and Single_Quote).
func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '\u00b7', '\u0387', '\u055f', '\u05f4', '\u2018', '\u2019', '\u2024',
		'\u2027', '\ufe13', '\ufe52', '\ufe55', '\uff07', '\uff0e', '\uff1a':
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
