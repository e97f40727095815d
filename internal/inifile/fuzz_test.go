package inifile

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// sectSnap is what one section means, for comparing documents before and
// after an edit.
type sectSnap struct {
	name string
	keys []Key // Line left zero: edits move lines
}

func snapshot(d *Doc) []sectSnap {
	out := make([]sectSnap, len(d.ix.sects))
	for i := range d.ix.sects {
		s := &d.ix.sects[i]
		out[i].name = s.name
		for j := range s.keys {
			out[i].keys = append(out[i].keys, Key{Name: s.keys[j].name, Value: s.keys[j].value()})
		}
	}
	return out
}

// without drops from section number i the keys named key (i < 0: nothing).
func without(snap []sectSnap, i int, key string) []sectSnap {
	out := make([]sectSnap, len(snap))
	for j, s := range snap {
		out[j] = sectSnap{name: s.name}
		for _, k := range s.keys {
			if j != i || k.Name != key {
				out[j].keys = append(out[j].keys, k)
			}
		}
	}
	return out
}

func firstIndex(snap []sectSnap, name string) int {
	for i, s := range snap {
		if s.name == name {
			return i
		}
	}
	return -1
}

// checkIndex asserts that what the document knows of its lines, kept up
// edit by edit, is what reading them afresh finds.
func checkIndex(t *testing.T, d *Doc, what string) {
	t.Helper()
	fresh, err := analyze(d.lines)
	if err != nil {
		t.Fatalf("%s: the document no longer parses: %v", what, err)
	}
	if !reflect.DeepEqual(d.ix, fresh) {
		t.Fatalf("%s: the index kept across the edit differs from a fresh one:\nkept  %+v\nfresh %+v\nfile %q", what, d.ix, fresh, d.Bytes())
	}
}

func joinLines(bom bool, ls []line) []byte {
	d := &Doc{bom: bom, lines: ls}
	return d.Bytes()
}

// checkEdits asserts the properties every edit must keep on a document that parsed.
func checkEdits(t *testing.T, data []byte, section, key, value string) {
	orig, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(orig)
	si := firstIndex(before, section)

	// Set: reads back, and changes nothing outside the edited section.
	d, _ := Parse(data)
	d.Set(section, key, value)
	checkIndex(t, d, fmt.Sprintf("Set(%q, %q, %q) of %q", section, key, value, data))
	valid := CheckSection(section) == nil && CheckKey(key) == nil && CheckValue(value) == nil
	if !valid {
		if d.Err() == nil || !bytes.Equal(d.Bytes(), data) {
			t.Fatalf("Set(%q, %q, %q) of an invalid name or value: Err() = %v, changed = %v", section, key, value, d.Err(), !bytes.Equal(d.Bytes(), data))
		}
	} else {
		if d.Err() != nil {
			t.Fatalf("Set(%q, %q, %q): %v", section, key, value, d.Err())
		}
		out := d.Bytes()
		n, err := Parse(out)
		if err != nil {
			t.Fatalf("Set(%q, %q, %q) wrote %q, which does not parse: %v", section, key, value, out, err)
		}
		if got, ok := n.Get(section, key); !ok || got != value {
			t.Fatalf("Set(%q, %q, %q): Get = %q, %v; file %q", section, key, value, got, ok, out)
		}
		after := snapshot(n)
		if si < 0 {
			want := data
			if l := len(orig.lines); l > 0 && orig.lines[l-1].eol == "" {
				want = append(append([]byte{}, data...), orig.newline()...)
			}
			if !bytes.HasPrefix(out, want) {
				t.Fatalf("Set(%q, %q, %q) of a new section changed the file before it: %q -> %q", section, key, value, data, out)
			}
			if !reflect.DeepEqual(after[:len(before)], before) || len(after) != len(before)+1 {
				t.Fatalf("Set(%q, %q, %q) changed other sections: %q -> %q", section, key, value, data, out)
			}
		} else {
			s := &orig.ix.sects[si]
			end := len(orig.lines)
			if si+1 < len(orig.ix.sects) {
				end = orig.ix.sects[si+1].line
			}
			prefix, suffix := joinLines(orig.bom, orig.lines[:s.line]), joinLines(false, orig.lines[end:])
			if !bytes.HasPrefix(out, prefix) || !bytes.HasSuffix(out, suffix) {
				t.Fatalf("Set(%q, %q, %q) changed bytes outside its section: %q -> %q", section, key, value, data, out)
			}
			if !reflect.DeepEqual(without(after, si, key), without(before, si, key)) {
				t.Fatalf("Set(%q, %q, %q) changed other keys: %q -> %q", section, key, value, data, out)
			}
		}
	}

	// Delete: the key is gone, nothing else changed meaning.
	d, _ = Parse(data)
	d.Delete(section, key)
	checkIndex(t, d, fmt.Sprintf("Delete(%q, %q) of %q", section, key, data))
	if d.Err() != nil {
		t.Fatalf("Delete(%q, %q): %v", section, key, d.Err())
	}
	n, err := Parse(d.Bytes())
	if err != nil {
		t.Fatalf("Delete(%q, %q) wrote %q, which does not parse: %v", section, key, d.Bytes(), err)
	}
	if _, ok := n.Get(section, key); ok {
		t.Fatalf("Delete(%q, %q) left the key in %q", section, key, d.Bytes())
	}
	if !reflect.DeepEqual(snapshot(n), without(before, si, key)) {
		t.Fatalf("Delete(%q, %q) changed other keys: %q -> %q", section, key, data, d.Bytes())
	}

	// DeleteSection: the section is gone, the others mean what they meant.
	d, _ = Parse(data)
	d.DeleteSection(section)
	checkIndex(t, d, fmt.Sprintf("DeleteSection(%q) of %q", section, data))
	if d.Err() != nil {
		t.Fatalf("DeleteSection(%q): %v", section, d.Err())
	}
	n, err = Parse(d.Bytes())
	if err != nil {
		t.Fatalf("DeleteSection(%q) wrote %q, which does not parse: %v", section, d.Bytes(), err)
	}
	var rest []sectSnap
	for _, s := range before {
		if s.name != section {
			rest = append(rest, s)
		}
	}
	if got := snapshot(n); !reflect.DeepEqual(got, rest) && !(len(got) == 0 && len(rest) == 0) {
		t.Fatalf("DeleteSection(%q) changed other sections: %q -> %q", section, data, d.Bytes())
	}
}

