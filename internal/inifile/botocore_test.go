package inifile

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// botocoreReader reads files the way botocore's configloader does
// (configparser.RawConfigParser() with its defaults, then cp.read([path]):
// universal newlines, the locale's encoding, strict, keys lowercased), and
// twice more for the comparison's sake:
//   - lenient: the same, except that a UTF-8 byte order mark is skipped and
//     bytes that are not UTF-8 are kept (surrogateescape) — the two ways in
//     which awsfed deliberately reads more files than botocore;
//   - exact: lenient and not strict, keys in their own case, so that it names
//     the first bad line even where a repeat stops the strict reader first.
//
// It answers one JSON line per path on stdin. Strings go as the hex of their
// bytes, so that bytes that are not UTF-8 compare exactly.
const botocoreReader = `
import codecs, configparser, io, json, sys

def hx(s):
    return s.encode("utf-8", "surrogateescape").hex()

def read(path, lenient, strict, exact):
    cp = configparser.RawConfigParser(strict=strict)
    if exact:
        cp.optionxform = str
    try:
        if lenient:
            # Not utf-8-sig, which also drops a part of a BOM at the end.
            with open(path, "rb") as f:
                raw = f.read()
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            cp.read_file(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="surrogateescape"), path)
        else:
            cp.read([path])  # exactly botocore/configloader.py
    except UnicodeDecodeError:
        return {"refused": "decode"}
    except configparser.DuplicateSectionError as e:
        return {"refused": "dup-section", "line": e.lineno}
    except configparser.DuplicateOptionError as e:
        return {"refused": "dup-option", "line": e.lineno}
    except configparser.MissingSectionHeaderError as e:
        return {"refused": "no-section", "line": e.lineno}
    except configparser.ParsingError as e:
        return {"refused": "syntax", "line": e.errors[0][0]}
    except configparser.Error as e:
        return {"refused": type(e).__name__}
    return {
        "sections": [[hx(s), [[hx(k), hx(v)] for k, v in cp._sections[s].items()]] for s in cp._sections],
        "defaults": [[hx(k), hx(v)] for k, v in cp._defaults.items()],
    }

for req in sys.stdin:
    path = json.loads(req)
    print(json.dumps({
        "botocore": read(path, False, True, False),
        "lenient": read(path, True, True, False),
        "exact": read(path, True, False, True),
    }), flush=True)
`

// view is what a reader makes of a file: why it refuses it, or its sections
// (all but [DEFAULT]) and the keys of [DEFAULT], which botocore merges into
// every section. Keys are in file order.
type view struct {
	Refused  string       `json:"refused"` // "": read; else decode, syntax, no-section, dup-section, dup-option
	Line     int          `json:"line"`
	Sections []sectView   `json:"sections"`
	Defaults [][2]hexText `json:"defaults"`
}

type sectView struct {
	Name hexText
	Keys [][2]hexText
}

func (s *sectView) UnmarshalJSON(b []byte) error {
	var raw [2]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if err := json.Unmarshal(raw[0], &s.Name); err != nil {
		return err
	}
	return json.Unmarshal(raw[1], &s.Keys)
}

// hexText is a string that travels as the hex of its bytes.
type hexText string

func (h *hexText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	raw, err := hex.DecodeString(s)
	*h = hexText(raw)
	return err
}

type botocoreViews struct{ Botocore, Lenient, Exact view }

// python is one python3 process reading files for a whole test or fuzz
// worker: one process per file would be far slower.
type python struct {
	in   io.WriteCloser
	out  *bufio.Reader
	dir  string
	seq  int
	wait func() error
}

// startPython starts the reader, or skips the test without python3, but
// not under CI, where the comparison must run.
func startPython(tb testing.TB) *python {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("python3 not found; CI must compare awsfed's reader with botocore's: %v", err)
		}
		tb.Skip("SKIPPED: python3 not found, so awsfed's INI reader is NOT compared with botocore's; install python3 to run this test")
	}
	cmd := exec.Command(py, "-c", botocoreReader)
	// botocore opens files in the locale's encoding: UTF-8 on the systems
	// awsfed supports, whatever this test runs under.
	cmd.Env = append(os.Environ(), "PYTHONUTF8=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	p := &python{in: in, out: bufio.NewReader(out), dir: tb.TempDir(), wait: cmd.Wait}
	tb.Cleanup(func() {
		in.Close()
		_ = p.wait()
	})
	return p
}

