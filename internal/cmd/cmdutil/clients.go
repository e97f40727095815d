package cmdutil

import (
	"fmt"
	"net/http"
	"time"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/httpx"
)

// IdPClient is the HTTP client every provider gets: the IdP's CA, a cookie
// jar, and secrets bound to the configured URL's origin (or the hosts of
// allowed_hosts). It refuses a plain-http URL to a host that is not
// loopback unless allow_insecure_http is set. section says where those
// settings go, for hints (see IdPSection); withFlag adds that the command
// has --allow-insecure-http.
func IdPClient(l *config.Login, section string, withFlag bool, timeout time.Duration, d *debug.Logger) (*http.Client, error) {
	if !l.InsecureIdP {
		allow := "allow_insecure_http = true in " + section
		if withFlag {
			allow = "--allow-insecure-http, or " + allow
		}
		if err := httpx.CheckInsecure(l.URL, "the IdP URL", allow); err != nil {
			return nil, err
		}
	}
	return httpx.NewClient(httpx.Options{
		Timeout: timeout, CAFile: l.Settings["ca_file"], CookieJar: true, Debug: d,
		Origin: l.URL, AllowedHosts: l.AllowedHosts, Section: section,
	})
}

// IdPSection names l's [idp] section in file, or where to add one when the
// flags alone name the IdP.
func IdPSection(l *config.Login, file *config.File) string {
	if _, ok := file.IdPs[l.IdPName]; ok {
		return fmt.Sprintf("[idp %s] of %s", l.IdPName, file.Path)
	}
	return "an [idp] section of " + file.Path + " (see `awsfed configure`)"
}

// STSClient is the HTTP client for AWS STS. It trusts what the AWS tools
// trust: AWS_CA_BUNDLE, else ca_bundle of the AWS profile, so that a
// TLS-inspecting proxy works for awsfed wherever it works for the AWS CLI.
// It follows no redirect (every STS call carries an assertion or a
// signature) and refuses a plain-http endpoint to a host that is not
// loopback unless allow_insecure_http is set in the account.
func STSClient(l *config.Login, getenv func(string) string, timeout time.Duration, d *debug.Logger) (*http.Client, error) {
	if l.STSEndpoint != "" && !l.InsecureSTS {
		if err := httpx.CheckInsecure(l.STSEndpoint, "the STS endpoint", fmt.Sprintf("--allow-insecure-http, or allow_insecure_http = true in [account %s]", l.Account)); err != nil {
			return nil, err
		}
	}
	caFile, setting, err := AWSCABundle(l.Profile, getenv)
	if err != nil {
		return nil, err
	}
	if setting == "" {
		setting = "AWS_CA_BUNDLE (or ca_bundle in the AWS profile)"
	}
	return httpx.NewClient(httpx.Options{
		Timeout: timeout, CAFile: caFile, CASetting: setting, Debug: d,
		Origin: l.STSEndpoint, NoRedirects: true,
	})
}

// AWSCABundle is the CA bundle the AWS SDKs would use for profile, and
// where it was set: the environment wins over the shared config file, as
// in the SDKs. "" when none is set.
func AWSCABundle(profile string, getenv func(string) string) (file, setting string, err error) {
	if v := getenv("AWS_CA_BUNDLE"); v != "" {
		return v, "AWS_CA_BUNDLE", nil
	}
	path, err := awsfiles.ConfigPath(getenv)
	if err != nil {
		return "", "", nil
	}
	keys, ok, err := awsfiles.ReadConfigProfile(path, profile)
	if err != nil || !ok || keys["ca_bundle"] == "" {
		// An unreadable AWS config is reported where it matters (setup-profile);
		// here it only means no CA bundle.
		return "", "", nil
	}
	return keys["ca_bundle"], fmt.Sprintf("ca_bundle of [%s] in %s", awsfiles.ConfigSection(profile), path), nil
}

// SigninClient is the HTTP client for AWS's federation endpoint (endpoint):
// an API whose every call carries keys or a token, so it follows no
// redirect, sends nothing outside endpoint's origin, trusts what STS calls
// trust, and refuses plain http to a host that is not loopback unless
// allow_insecure_http is set in the account.
func SigninClient(l *config.Login, endpoint string, getenv func(string) string, timeout time.Duration, d *debug.Logger) (*http.Client, error) {
	if !l.InsecureSTS {
		if err := httpx.CheckInsecure(endpoint, "the sign-in endpoint", fmt.Sprintf("--allow-insecure-http, or allow_insecure_http = true in [account %s]", l.Account)); err != nil {
			return nil, err
		}
	}
	caFile, setting, err := AWSCABundle(l.Profile, getenv)
	if err != nil {
		return nil, err
	}
	return httpx.NewClient(httpx.Options{
		Timeout: timeout, CAFile: caFile, CASetting: setting, Debug: d,
		Origin: endpoint, NoRedirects: true,
	})
}
