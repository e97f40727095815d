package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/childproc"
	"github.com/awsfed/awsfed/internal/cmd/setupprofile"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/inifile"
	"github.com/awsfed/awsfed/internal/lockedfile"
	"github.com/awsfed/awsfed/internal/provider"
)

// iniFile is one of the AWS CLI's files, read as the AWS CLI reads it.
type iniFile struct {
	path string
	info fs.FileInfo
	doc  *inifile.Doc // nil when missing or refused
}

// section is a profile of an AWS file: its keys by lowercase name (as the
// AWS CLI reads them) with their lines.
type section struct {
	line int
	keys map[string]inifile.Key
}

func (f *iniFile) sections(profileOf func(string) (string, bool)) map[string]section {
	out := map[string]section{}
	if f.doc == nil {
		return out
	}
	for _, s := range f.doc.Sections() {
		name, ok := profileOf(s.Name)
		if !ok {
			continue
		}
		keys := map[string]inifile.Key{}
		for _, k := range f.doc.Keys(s.Name) {
			keys[inifile.KeyName(k.Name)] = k
		}
		out[name] = section{line: s.Line, keys: keys}
	}
	return out
}

// readAWSFile reads and parses path strictly; a missing file is no error.
func readAWSFile(subject, path string) (*iniFile, Result, bool) {
	f := &iniFile{path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, pass(subject, "parse", path+" does not exist (awsfed creates it, 0600, when it first writes)"), true
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return f, fail(subject, "parse", "cannot read "+path+": "+err.Error(), "make it readable by you"), false
	}
	if f.info, err = os.Stat(path); err != nil {
		return f, fail(subject, "parse", "cannot read "+path+": "+err.Error(), "make it readable by you"), false
	}
	// The strict reader refuses what the AWS CLI refuses: syntax, a section
	// or a key given twice.
	if _, _, err := awsfiles.ReadConfigProfile(path, "default"); err != nil {
		var fe *awsfiles.FileError
		if errors.As(err, &fe) {
			return f, fail(subject, "parse", fe.Error(), fe.Hint), false
		}
		return f, fail(subject, "parse", err.Error(), "fix "+path), false
	}
	if f.doc, err = inifile.Parse(data); err != nil {
		return f, fail(subject, "parse", path+": "+err.Error(), "fix "+path), false
	}
	return f, pass(subject, "parse", path+" reads as the AWS CLI reads it"), true
}

// checkAWSFiles checks the AWS credentials and config files: they parse,
// their modes, static keys that shadow credential_process or have expired,
// long-term keys where awsfed writes, and each credential_process command.
func checkAWSFiles(ctx context.Context, getenv func(string) string, now time.Time, file *config.File, logins []*config.Login, loc *setupprofile.Locator, version string) []Result {
	credPath, err := awsfiles.CredentialsPath(getenv)
	if err != nil {
		return []Result{fail("aws credentials", "path", err.Error(), "set HOME or AWS_SHARED_CREDENTIALS_FILE")}
	}
	cfgPath, err := awsfiles.ConfigPath(getenv)
	if err != nil {
		return []Result{fail("aws config", "path", err.Error(), "set HOME or AWS_CONFIG_FILE")}
	}
	cred, r, credOK := readAWSFile("aws credentials", credPath)
	credRs := []Result{r}
	if credOK && cred.info != nil {
		credRs = append(credRs, credentialsMode(cred))
	}
	credRs = append(credRs, lockFile("aws credentials", credPath)...)
	cfg, r, cfgOK := readAWSFile("aws config", cfgPath)
	cfgRs := []Result{r}
	if cfgOK && cfg.info != nil {
		cfgRs = append(cfgRs, configMode(cfg))
	}
	cfgRs = append(cfgRs, lockFile("aws config", cfgPath)...)
	if !credOK || !cfgOK {
		return append(credRs, cfgRs...)
	}
	creds := cred.sections(func(s string) (string, bool) { return s, true })
	profiles := cfg.sections(func(s string) (string, bool) {
		if s == "default" {
			return s, true
		}
		name, ok := strings.CutPrefix(s, "profile ")
		return strings.TrimSpace(name), ok
	})
	credRs = append(credRs, checkKeys(cred, cfg, creds, profiles, now, logins)...)
	cfgRs = append(cfgRs, checkProcesses(ctx, cfg, profiles, file, loc, version)...)
	return append(credRs, cfgRs...)
}

