package provider

import "fmt"

// RejectedError means the IdP refused the username or password. The caller
// must not retry with the same password.
type RejectedError struct {
	IdP      string // IdP host or name
	Username string
	Detail   string // the IdP's own words, if any (never the password)
}

func (e *RejectedError) Error() string {
	msg := "the IdP rejected the username or password"
	if e.Username != "" {
		msg += " for " + e.Username
	}
	if e.IdP != "" {
		// The host that answered, which names the IdP the user must check.
		msg += " at " + e.IdP
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// MFARejectedError means the second factor was refused or timed out.
type MFARejectedError struct {
	Detail string
	Hint   string // what to do; "" = try a fresh code or another device
}

func (e *MFARejectedError) Error() string {
	return "the IdP rejected the second factor: " + e.Detail
}

// InputNeededError means awsfed needs something from the user that it could
// not ask for (no terminal) or that was not given. Exit code 2.
type InputNeededError struct {
	What string // "no password given and no terminal to ask on"
	Hint string // "pass --password-stdin or set AWSFED_PASSWORD"
	// Desktop says the input is a sign-in in a browser window, which cannot
	// be shown here (no display), rather than an answer on the terminal.
	Desktop bool
}

func (e *InputNeededError) Error() string { return e.What }

// CancelledError means the user stopped the sign-in (closed the browser
// window awsfed waited in). Exit code 130, as for Ctrl-C.
type CancelledError struct {
	What string // "the browser window was closed before the sign-in finished"
	Hint string
}

func (e *CancelledError) Error() string { return e.What }

// UnexpectedPageError means the IdP answered, but not with what the provider
// expected: an error page, a login page of another kind, a missing form.
type UnexpectedPageError struct {
	URL    string // the final URL, without query values
	Status int    // HTTP status, 0 if unknown
	What   string // what was expected or found ("no SAMLResponse in the page")
	Hint   string // what to check; "" = the form provider's advice about the URL
}

func (e *UnexpectedPageError) Error() string {
	if e.Status != 0 && e.Status != 200 {
		return fmt.Sprintf("unexpected answer from the IdP at %s (HTTP %d): %s", e.URL, e.Status, e.What)
	}
	return fmt.Sprintf("unexpected answer from the IdP at %s: %s", e.URL, e.What)
}

// ServiceError is an error answer from an IdP's API that the user (or an
// administrator) can act on: an unknown app id, a locked user, an address the
// IdP does not allow, missing API permissions, a rate limit. What says what
// failed; Hint says what to do next. Rejected makes it exit like a refused
// login (4) rather than a failure (1).
type ServiceError struct {
	What     string
	Hint     string
	Rejected bool
}

func (e *ServiceError) Error() string { return e.What }
