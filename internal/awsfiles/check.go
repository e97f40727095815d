package awsfiles

import (
	"errors"
	"fmt"

	"github.com/awsfed/awsfed/internal/inifile"
)

const refusedToo = "(the AWS CLI refuses this file too)"

// parseStrict parses data and refuses what the AWS CLI's strict configparser
// refuses: syntax errors, a section given twice, a key given twice in one
// section (key names compared as configparser compares them).
func parseStrict(path string, data []byte) (*inifile.Doc, error) {
	doc, err := inifile.Parse(data)
	if err != nil {
		var se *inifile.SyntaxError
		if errors.As(err, &se) {
			return nil, &FileError{Path: path, Line: se.Line, Msg: se.Msg, Hint: fmt.Sprintf("fix line %d %s", se.Line, refusedToo), err: err}
		}
		return nil, &FileError{Path: path, Msg: err.Error(), err: err}
	}
	var de *inifile.DuplicateError
	if err := doc.CheckDuplicates(); !errors.As(err, &de) {
		return doc, err
	}
	if de.Key == "" {
		return nil, &FileError{
			Path: path, Line: de.Line, err: de,
			Msg:  fmt.Sprintf("section [%s] appears again (first at line %d)", de.Section, de.First),
			Hint: fmt.Sprintf("remove the duplicate [%s] section, or merge the two %s", de.Section, refusedToo),
		}
	}
	msg := fmt.Sprintf("key %s appears again in [%s] (first at line %d)", de.Key, de.Section, de.First)
	if de.FirstKey != de.Key {
		msg = fmt.Sprintf("key %s repeats %s in [%s] (line %d); the AWS CLI ignores case in key names", de.Key, de.FirstKey, de.Section, de.First)
	}
	return nil, &FileError{
		Path: path, Line: de.Line, Msg: msg, err: de,
		Hint: fmt.Sprintf("keep one of the two %s lines in [%s] %s", de.Key, de.Section, refusedToo),
	}
}