func credentialsMode(f *iniFile) Result {
	const subject = "aws credentials"
	perm := f.info.Mode().Perm()
	found := fmt.Sprintf("%s is mode %04o", f.path, perm)
	switch {
	case runtime.GOOS == "windows":
		return pass(subject, "mode", f.path+": Windows keeps it private by its folder's permissions")
	case perm&0o004 != 0:
		return fail(subject, "mode", found+": every user of this machine can read the keys in it", "chmod 600 "+f.path)
	case perm&0o040 != 0:
		return warn(subject, "mode", found+": members of its group can read the keys in it", "chmod 600 "+f.path)
	}
	return pass(subject, "mode", found+": only you can read it")
}

func configMode(f *iniFile) Result {
	const subject = "aws config"
	perm := f.info.Mode().Perm()
	found := fmt.Sprintf("%s is mode %04o", f.path, perm)
	if runtime.GOOS != "windows" && perm&0o022 != 0 {
		return fail(subject, "mode", found+": others can write it, and so choose the program credential_process runs as you", "chmod 600 "+f.path)
	}
	return pass(subject, "mode", found+": only you can change it")
}

// lockFile reports a lock file beside path that awsfed's writers would
// refuse to use (see lockedfile): a link, not a file, or someone else's.
// A missing or usable one says nothing.
func lockFile(subject, path string) []Result {
	target, err := lockedfile.ResolveTarget(path)
	if err != nil {
		return []Result{fail(subject, "lock", err.Error(), "fix or remove the symbolic link "+path)}
	}
	lock := target + ".lock"
	info, err := os.Lstat(lock)
	why := ""
	switch {
	case err != nil:
		return nil
	case info.Mode()&fs.ModeSymlink != 0:
		why = "is a symbolic link"
	case !info.Mode().IsRegular():
		why = "is not a regular file"
	default:
		if uid, ok := ownerOf(info); ok && uid != os.Geteuid() {
			why = fmt.Sprintf("belongs to user id %d", uid)
		}
	}
	if why == "" {
		return nil
	}
	return []Result{fail(subject, "lock", fmt.Sprintf("the lock file %s %s, which awsfed will not write into: writing %s fails", lock, why, path), "remove "+lock+" (awsfed makes a new one)")}
}

// Keys of the credentials file, as the AWS CLI names them.
const (
	keyAccessKeyID  = "aws_access_key_id"
	keySessionToken = "aws_session_token"
	keyOldToken     = "aws_security_token"
	keyExpires      = "x_security_token_expires"
)

// checkKeys looks at each profile of the credentials file that holds keys.
func checkKeys(cred, cfg *iniFile, creds, profiles map[string]section, now time.Time, logins []*config.Login) []Result {
	const subject = "aws credentials"
	ours := map[string]string{} // profile → account
	for _, l := range logins {
		ours[l.Profile] = l.Account
	}
	var rs []Result
	for _, name := range sortedNames(creds) {
		s := creds[name]
		if _, ok := s.keys[keyAccessKeyID]; !ok {
			continue
		}
		at := where(cred.path, s.line)
		_, temporary := s.keys[keySessionToken]
		if _, old := s.keys[keyOldToken]; old {
			temporary = true
		}
		if p, ok := profiles[name]; ok {
			if proc, ok := p.keys["credential_process"]; ok {
				rs = append(rs, fail(subject, "shadowing", fmt.Sprintf("%s: [%s] holds static keys, which the AWS CLI uses before credential_process of [%s] (%s): the keys never refresh",
					at, name, awsfiles.ConfigSection(name), where(cfg.path, proc.Line)),
					fmt.Sprintf("remove the keys of [%s] from %s (awsfed setup-profile %s removes temporary ones)", name, cred.path, orPlaceholder(ours[name]))))
				continue
			}
		}
		account, isOurs := ours[name]
		if isOurs && !temporary {
			rs = append(rs, fail(subject, "long-term keys", fmt.Sprintf("%s: [%s] holds long-term keys (no session token), and awsfed writes this profile for account %s: it will not overwrite them", at, name, account),
				fmt.Sprintf("move the keys to another profile, or set profile = OTHER in [account %s]", account)))
			continue
		}
		if exp, ok := s.keys[keyExpires]; ok {
			if t, err := time.Parse(time.RFC3339, exp.Value); err == nil && !t.After(now) {
				fix := fmt.Sprintf("remove [%s] from %s if nothing uses it", name, cred.path)
				if isOurs {
					fix = fmt.Sprintf("awsfed login %s for new keys, or awsfed logout %s to remove them", account, account)
				}
				rs = append(rs, warn(subject, "expired keys", fmt.Sprintf("%s: the keys of [%s] expired %s ago (%s)", at, name, now.Sub(t).Truncate(time.Minute), t.UTC().Format(time.RFC3339)), fix))
			}
		}
	}
	if len(rs) == 0 {
		rs = append(rs, pass(subject, "keys", "no static keys shadow a credential_process profile, none has expired, none is long-term in a profile awsfed writes"))
	}
	return rs
}

