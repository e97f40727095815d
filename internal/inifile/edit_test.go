package inifile

import (
	"strings"
	"testing"
)

func TestEdits(t *testing.T) {
	type edit func(d *Doc)
	set := func(s, k, v string) edit { return func(d *Doc) { d.Set(s, k, v) } }
	del := func(s, k string) edit { return func(d *Doc) { d.Delete(s, k) } }
	delSec := func(s string) edit { return func(d *Doc) { d.DeleteSection(s) } }
	tests := []struct {
		name string
		in   string
		edit edit
		want string
	}{
		{"replace keeps spacing", "[a]\nk = old\n", set("a", "k", "new"), "[a]\nk = new\n"},
		{"replace keeps tight spacing", "[a]\nk=old\n", set("a", "k", "new"), "[a]\nk=new\n"},
		{"replace keeps odd spacing and colon", "[a]\n  k  :   old   \n", set("a", "k", "new"), "[a]\n  k  :   new\n"},
		{"replace empty value", "[a]\nk =\nj=\n", func(d *Doc) { d.Set("a", "k", "1"); d.Set("a", "j", "2") }, "[a]\nk = 1\nj=2\n"},
		{"replace with empty value", "[a]\nk = old\n", set("a", "k", ""), "[a]\nk =\n"},
		{"replace keeps CRLF and no final newline", "[a]\r\nk = old", set("a", "k", "new"), "[a]\r\nk = new"},
		{"replace a nested value", "[a]\ns3 =\n    x = 1\n\n    y = 2\nz = 3\n", set("a", "s3", "\nw = 9"), "[a]\ns3 =\n    w = 9\nz = 3\n"},
		{"replace keeps comments inside a continuation", "[a]\nk = v\n# c\n  more\nj = 1\n", set("a", "k", "x"), "[a]\nk = x\n# c\nj = 1\n"},
		{"replace before a kept comment at the end of the file", "[a]\nk=\n#\n 0", set("a", "k", "0"), "[a]\nk=0\n#\n"},
		{"replace only in the first duplicate section", "[a]\nk = 1\n[a]\nk = 2\n", set("a", "k", "3"), "[a]\nk = 3\n[a]\nk = 2\n"},
		{
			"insert after the last key, before trailing comments",
			"[a]\nk = 1\n  cont\n\n# about b\n[b]\nx = 1\n",
			set("a", "j", "2"),
			"[a]\nk = 1\n  cont\nj = 2\n\n# about b\n[b]\nx = 1\n",
		},
		{"insert copies indentation and style", "[a]\n  k=1\n", set("a", "j", "2"), "[a]\n  k=1\n  j=2\n"},
		{"insert into an empty section", "[a]\n\n[b]\n", set("a", "k", "v"), "[a]\nk = v\n\n[b]\n"},
		{"insert before an indented next header", "[a]\n  [b]\n", set("a", "k", "v"), "[a]\n  k = v\n  [b]\n"},
		{"insert at the end without final newline", "[a]\nk = 1", set("a", "j", "2"), "[a]\nk = 1\nj = 2"},
		{"insert uses CRLF", "[a]\r\nk = 1\r\n", set("a", "j", "2"), "[a]\r\nk = 1\r\nj = 2\r\n"},
		{"insert multi-line value", "[a]\n", set("a", "s3", "\nx = 1\n\ny = 2"), "[a]\ns3 =\n  x = 1\n\n  y = 2\n"},
		{"new section in empty file", "", set("a", "k", "v"), "[a]\nk = v\n"},
		{"new section keeps the BOM", "\ufeff", set("a", "k", "v"), "\ufeff[a]\nk = v\n"},
		{"new section after one blank line", "[a]\nk=1\n", set("b", "j", "2"), "[a]\nk=1\n\n[b]\nj=2\n"},
		{"new section after existing blank line", "[a]\nk = 1\n\n", set("b", "j", "2"), "[a]\nk = 1\n\n[b]\nj = 2\n"},
		{"new section without final newline", "# c", set("b", "j", "2"), "# c\n\n[b]\nj = 2"},
		{"new section CRLF", "[a]\r\nk = 1\r\n", set("b", "j", "2"), "[a]\r\nk = 1\r\n\r\n[b]\r\nj = 2\r\n"},
		{"lone CR line ends are kept and used", "[a]\rk = 1\r\nx = 2\n\r", set("a", "j", "3"), "[a]\rk = 1\r\nx = 2\nj = 3\r\r"},
		{"a value ending in a lone CR", "[a]\nk = v\r", set("a", "k", "w"), "[a]\nk = w\r"},
		{"an empty value line after a lone CR ends in CR", "[a]\nj=\r", set("a", "j", "\n\n0"), "[a]\nj=\r\r  0\n"},
		{"an empty line a delete puts after a lone CR ends in CR", "[a]\rk=1\n\nj=2\n", del("a", "k"), "[a]\r\rj=2\n"},
		{"delete key and continuation", "[a]\nk = 1\n  c\n\n  d\nj = 2\n", del("a", "k"), "[a]\nj = 2\n"},
		{"delete keeps blank lines after the value", "[a]\nk = 1\n\nj = 2\n", del("a", "k"), "[a]\n\nj = 2\n"},
		{"delete missing key is a no-op", "[a]\nk = 1\n", del("a", "x"), "[a]\nk = 1\n"},
		{"delete is case-sensitive", "[a]\nK = 1\n", del("a", "k"), "[a]\nK = 1\n"},
		{
			"delete section keeps comments around it",
			"# about a\n[a]\nk = 1\n# inside\nj = 2\n\n# about b\n[b]\nx = 1\n",
			delSec("a"),
			"# about a\n# about b\n[b]\nx = 1\n",
		},
		{"delete middle section", "[a]\nk=1\n\n[b]\ny=2\n\n[c]\n", delSec("b"), "[a]\nk=1\n\n[c]\n"},
		{"delete last section", "[a]\nk=1\n\n[b]\ny=2\n", delSec("b"), "[a]\nk=1\n"},
		{"delete all duplicates", "[b]\n[a]\n[b]\nk=1\n", delSec("b"), "[a]\n"},
		{
			"delete section de-indents a header that would become a continuation",
			"[a]\nx = 1\n[b]\n    y = 2\n    [c]\nz = 3\n",
			delSec("b"),
			"[a]\nx = 1\n[c]\nz = 3\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(d)
			if d.Err() != nil {
				t.Fatalf("Err() = %v", d.Err())
			}
			if got := string(d.Bytes()); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
			if _, err := Parse(d.Bytes()); err != nil {
				t.Errorf("result does not parse: %v", err)
			}
		})
	}
}

