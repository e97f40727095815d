package form

import (
	"net/url"
	"testing"
)

func TestReadSAMLPage(t *testing.T) {
	u, _ := url.Parse("https://acme.okta.com/home/amazon_aws/0oa1/272")
	body := []byte(`<html><head><title>Signing in</title></head><body>
<form method="post" action="https://signin.aws.amazon.com/saml" id="appForm">
<input type="hidden" name="SAMLResponse" value="PHNhbWxwOlJlc3BvbnNlLz4="/>
<input type="hidden" name="RelayState" value=""/></form></body></html>`)
	pg := ReadSAMLPage(body, u, 200)
	if !pg.Found || pg.Response != "PHNhbWxwOlJlc3BvbnNlLz4=" || pg.Action != "https://signin.aws.amazon.com/saml" || pg.Title != "Signing in" || pg.Forms != 1 {
		t.Errorf("page %+v", pg)
	}
	pg = ReadSAMLPage([]byte(`<html><body><div class="error">Unknown app</div></body></html>`), u, 404)
	if pg.Found || pg.Response != "" || pg.ErrorText != "Unknown app" || pg.Action != "" {
		t.Errorf("error page %+v", pg)
	}
}
