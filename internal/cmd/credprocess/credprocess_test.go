package credprocess

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/cache"
)

// Print writes what encoding/json writes for the credential_process
// document, byte for byte.
func TestPrintIsEncodingJSON(t *testing.T) {
	type output struct {
		Version         int
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	exp := time.Date(2030, 1, 2, 3, 4, 5, 6, time.FixedZone("CET", 3600))
	for _, e := range []cache.Entry{
		{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "IQoJb3JpZ2luX2Vj//////////wEaCXVz+/=", Expiration: exp},
		{AccessKeyID: `"quoted" \ <b>&amp;`, SecretAccessKey: "tab\tnew\nline\x00\x1f\u2028\u2029", SessionToken: "caf\u00e9 \xff\xfe invalid", Expiration: exp},
		{},
	} {
		var got, want bytes.Buffer
		if err := Print(&got, &e); err != nil {
			t.Fatal(err)
		}
		json.NewEncoder(&want).Encode(output{Version: 1, AccessKeyID: e.AccessKeyID, SecretAccessKey: e.SecretAccessKey,
			SessionToken: e.SessionToken, Expiration: e.Expiration.UTC().Format(time.RFC3339)})
		if got.String() != want.String() {
			t.Errorf("Print\n got %s\nwant %s", got.String(), want.String())
		}
	}
}
