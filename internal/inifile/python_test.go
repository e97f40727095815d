package inifile

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// pyReader reads documents with the parser the AWS CLI uses (configparser's
// RawConfigParser; keys keep their case here so names compare exactly).
const pyReader = `
import configparser, json, sys
out = []
for text in json.load(sys.stdin):
    cp = configparser.RawConfigParser()
    cp.optionxform = str
    try:
        cp.read_string(text)
    except (configparser.DuplicateSectionError, configparser.DuplicateOptionError):
        out.append({"dup": True})
        continue
    except configparser.MissingSectionHeaderError as e:
        out.append({"err": e.lineno})
        continue
    except configparser.ParsingError as e:
        out.append({"err": e.errors[0][0]})
        continue
    out.append({"sections": [[s, [[k, v] for k, v in cp._sections[s].items()]] for s in cp._sections]})
json.dump(out, sys.stdout)
`

type pyResult struct {
	Dup      bool    `json:"dup"`
	Err      int     `json:"err"`
	Sections [][]any `json:"sections"`
}

// TestMatchesPythonConfigparser compares Parse with the real configparser on
// random documents built from the shapes that trip parsers up. It needs
// python3 and is skipped without it.
func TestMatchesPythonConfigparser(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	indents := []string{"", "", "", " ", "  ", "\t", "    ", "\x0c", "\u00a0", "\x1f"}
	contents := []string{
		"[a]", "[b]", "[ c ]", "[a]x]", "[]", "[d", "k = v", "k=v", "j: w", "x = a;b#c", "= v", ": v",
		"junk", "# c", "; c", "", "m =", "s3 =", "n = 1 = 2", "p\x1f=\x1fq", "y : [z]", "[e] = f",
		"q = 1", "r=2", "t : 3", "u = \u00a0x", "# k = v", "", "v = [w]",
	}
	trailing := []string{"", "", " ", "\t"}
	rng := rand.New(rand.NewPCG(1, 2))
	var docs []string
	for range 3000 {
		var b strings.Builder
		if rng.IntN(4) > 0 {
			b.WriteString("[s]\n")
		}
		n := 1 + rng.IntN(8)
		for i := range n {
			b.WriteString(indents[rng.IntN(len(indents))])
			b.WriteString(contents[rng.IntN(len(contents))])
			b.WriteString(trailing[rng.IntN(len(trailing))])
			switch {
			case i == n-1 && rng.IntN(3) == 0:
			case rng.IntN(4) == 0:
				b.WriteString("\r\n")
			default:
				b.WriteString("\n")
			}
		}
		docs = append(docs, b.String())
	}
	in, _ := json.Marshal(docs)
	cmd := exec.Command(py, "-c", pyReader)
	cmd.Stdin = strings.NewReader(string(in))
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var results []pyResult
	if err := json.Unmarshal(outb, &results); err != nil {
		t.Fatal(err)
	}
	compared, failed := 0, 0
	for i, doc := range docs {
		r := results[i]
		if r.Dup {
			continue // Parse keeps duplicates; awsfiles refuses them
		}
		compared++
		d, err := Parse([]byte(doc))
		if r.Err != 0 {
			failed++
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line != r.Err {
				t.Errorf("%q: configparser fails at line %d, Parse says %v", doc, r.Err, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: configparser accepts it, Parse says %v", doc, err)
			continue
		}
		var got [][]any
		for _, s := range d.Sections() {
			keys := []any{}
			for _, k := range d.Keys(s.Name) {
				keys = append(keys, []any{k.Name, k.Value})
			}
			got = append(got, []any{s.Name, keys})
		}
		want := r.Sections
		if len(want) == 0 {
			want = nil
		}
		if !reflect.DeepEqual(roundJSON(t, got), roundJSON(t, want)) {
			t.Errorf("%q:\nconfigparser %v\nParse        %v", doc, want, got)
		}
	}
	// The generator must produce enough of both kinds for the comparison to mean something.
	if compared < 1000 || failed < 200 || compared-failed < 200 {
		t.Errorf("compared %d documents, %d of them refused: the generator needs tuning", compared, failed)
	}
	t.Logf("compared %d documents with configparser, %d refused by both", compared, failed)
}

func roundJSON(t *testing.T, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