func TestSetRefusesWhatCannotBeWritten(t *testing.T) {
	tests := []struct{ section, key, value, msg string }{
		{"", "k", "s3cr3t", "empty section name"},
		{"a\nb", "k", "s3cr3t", "line break"},
		{"a", "", "s3cr3t", "empty key name"},
		{"a", "k=x", "s3cr3t", "'=' or ':'"},
		{"a", "k:x", "s3cr3t", "'=' or ':'"},
		{"a", " k", "s3cr3t", "space"},
		{"a", "#k", "s3cr3t", "starts with"},
		{"a", "[k", "s3cr3t]", "starts with"},
		{"a", "k", " s3cr3t", "space"},
		{"a", "k", "s3cr3t\r", "carriage return"},
		{"a", "k", "s3cr3t\n#x", "'#' or ';'"},
		{"a", "k", "s3cr3t\n", "ends with a line break"},
		{"a", "k", "s3cr3t\n x", "space"},
	}
	for _, tt := range tests {
		in := "[a]\nk = keep\n"
		d, err := Parse([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		d.Set(tt.section, tt.key, tt.value)
		if d.Err() == nil || !strings.Contains(d.Err().Error(), tt.msg) {
			t.Errorf("Set(%q, %q, %q): Err() = %v, want it to mention %q", tt.section, tt.key, tt.value, d.Err(), tt.msg)
		}
		if got := string(d.Bytes()); got != in {
			t.Errorf("Set(%q, %q, %q) changed the document to %q", tt.section, tt.key, tt.value, got)
		}
		if strings.Contains(d.Err().Error(), "s3cr3t") {
			t.Errorf("error %q quotes the value", d.Err())
		}
	}
}

func TestSetAcceptsOddButValidNames(t *testing.T) {
	for _, sec := range []string{" dev ", "a]b", "profile x y", "[", "DEFAULT"} {
		for _, key := range []string{"k", "a b", "k]", "x#y", "ü"} {
			for _, val := range []string{"", "abc;def#ghi=jkl", "\nx = 1", "a\n\n[b]", "# not a comment"} {
				d, _ := Parse([]byte("[other]\nk = v\n"))
				d.Set(sec, key, val)
				if d.Err() != nil {
					t.Fatalf("Set(%q, %q, %q): %v", sec, key, val, d.Err())
				}
				n, err := Parse(d.Bytes())
				if err != nil {
					t.Fatalf("Set(%q, %q, %q) wrote %q, which does not parse: %v", sec, key, val, d.Bytes(), err)
				}
				if got, ok := n.Get(sec, key); !ok || got != val {
					t.Errorf("Set(%q, %q, %q) reads back %q, %v", sec, key, val, got, ok)
				}
			}
		}
	}
}
