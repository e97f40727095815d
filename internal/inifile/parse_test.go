package inifile

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestParseReadsLikeTheAWSCLI(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string][]Key // section -> keys; line numbers checked too
		secs []Section
	}{
		{
			name: "plain",
			in:   "[default]\naws_access_key_id = AKIA\nregion=eu-west-1\n",
			secs: []Section{{"default", 1}},
			want: map[string][]Key{"default": {{"aws_access_key_id", "AKIA", 2}, {"region", "eu-west-1", 3}}},
		},
		{
			name: "colon delimiter and first delimiter wins",
			in:   "[a]\nk: v=w\nx = y:z\n",
			secs: []Section{{"a", 1}},
			want: map[string][]Key{"a": {{"k", "v=w", 2}, {"x", "y:z", 3}}},
		},
		{
			name: "no inline comments",
			in:   "[a]\nsecret = abc;def#ghi=jkl ; not a comment\n",
			secs: []Section{{"a", 1}},
			want: map[string][]Key{"a": {{"secret", "abc;def#ghi=jkl ; not a comment", 2}}},
		},
		{
			name: "comments and blank lines",
			in:   "# top\n; also\n\n[a]\n  # indented comment\nk = v\n\n",
			secs: []Section{{"a", 4}},
			want: map[string][]Key{"a": {{"k", "v", 6}}},
		},
		{
			name: "nested continuation",
			in:   "[profile x]\ns3 =\n  max_concurrent_requests = 10\n  addressing_style = path\nregion = us-east-1\n",
			secs: []Section{{"profile x", 1}},
			want: map[string][]Key{"profile x": {{"s3", "\nmax_concurrent_requests = 10\naddressing_style = path", 2}, {"region", "us-east-1", 5}}},
		},
		{
			name: "blank line and comment inside a continuation",
			in:   "[a]\nk = v\n\n# c\n  more\nj = 1\n\n\n",
			secs: []Section{{"a", 1}},
			want: map[string][]Key{"a": {{"k", "v\n\nmore", 2}, {"j", "1", 6}}},
		},
		{
			name: "continuation is relative to the key's indentation",
			in:   "[a]\n  k = 1\n  j = 2\n    c\n l = 3\n",
			secs: []Section{{"a", 1}},
			want: map[string][]Key{"a": {{"k", "1", 2}, {"j", "2\nc", 3}, {"l", "3", 5}}},
		},
		{
			name: "indented bracket line under a key is a continuation",
			in:   "[a]\nk = v\n  [b]\n",
			secs: []Section{{"a", 1}},
			want: map[string][]Key{"a": {{"k", "v\n[b]", 2}}},
		},
		{
			name: "first line after a header is never a continuation",
			in:   "[a]\n     k = v\n[b]\n",
			secs: []Section{{"a", 1}, {"b", 3}},
			want: map[string][]Key{"a": {{"k", "v", 2}}, "b": {}},
		},
		{
			name: "header name is kept verbatim up to the last bracket",
			in:   "  [ dev ]  \n[a]b] trailing\n",
			secs: []Section{{" dev ", 1}, {"a]b", 2}},
		},
		{
			name: "duplicates are reported, keys come from the first section",
			in:   "[a]\nk = 1\nk = 2\n[a]\nk = 3\n",
			secs: []Section{{"a", 1}, {"a", 4}},
			want: map[string][]Key{"a": {{"k", "1", 2}, {"k", "2", 3}}},
		},
		{
			name: "CRLF, BOM, no final newline",
			in:   "\ufeff[a]\r\nk = v\r\nj = w",
			secs: []Section{{"a", 1}},
			want: map[string][]Key{"a": {{"k", "v", 2}, {"j", "w", 3}}},
		},
		{
			name: "a lone CR ends a line, as in Python's universal newlines",
			in:   "[a]\rk = v\r  more\r\nj = w\r\r[b]\rx = y\r",
			secs: []Section{{"a", 1}, {"b", 6}},
			want: map[string][]Key{"a": {{"k", "v\nmore", 2}, {"j", "w", 4}}, "b": {{"x", "y", 7}}},
		},
		{
			name: "python whitespace: form feed and unit separator are spaces",
			in:   "[a]\n\x0ck\x1f=\x1fv\xc2\xa0\n",
			secs: []Section{{"a", 1}},
			want: map[string][]Key{"a": {{"k", "v", 2}}},
		},
		{name: "empty", in: ""},
		{name: "only a BOM", in: "\ufeff"},
		{name: "only comments", in: "# x\n\n; y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Bytes(); !bytes.Equal(got, []byte(tt.in)) {
				t.Errorf("Bytes() = %q, want the input", got)
			}
			if got := d.Sections(); !reflect.DeepEqual(got, tt.secs) && !(len(got) == 0 && len(tt.secs) == 0) {
				t.Errorf("Sections() = %v, want %v", got, tt.secs)
			}
			for sec, want := range tt.want {
				got := d.Keys(sec)
				if len(got) == 0 && len(want) == 0 {
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("Keys(%q) = %+v, want %+v", sec, got, want)
				}
				seen := map[string]bool{}
				for _, k := range want {
					if seen[k.Name] {
						continue // Get returns the first of duplicates
					}
					seen[k.Name] = true
					if v, ok := d.Get(sec, k.Name); !ok || v != k.Value {
						t.Errorf("Get(%q, %q) = %q, %v, want %q", sec, k.Name, v, ok, k.Value)
					}
				}
			}
		})
	}
}

func TestParseRefusesWhatTheAWSCLIRefuses(t *testing.T) {
	tests := []struct {
		in   string
		line int
		msg  string
	}{
		{"k = v\n", 1, "key outside any section"},
		{"# c\n\nhello\n[a]\n", 3, "text outside any section"},
		{"[a]\nk = v\njunk\n", 3, "neither [section], key = value nor a comment"},
		{"[a]\n = v\n", 2, "no key name before '='"},
		{"[a]\n: v\n", 2, "no key name before ':'"},
		{"[]\n", 1, "text outside any section"},
		{"[a\n", 1, "text outside any section"},
		{"\ufeff\ufeff[a]\n", 1, "text outside any section"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error = %v, want *SyntaxError", tt.in, err)
			continue
		}
		if se.Line != tt.line || se.Msg != tt.msg {
			t.Errorf("Parse(%q) = line %d %q, want line %d %q", tt.in, se.Line, se.Msg, tt.line, tt.msg)
		}
	}
}

func TestSyntaxErrorDoesNotQuoteTheLine(t *testing.T) {
	_, err := Parse([]byte("aws_secret_access_key = s3cr3t\n"))
	if err == nil {
		t.Fatal("no error")
	}
	if got, want := err.Error(), "line 1: key outside any section"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
