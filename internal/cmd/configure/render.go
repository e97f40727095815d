package configure

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/inifile"
)

const masked = "****"

// maskValue hides the value of any key whose name suggests a secret; the
// file should hold none, but a user may have put one there by hand.
func maskValue(key, value string) string {
	k := strings.ToLower(key)
	for _, word := range []string{"secret", "password", "token"} {
		if strings.Contains(k, word) {
			return masked
		}
	}
	return value
}

// splitSection splits a header the way config.Parse does: "idp corp" → idp, corp.
func splitSection(header string) (kind, name string) {
	kind, name, _ = strings.Cut(strings.TrimSpace(header), " ")
	return kind, strings.TrimSpace(name)
}

// readDoc reads and parses the file at path; exists is false for a missing file.
func readDoc(path string) (doc *inifile.Doc, exists bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	doc, err = inifile.Parse(data)
	if err != nil {
		return nil, true, fmt.Errorf("parse %s: %w", path, err)
	}
	return doc, true, nil
}

// writeSection prints one section as "[header]" and "key = value" lines.
func writeSection(w io.Writer, doc *inifile.Doc, header string) {
	fmt.Fprintf(w, "[%s]\n", header)
	for _, k := range doc.Keys(header) {
		v := maskValue(k.Name, k.Value)
		// A value spanning lines is shown indented, as the file holds it.
		v = strings.ReplaceAll(v, "\n", "\n    ")
		fmt.Fprintf(w, "%s = %s\n", k.Name, v)
	}
}

// printWritten shows on stderr the two sections configure wrote.
func printWritten(f *factory.Factory, path, idpName, accountName string) error {
	doc, _, err := readDoc(path)
	if err != nil {
		return err
	}
	w := f.IO.ErrOut
	fmt.Fprintf(w, "Wrote %s:\n", path)
	for _, want := range [][2]string{{"idp", idpName}, {"account", accountName}} {
		for _, s := range doc.Sections() {
			if kind, name := splitSection(s.Name); kind == want[0] && name == want[1] {
				fmt.Fprintln(w)
				writeSection(w, doc, s.Name)
				break
			}
		}
	}
	return nil
}