// checkProcesses vets each credential_process that runs awsfed: an
// executable that is not in a temporary directory or Go's build cache, and
// an account the configuration knows.
func checkProcesses(ctx context.Context, cfg *iniFile, profiles map[string]section, file *config.File, loc *setupprofile.Locator, version string) []Result {
	const subject = "aws config"
	var rs []Result
	for _, name := range sortedNames(profiles) {
		proc, ok := profiles[name].keys["credential_process"]
		if !ok {
			continue
		}
		words := splitCommand(proc.Value)
		i := indexOf(words, "credential-process")
		if len(words) == 0 || (i < 0 && !strings.HasPrefix(filepath.Base(words[0]), "awsfed")) {
			continue // another tool's: not ours to judge
		}
		at := where(cfg.path, proc.Line)
		account := ""
		if i >= 0 && i+1 < len(words) && !strings.HasPrefix(words[i+1], "-") {
			account = words[i+1]
		}
		fix := "install awsfed (" + setupprofile.InstallCmd + ") and run awsfed setup-profile " + orPlaceholder(account) + " with the installed one"
		bin, missing, err := loc.Check(words[0])
		if err != nil {
			what := err.Error()
			var in *provider.InputNeededError
			if errors.As(err, &in) {
				what = strings.TrimPrefix(strings.TrimPrefix(in.What, "--command "), "will not make a profile run ")
			}
			rs = append(rs, fail(subject, "credential_process", fmt.Sprintf("%s: [%s] runs %s", at, awsfiles.ConfigSection(name), what), fix))
			continue
		}
		if missing != "" {
			rs = append(rs, fail(subject, "credential_process", fmt.Sprintf("%s: [%s] runs %s", at, awsfiles.ConfigSection(name), missing), fix))
			continue
		}
		if account != "" && file != nil && file.Exists {
			if _, ok := file.Accounts[account]; !ok {
				rs = append(rs, fail(subject, "credential_process", fmt.Sprintf("%s: [%s] asks for account %s, which has no [account %s] in %s", at, awsfiles.ConfigSection(name), account, account, file.Path),
					"fix the account name, or run awsfed setup-profile ACCOUNT"))
				continue
			}
		}
		found := fmt.Sprintf("%s: [%s] runs %s credential-process %s", at, awsfiles.ConfigSection(name), bin, account)
		switch said := askVersion(ctx, bin); {
		case said == "awsfed "+version:
			rs = append(rs, pass(subject, "credential_process", found+" ("+said+", as this one)"))
		case strings.HasPrefix(said, "awsfed "):
			rs = append(rs, warn(subject, "credential_process", found+", which is "+said+", and this one is awsfed "+version,
				"if the profile should run this awsfed, run awsfed setup-profile "+orPlaceholder(account)+" with it; otherwise upgrade "+bin))
		default:
			rs = append(rs, fail(subject, "credential_process", found+", which does not tell its version as awsfed does: it may not be awsfed", fix))
		}
	}
	return rs
}

// askVersion runs bin --version without awsfed's variables and returns the
// first line it printed ("awsfed v1.2.3", "Chromium 120.0.6099.224"), or
// "" when that is not a short line of text.
func askVersion(ctx context.Context, bin string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--version")
	env := os.Environ()
	cmd.Env = childproc.Env(env, nil, childproc.NamesWithPrefix(env, "AWSFED_"))
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(out), "\n")
	line = strings.TrimSpace(line)
	for _, r := range line {
		if r < ' ' || r > '~' || len(line) > 80 {
			return "" // not awsfed's answer: not worth echoing
		}
	}
	return line
}

// orPlaceholder is account, or ACCOUNT when it is not known.
func orPlaceholder(account string) string {
	if account == "" {
		return "ACCOUNT"
	}
	return account
}

func indexOf(words []string, w string) int {
	for i, x := range words {
		if x == w {
			return i
		}
	}
	return -1
}

func sortedNames(m map[string]section) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// splitCommand splits a credential_process value into words as the AWS
// CLI does on POSIX systems (shlex): blanks separate words, single quotes
// keep everything, double quotes keep all but a backslash before " or \,
// and a backslash outside quotes keeps the next character.
func splitCommand(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			inWord = true
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				cur.WriteByte(s[i])
			}
		case c == '\\' && i+1 < len(s):
			inWord = true
			i++
			cur.WriteByte(s[i])
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