var fuzzSeeds = []string{
	"",
	"\ufeff[default]\r\naws_access_key_id = AKIA\r\naws_secret_access_key = abc;def#ghi=jkl\r\n",
	"# comment\n; other\n\n[default]\nregion=eu-west-1\n\n[profile dev]\ns3 =\n  max_concurrent_requests = 10\n\n  addressing_style = path\nregion: us-east-1\n",
	"[a]\nk = v\n# c\n  more\nj = 1",
	"[a]\n  k = 1\n    c\n j = 2\n  [b]\n",
	"[a]\nx = 1\n[b]\n    y = 2\n    [c]\nz = 3\n",
	"[a]\n[a]\nk=1\nk=2\n",
	"[ dev ]\n[a]b] x\nk\x1f=\x1fv\n",
	"k = v\n",
	"[a]\r",
	"[a]\rk = v\r  c\r\nj = w\n\r[b]\rx = 1",
}

func FuzzRoundTrip(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), "a", "k", "v")
		f.Add([]byte(s), "default", "aws_session_token", "tok\nen")
		f.Add([]byte(s), "b", "region", "")
	}
	f.Fuzz(func(t *testing.T, data []byte, section, key, value string) {
		d, err := Parse(data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Line > bytes.Count(data, []byte("\n"))+bytes.Count(data, []byte("\r"))+1 {
				t.Fatalf("Parse(%q) = %v, want a *SyntaxError with a line in the input", data, err)
			}
			return
		}
		if got := d.Bytes(); !bytes.Equal(got, data) {
			t.Fatalf("Parse(%q).Bytes() = %q", data, got)
		}
		for _, s := range d.Sections() {
			if s.Line < 1 || s.Line > len(d.lines) || d.ix.kinds[s.Line-1] != headerLine {
				t.Fatalf("section %q at line %d is not a header line", s.Name, s.Line)
			}
		}
		checkEdits(t, data, section, key, value)
	})
}

// TestEditProperties runs the fuzz properties over combinations of the seeds,
// so a plain `go test` exercises them too.
func TestEditProperties(t *testing.T) {
	sections := []string{"a", "b", "default", "profile dev", " dev ", "new"}
	keys := []string{"k", "j", "region", "s3", "aws_session_token", "x"}
	values := []string{"", "v", "abc;def#ghi=jkl", "\nmax = 1", "a\n\nb", " bad"}
	for _, s := range fuzzSeeds {
		if _, err := Parse([]byte(s)); err != nil {
			continue
		}
		for _, sec := range sections {
			for _, k := range keys {
				for _, v := range values {
					checkEdits(t, []byte(s), sec, k, v)
				}
			}
		}
	}
}

// TestEditSequencesKeepTheIndex makes many edits in a row on one document,
// as a sign-in writing many profiles does: each edit reads again only the
// lines it may have changed, and after each the document must know its
// lines as a fresh reading would, and mean what the edits asked.
func TestEditSequencesKeepTheIndex(t *testing.T) {
	sections := []string{"a", "b", "c", "default", "profile dev", " dev ", "new", "new2"}
	keys := []string{"k", "j", "region", "s3", "x"}
	values := []string{"", "v", "abc;def#ghi=jkl", "\nmax = 1", "a\n\nb", "w\nz"}
	r := rand.New(rand.NewPCG(1, 2))
	for _, seed := range fuzzSeeds {
		if _, err := Parse([]byte(seed)); err != nil {
			continue
		}
		for range 40 {
			d, _ := Parse([]byte(seed))
			var log []string
			for range 12 {
				s, k := sections[r.IntN(len(sections))], keys[r.IntN(len(keys))]
				switch r.IntN(6) {
				case 0:
					d.Delete(s, k)
					log = append(log, fmt.Sprintf("Delete(%q, %q)", s, k))
				case 1:
					d.DeleteSection(s)
					log = append(log, fmt.Sprintf("DeleteSection(%q)", s))
				default:
					v := values[r.IntN(len(values))]
					d.Set(s, k, v)
					log = append(log, fmt.Sprintf("Set(%q, %q, %q)", s, k, v))
					if got, ok := d.Get(s, k); d.Err() == nil && (!ok || got != v) {
						t.Fatalf("%s of %q: Get = %q, %v", strings.Join(log, ", "), seed, got, ok)
					}
				}
				if d.Err() != nil {
					t.Fatalf("%s of %q: %v", strings.Join(log, ", "), seed, d.Err())
				}
				checkIndex(t, d, strings.Join(log, ", ")+" of "+fmt.Sprintf("%q", seed))
			}
		}
	}
}
