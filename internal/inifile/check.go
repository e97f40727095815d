package inifile

import (
	"errors"
	"strings"
)

// CheckSection reports whether name can be written as a [name] header that
// reads back as name.
func CheckSection(name string) error {
	switch {
	case name == "":
		return errors.New("empty section name")
	case strings.ContainsAny(name, "\r\n"):
		return errors.New("section name contains a line break")
	}
	return nil
}

// CheckKey reports whether name can be written as a key that reads back as name.
func CheckKey(name string) error {
	switch {
	case name == "":
		return errors.New("empty key name")
	case strings.ContainsAny(name, "\r\n"):
		return errors.New("key name contains a line break")
	case strings.ContainsAny(name, "=:"):
		return errors.New("key name contains '=' or ':'")
	case trim(name) != name:
		return errors.New("key name starts or ends with a space")
	case strings.ContainsAny(name[:1], "#;["):
		// '#' and ';' would make a comment, '[' possibly a section header
		return errors.New("key name starts with '#', ';' or '['")
	}
	return nil
}

// CheckValue reports whether value can be written so that Get returns it
// unchanged. A value may span lines (each written as an indented continuation
// line), but no line may start or end with a space, no line after the first
// may start with '#' or ';' (it would read as a comment), and it may not end
// with a line break. The error never quotes the value: it may be a secret.
func CheckValue(value string) error {
	if strings.IndexByte(value, '\r') >= 0 {
		return errors.New("value contains a carriage return")
	}
	parts := strings.Split(value, "\n")
	for i, p := range parts {
		switch {
		case trim(p) != p:
			return errors.New("value has a line that starts or ends with a space")
		case i > 0 && p != "" && (p[0] == '#' || p[0] == ';'):
			return errors.New("value has a continuation line that starts with '#' or ';'")
		case i > 0 && i == len(parts)-1 && p == "":
			return errors.New("value ends with a line break")
		}
	}
	return nil
}