// read has python read data from a file, as botocore would.
func (p *python) read(tb testing.TB, data []byte) botocoreViews {
	tb.Helper()
	p.seq++
	path := filepath.Join(p.dir, fmt.Sprintf("credentials-%d", p.seq))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	defer os.Remove(path)
	req, _ := json.Marshal(path)
	if _, err := p.in.Write(append(req, '\n')); err != nil {
		tb.Fatalf("python3: %v", err)
	}
	type answer struct {
		line []byte
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := p.out.ReadBytes('\n')
		ch <- answer{line, err}
	}()
	var line []byte
	select {
	case a := <-ch:
		if a.err != nil {
			tb.Fatalf("python3: %v", a.err)
		}
		line = a.line
	case <-time.After(20 * time.Second):
		tb.Fatalf("python3 has not read %q (%d bytes) after 20s", data[:min(len(data), 200)], len(data))
	}
	var v botocoreViews
	if err := json.Unmarshal(line, &v); err != nil {
		tb.Fatalf("python3 answered %q: %v", line, err)
	}
	return v
}

// awsfedView is what awsfed makes of data: Parse, then the repeats the AWS
// CLI refuses. lower names keys as botocore does.
func awsfedView(data []byte, lower bool) view {
	d, err := Parse(data)
	var se *SyntaxError
	if errors.As(err, &se) {
		kind := "syntax"
		if strings.HasSuffix(se.Msg, "outside any section") {
			kind = "no-section"
		}
		return view{Refused: kind, Line: se.Line}
	}
	if err != nil {
		return view{Refused: err.Error()}
	}
	if err := d.CheckDuplicates(); err != nil {
		var de *DuplicateError
		if !errors.As(err, &de) {
			return view{Refused: err.Error()}
		}
		if de.Key == "" {
			return view{Refused: "dup-section", Line: de.Line}
		}
		return view{Refused: "dup-option", Line: de.Line}
	}
	var v view
	for i := range d.ix.sects {
		s := &d.ix.sects[i]
		keys := [][2]hexText{}
		for j := range s.keys {
			name := s.keys[j].name
			if lower {
				name = KeyName(name)
			}
			keys = append(keys, [2]hexText{hexText(name), hexText(s.keys[j].value())})
		}
		if s.name == "DEFAULT" {
			v.Defaults = append(v.Defaults, keys...)
		} else {
			v.Sections = append(v.Sections, sectView{Name: hexText(s.name), Keys: keys})
		}
	}
	return v
}

// checkAgrees holds awsfed's reader to botocore's on data: a file botocore
// reads, awsfed reads, with the same sections, keys and values; a file
// botocore refuses, awsfed refuses, for a reason that is true. Beyond
// botocore, awsfed reads a file with a UTF-8 byte order mark or bytes that
// are not UTF-8 (botocore's reader with those two allowances is the
// reference then).
func checkAgrees(t *testing.T, data []byte, py botocoreViews) {
	t.Helper()
	ref := py.Botocore
	if ref.Refused == "decode" || bytes.HasPrefix(data, bomBytes) {
		ref = py.Lenient
	}
	got := awsfedView(data, true)
	switch {
	case ref.Refused == "" && got.Refused == "":
		if !sameView(got, ref) {
			t.Errorf("%q:\nbotocore reads %s\nawsfed reads   %s", data, showView(ref), showView(got))
		}
		if exact := awsfedView(data, false); !sameView(exact, py.Exact) {
			t.Errorf("%q, keys in their own case:\nconfigparser reads %s\nawsfed reads       %s", data, showView(py.Exact), showView(exact))
		}
	case ref.Refused == "":
		t.Errorf("%q: botocore reads it, awsfed refuses it (%s at line %d)", data, got.Refused, got.Line)
	case got.Refused == "":
		t.Errorf("%q: botocore refuses it (%s at line %d), awsfed reads it", data, ref.Refused, ref.Line)
	case got.Refused == "syntax" || got.Refused == "no-section":
		// The strict reader may stop at a repeat before the bad line; the
		// exact one reads on and names the first bad line.
		if py.Exact.Refused != got.Refused || py.Exact.Line != got.Line {
			t.Errorf("%q: awsfed refuses it for %s at line %d; configparser finds %q at line %d", data, got.Refused, got.Line, py.Exact.Refused, py.Exact.Line)
		}
	case got.Refused != ref.Refused || got.Line != ref.Line:
		t.Errorf("%q: awsfed refuses it for %s at line %d; botocore for %q at line %d", data, got.Refused, got.Line, ref.Refused, ref.Line)
	}
}

func sameView(a, b view) bool {
	// JSON gives empty lists where Go has nil ones.
	same := func(x, y any, n int) bool { return n == 0 || reflect.DeepEqual(x, y) }
	return a.Refused == b.Refused &&
		same(a.Sections, b.Sections, len(a.Sections)+len(b.Sections)) &&
		same(a.Defaults, b.Defaults, len(a.Defaults)+len(b.Defaults))
}

func showView(v view) string {
	var b strings.Builder
	for _, s := range v.Sections {
		fmt.Fprintf(&b, "[%q]%q ", s.Name, s.Keys)
	}
	if len(v.Defaults) > 0 {
		fmt.Fprintf(&b, "DEFAULT%q", v.Defaults)
	}
	return b.String()
}

