package awsfiles

import (
	"errors"
	"fmt"
	"strings"

	"github.com/awsfed/awsfed/internal/inifile"
)

const refusedToo = "(the AWS CLI refuses this file too)"

// parseStrict parses data and refuses what the AWS CLI's strict configparser
// refuses: syntax errors, a section given twice, a key given twice in one
// section (key names compared without case, as configparser lowercases
// them). configparser lets [DEFAULT] repeat; awsfed does not, which only
// errs on the side of not editing a file.
func parseStrict(path string, data []byte) (*inifile.Doc, error) {
	doc, err := inifile.Parse(data)
	if err != nil {
		var se *inifile.SyntaxError
		if errors.As(err, &se) {
			return nil, &FileError{Path: path, Line: se.Line, Msg: se.Msg, Hint: fmt.Sprintf("fix line %d %s", se.Line, refusedToo), err: err}
		}
		return nil, &FileError{Path: path, Msg: err.Error(), err: err}
	}
	seen := map[string]int{}
	for _, s := range doc.Sections() {
		if first, dup := seen[s.Name]; dup {
			return nil, &FileError{
				Path: path, Line: s.Line,
				Msg:  fmt.Sprintf("section [%s] appears again (first at line %d)", s.Name, first),
				Hint: fmt.Sprintf("remove the duplicate [%s] section, or merge the two %s", s.Name, refusedToo),
			}
		}
		seen[s.Name] = s.Line
		keys := map[string]inifile.Key{}
		for _, k := range doc.Keys(s.Name) {
			first, dup := keys[strings.ToLower(k.Name)]
			if !dup {
				keys[strings.ToLower(k.Name)] = k
				continue
			}
			msg := fmt.Sprintf("key %s appears again in [%s] (first at line %d)", k.Name, s.Name, first.Line)
			if first.Name != k.Name {
				msg = fmt.Sprintf("key %s repeats %s in [%s] (line %d); the AWS CLI ignores case in key names", k.Name, first.Name, s.Name, first.Line)
			}
			return nil, &FileError{
				Path: path, Line: k.Line, Msg: msg,
				Hint: fmt.Sprintf("keep one of the two %s lines in [%s] %s", k.Name, s.Name, refusedToo),
			}
		}
	}
	return doc, nil
}
