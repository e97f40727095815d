package config

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// sessionNameRE is AWS's constraint on RoleSessionName.
var sessionNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{2,64}$`) })

// checkSource checks an account that chains from another (source = NAME):
// the source exists, following sources never comes back to a, the role is
// a full ARN (AssumeRole takes nothing else) and the session name fits
// AWS's constraint. Errors point at the line of the key.
func (f *File) checkSource(a *Account) error {
	if a.Source == "" {
		for _, k := range []string{"external_id", "session_name"} {
			if line, ok := a.Lines[k]; ok {
				return &Error{Path: f.Path, Line: line, Key: k, Msg: fmt.Sprintf("[account %s] has %s but no source", a.Name, k), Hint: "it applies to a chained role: add source = ACCOUNT (the account whose keys assume role_arn), or remove it"}
			}
		}
		return nil
	}
	line := a.Lines["source"]
	chain := []string{a.Name}
	for cur := a; cur.Source != ""; {
		next, ok := f.Accounts[cur.Source]
		if !ok {
			return &Error{Path: f.Path, Line: f.Accounts[cur.Name].Lines["source"], Key: "source",
				Msg:  fmt.Sprintf("[account %s] names source %q, which has no [account %s] section", cur.Name, cur.Source, cur.Source),
				Hint: "known accounts: " + listOrNone(sortedKeys(f.Accounts))}
		}
		chain = append(chain, next.Name)
		if next.Name == a.Name {
			return &Error{Path: f.Path, Line: line, Key: "source",
				Msg:  "the sources of [account " + a.Name + "] form a cycle: " + strings.Join(chain, " → "),
				Hint: "the first account of a chain signs in at the IdP: remove source from one of them"}
		}
		if len(chain) > len(f.Accounts)+1 {
			break // a cycle that does not pass through a: reported for its own members
		}
		cur = next
	}
	if !strings.HasPrefix(a.RoleARN, "arn:") {
		l := a.Lines["role_arn"]
		if l == 0 {
			l = a.Line
		}
		return &Error{Path: f.Path, Line: l, Key: "role_arn", Msg: fmt.Sprintf("[account %s] chains from %s and needs the full ARN of the role to assume", a.Name, a.Source),
			Hint: "write role_arn = arn:aws:iam::ACCOUNT-ID:role/NAME"}
	}
	if a.SessionName != "" && !sessionNameRE().MatchString(a.SessionName) {
		return &Error{Path: f.Path, Line: a.Lines["session_name"], Key: "session_name", Msg: fmt.Sprintf("%q is not a valid session name", a.SessionName),
			Hint: "2 to 64 characters of letters, digits and _+=,.@-"}
	}
	return nil
}

// Siblings are the accounts that sign in at the IdP section idp directly
// (no source) with a role set: one assertion serves them all.
func (f *File) Siblings(idp string) []string {
	var out []string
	for _, name := range sortedKeys(f.Accounts) {
		a := f.Accounts[name]
		if a.Source != "" || a.RoleARN == "" {
			continue
		}
		owner := a.IdP
		if owner == "" && len(f.IdPs) == 1 {
			for n := range f.IdPs {
				owner = n
			}
		}
		if owner == idp {
			out = append(out, name)
		}
	}
	return out
}

// AccountsOf lists the accounts whose sign-in goes through idp (directly
// or, for chained accounts, through their first source); "" lists all.
func (f *File) AccountsOf(idp string) []string {
	var out []string
	for _, name := range sortedKeys(f.Accounts) {
		root := f.Accounts[name]
		for i := 0; root.Source != "" && i <= len(f.Accounts); i++ {
			if next, ok := f.Accounts[root.Source]; ok {
				root = next
			}
		}
		owner := root.IdP
		if owner == "" && len(f.IdPs) == 1 {
			for n := range f.IdPs {
				owner = n
			}
		}
		if idp == "" || owner == idp {
			out = append(out, name)
		}
	}
	return out
}
