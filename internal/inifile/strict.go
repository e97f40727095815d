package inifile

import "fmt"

// DuplicateError reports a section or a key given twice, which the AWS
// CLI's strict reader refuses. Key names are compared as the AWS CLI
// compares them (see KeyName). It never quotes a value.
type DuplicateError struct {
	Line    int    // 1-based line of the repeat
	First   int    // 1-based line of the first
	Section string // the section repeated, or the one holding the key
	// Key is the repeated key as written, FirstKey the first one as
	// written (it may differ in case); both empty for a repeated section.
	Key, FirstKey string
}

func (e *DuplicateError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("line %d: section [%s] appears again (first at line %d)", e.Line, e.Section, e.First)
	}
	return fmt.Sprintf("line %d: key %s appears again in [%s] (first at line %d)", e.Line, e.Key, e.Section, e.First)
}

// defaultSection may repeat: configparser reads every [DEFAULT] into the
// one set of defaults, in which a key may still appear only once.
const defaultSection = "DEFAULT"

// CheckDuplicates returns a *DuplicateError for the first repeat in the
// file, in file order as the AWS CLI meets it, or nil. Parse keeps repeats
// so that a caller may name them.
func (d *Doc) CheckDuplicates() error {
	firstLine := map[string]int{}
	keys := map[string]map[string]*keyInfo{} // by section, then KeyName
	for _, s := range d.ix.sects {
		if first, dup := firstLine[s.name]; !dup {
			firstLine[s.name], keys[s.name] = s.line, map[string]*keyInfo{}
		} else if s.name != defaultSection {
			return &DuplicateError{Line: s.line + 1, First: first + 1, Section: s.name}
		}
		for i := range s.keys {
			k := &s.keys[i]
			name := KeyName(k.name)
			if first, dup := keys[s.name][name]; dup {
				return &DuplicateError{Line: k.line + 1, First: first.line + 1, Section: s.name, Key: k.name, FirstKey: first.name}
			}
			keys[s.name][name] = k
		}
	}
	return nil
}
