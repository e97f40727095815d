package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// A whole `awsfed login` through the vro provider: a fake vRO hands out an
// assertion minted (and signed) by the sandbox IdP, which the sandbox STS redeems.
func TestLoginThroughVRO(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	const password = `p&ss=w+rd %#'"x y`
	var gotPassword string
	mux := http.NewServeMux()
	mux.HandleFunc("POST /vco/api/workflows/wf-1/executions/", func(w http.ResponseWriter, r *http.Request) {
		user, pw, ok := r.BasicAuth()
		if !ok || user != "demo" || pw != password {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var body struct {
			Parameters []struct {
				Name, Type string
				Value      map[string]map[string]string
			}
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, p := range body.Parameters {
			if p.Name == "password" && p.Type == "SecureString" {
				gotPassword = p.Value["secure-string"]["value"]
			}
		}
		w.Header().Set("Location", "/vco/api/workflows/wf-1/executions/ex-9/")
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("GET /vco/api/workflows/wf-1/executions/ex-9/state", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"value":"completed"}`)
	})
	mux.HandleFunc("GET /vco/api/workflows/wf-1/executions/ex-9/", func(w http.ResponseWriter, r *http.Request) {
		resp, err := s.IssueResponse(sandbox.ResponseOptions{User: "demo"})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprintf(w, `{"state":"completed","output-parameters":[{"name":"samlResponse","type":"string","scope":"local","value":{"string":{"value":%q}}}]}`, resp)
	})
	vro := httptest.NewServer(mux)
	defer vro.Close()

	c := newCLI(t)
	cfg := c.home + "/awsfed.ini"
	c.env["AWSFED_CONFIG"] = cfg
	writeFile(t, cfg, "[idp broker]\nprovider = vro\nurl = "+vro.URL+"\nworkflow_id = wf-1\nusername = demo\n\n[account dev]\nrole_arn = Dev\nsts_endpoint = "+s.STSURL+"\n")
	code, _, stderr := c.run(password, nil, "login", "dev", "--password-stdin")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if gotPassword != password || !strings.Contains(stderr, "Testing new credentials: passed (arn:aws:sts::123456789012:assumed-role/Dev/") {
		t.Errorf("password %q reached vRO; stderr:\n%s", gotPassword, stderr)
	}
}
