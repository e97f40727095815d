package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Verdict is the outcome of one check.
type Verdict string

// The verdicts, from good to bad.
const (
	Pass Verdict = "PASS"
	Warn Verdict = "WARN"
	Fail Verdict = "FAIL"
)

// Result is one check's line: what was checked (Subject and Check), what
// was found and, unless it passed, the fix. Found and Fix name files with
// their line, hosts with their port; they never hold a secret.
type Result struct {
	Subject string  `json:"subject"` // "config", "account dev", "idp corp", "sts https://…", "aws files", "keyring", "cache"
	Check   string  `json:"check"`   // "dns", "connect", "tls", …
	Verdict Verdict `json:"verdict"`
	Found   string  `json:"found"`
	Fix     string  `json:"fix,omitempty"`
}

func pass(subject, check, found string) Result {
	return Result{Subject: subject, Check: check, Verdict: Pass, Found: found}
}

func warn(subject, check, found, fix string) Result {
	return Result{Subject: subject, Check: check, Verdict: Warn, Found: found, Fix: fix}
}

func fail(subject, check, found, fix string) Result {
	return Result{Subject: subject, Check: check, Verdict: Fail, Found: found, Fix: fix}
}

// Failed reports whether any result is a FAIL.
func Failed(results []Result) bool {
	for _, r := range results {
		if r.Verdict == Fail {
			return true
		}
	}
	return false
}

// writeText prints one line per result: verdict, subject and check, what
// was found, and the fix after "fix:".
func writeText(w io.Writer, results []Result) error {
	var b strings.Builder
	for _, r := range results {
		fmt.Fprintf(&b, "%-4s  %s %s: %s", r.Verdict, r.Subject, r.Check, r.Found)
		if r.Fix != "" {
			fmt.Fprintf(&b, " — fix: %s", r.Fix)
		}
		b.WriteByte('\n')
	}
	var n [3]int
	for _, r := range results {
		switch r.Verdict {
		case Pass:
			n[0]++
		case Warn:
			n[1]++
		case Fail:
			n[2]++
		}
	}
	warnings := "warnings"
	if n[1] == 1 {
		warnings = "warning"
	}
	fmt.Fprintf(&b, "%d passed, %d %s, %d failed\n", n[0], n[1], warnings, n[2])
	_, err := io.WriteString(w, b.String())
	return err
}

// writeJSON prints {"ok": …, "checks": […]} for scripts.
func writeJSON(w io.Writer, results []Result) error {
	if results == nil {
		results = []Result{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		OK     bool     `json:"ok"`
		Checks []Result `json:"checks"`
	}{!Failed(results), results})
}