// botocoreSeeds are files on which awsfed and botocore once disagreed, and
// the shapes around them.
var botocoreSeeds = []string{
	// Python reads with universal newlines: a lone CR ends a line too.
	"[a]\nk = v\r",
	"[a]\rk = v\rj = w\r",
	"[a]\r\nk = v\rj = w\n",
	"[a]\nk = v\r\r\n\r[b]\r",
	"[a]\nk =\r  max = 1\r\r  more = 2\rj = 3",
	"[a]\nk = v\rjunk\n",
	"# c\r[a]\r\n",
	// [DEFAULT] may repeat; its keys are one set.
	"[DEFAULT]\nk = 1\n[a]\nk = 2\n[DEFAULT]\nj = 3\n",
	"[DEFAULT]\nk = 1\n[DEFAULT]\nK = 2\n",
	"[DEFAULT]\n[DEFAULT]\n",
	// Key names compare as Python's str.lower leaves them.
	"[a]\nK = 1\nk = 2\n",
	"[a]\n\u0130 = 1\ni = 2\n",
	"[a]\n\u0130 = 1\ni\u0307 = 2\n",
	"[a]\n\u03a3 = 1\n\u03c3 = 2\n",
	"[a]\n\u0391\u03a3 = 1\n\u03b1\u03c3 = 2\n",
	"[a]\n\u0391\u03a3 = 1\n\u03b1\u03c2 = 2\n",
	"[a]\n\u0391\u03a3\u0391 = 1\n\u03b1\u03c3\u03b1 = 2\n",
	"[a]\n\u0391.\u03a3 = 1\n\u03b1.\u03c2 = 2\n",
	"[a]\n\u017f = 1\nS = 2\n",
	"[a]\n\u212a = 1\nk = 2\n",
	// Only \r and \n end lines; other line separators are spaces.
	"[a]\nk = v\x85w\u2028x\x0b\x0c\x1c\n",
	// A repeat stops botocore before a bad line after it; awsfed names the bad line.
	"[a]\n: v\n: w\n",
	"[a]\njunk\nk = 1\nk = 2\n",
	"[a]\nk = 1\nk = 2\njunk\n",
	// Beyond botocore: a byte order mark, and bytes that are not UTF-8.
	"\ufeff[a]\nk = v\n",
	"\ufeff\ufeff[a]\n",
	"[a]\nk = \xff\xfe\n\xc3 = 1\n",
	"\xef",
	"\xef\xbb",
}

func TestBotocoreAgrees(t *testing.T) {
	py := startPython(t)
	for _, s := range append(botocoreSeeds, fuzzSeeds...) {
		checkAgrees(t, []byte(s), py.read(t, []byte(s)))
	}
}

// TestBotocoreAgreesOnRandomFiles compares on files built from the shapes
// that trip parsers up, so that a plain `go test` covers more than the seeds.
func TestBotocoreAgreesOnRandomFiles(t *testing.T) {
	py := startPython(t)
	indents := []string{"", "", "", " ", "  ", "\t", "    ", "\x0c", "\u00a0", "\x1f"}
	contents := []string{
		"[a]", "[b]", "[s]", "[ c ]", "[a]x]", "[]", "[d", "k = v", "k=v", "j: w", "x = a;b#c", "= v", ": v",
		"junk", "# c", "; c", "", "m =", "s3 =", "n = 1 = 2", "p\x1f=\x1fq", "y : [z]", "[e] = f",
		"q = 1", "r=2", "t : 3", "u = \u00a0x", "# k = v", "", "v = [w]", "[DEFAULT]", "K = 4",
		"\u0130 = 5", "\u03a3\u03a3 = 6", "\u03c3\u03c2 = 7",
	}
	trailing := []string{"", "", " ", "\t"}
	ends := []string{"\n", "\n", "\n", "\r\n", "\r"}
	rng := rand.New(rand.NewPCG(1, 2))
	counts := map[string]int{}
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
			if i < n-1 || rng.IntN(3) > 0 {
				b.WriteString(ends[rng.IntN(len(ends))])
			}
		}
		data := []byte(b.String())
		py := py.read(t, data)
		checkAgrees(t, data, py)
		counts[py.Botocore.Refused]++
	}
	// The generator must produce enough of each kind for the comparison to mean something.
	for _, kind := range []string{"", "syntax", "no-section", "dup-section", "dup-option"} {
		if counts[kind] < 100 {
			t.Errorf("only %d files that botocore reads as %q: the generator needs tuning (%v)", counts[kind], kind, counts)
		}
	}
	t.Logf("compared 3000 files with botocore's reader: %v", counts)
}

// FuzzBotocoreAgrees holds awsfed's reader to botocore's on any input.
func FuzzBotocoreAgrees(f *testing.F) {
	for _, s := range append(botocoreSeeds, fuzzSeeds...) {
		f.Add([]byte(s))
	}
	py := startPython(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgrees(t, data, py.read(t, data))
	})
}
