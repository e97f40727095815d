package sandbox

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// decodeResponse parses a minted response for surgery.
func decodeResponse(t *testing.T, b64 string) *etree.Document {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	return doc
}

func encodeDoc(t *testing.T, doc *etree.Document) string {
	t.Helper()
	raw, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(raw)
}

// evilAssertion is an unsigned assertion granting Admin to "mallory".
func evilAssertion(s *Sandbox, id string) *etree.Element {
	sp := s.defaultSpec(User{Name: "mallory", Roles: []string{"Admin"}})
	a := s.buildAssertion(sp)
	if id != "" {
		a.SelectAttr("ID").Value = id
	}
	return a
}

// Signature wrapping: the signed assertion stays intact somewhere in the
// document while an attacker's assertion sits where a naive reader looks.
// The STS must only ever read the signed one, or refuse.
func TestSignatureWrapping(t *testing.T) {
	s := start(t, Options{Users: []User{{Name: "demo", Password: "demo", Roles: []string{"Dev"}}}})
	attacks := map[string]func(doc *etree.Document){
		"evil assertion first, signed one second": func(doc *etree.Document) {
			r := doc.Root()
			r.InsertChildAt(r.SelectElement("Assertion").Index(), evilAssertion(s, ""))
		},
		"signed assertion hidden in an extension": func(doc *etree.Document) {
			r := doc.Root()
			signed := r.SelectElement("Assertion")
			r.RemoveChild(signed)
			ext := r.CreateElement("samlp:Extensions")
			ext.AddChild(signed)
			r.AddChild(evilAssertion(s, ""))
		},
		"evil assertion with the signed one's ID and signature": func(doc *etree.Document) {
			r := doc.Root()
			signed := r.SelectElement("Assertion")
			evil := evilAssertion(s, signed.SelectAttrValue("ID", ""))
			evil.InsertChildAt(1, signed.SelectElement("Signature").Copy())
			r.RemoveChild(signed)
			r.AddChild(evil)
		},
		"signed assertion nested inside the evil one": func(doc *etree.Document) {
			r := doc.Root()
			signed := r.SelectElement("Assertion")
			r.RemoveChild(signed)
			evil := evilAssertion(s, "")
			evil.AddChild(signed)
			r.AddChild(evil)
		},
		"role added beside the signed attribute": func(doc *etree.Document) {
			st := doc.Root().SelectElement("Assertion").SelectElement("AttributeStatement")
			addAttribute(st, attrRole, RoleARN("Admin")+","+ProviderARN())
		},
		"comment inside a signed value": func(doc *etree.Document) {
			v := firstRoleValue(doc.Root().SelectElement("Assertion"))
			v.SetText(RoleARN("Dev"))
			v.CreateComment("x")
			v.CreateText("Admin," + ProviderARN())
		},
	}
	for name, attack := range attacks {
		t.Run(name, func(t *testing.T) {
			b64, err := s.IssueResponse(ResponseOptions{User: "demo"})
			if err != nil {
				t.Fatal(err)
			}
			doc := decodeResponse(t, b64)
			attack(doc)
			forged := encodeDoc(t, doc)
			for _, role := range []string{"Admin", "DevAdmin"} {
				r := postSTS(t, s, assumeForm(RoleARN(role), ProviderARN(), forged))
				if r.code != "InvalidIdentityToken" || strings.Contains(r.body, "mallory") {
					t.Errorf("role %s: forged response not refused as invalid: %d %s", role, r.status, r.body)
				}
			}
		})
	}
}

// AWS accepts a signed Response as well as a signed Assertion.
func TestSignedResponseAccepted(t *testing.T) {
	s := start(t, Options{})
	sp := s.defaultSpec(s.users["demo"])
	sp.unsigned = true
	b64, err := s.buildResponse(sp)
	if err != nil {
		t.Fatal(err)
	}
	doc := decodeResponse(t, b64)
	signed, err := signEnveloped(doc.Root(), s.key, s.Cert)
	if err != nil {
		t.Fatal(err)
	}
	doc.SetRoot(signed)
	good := encodeDoc(t, doc)
	if r := postSTS(t, s, assumeForm(RoleARN("Dev"), ProviderARN(), good)); r.status != http.StatusOK {
		t.Fatalf("signed Response refused: %d %s %s", r.status, r.code, r.msg)
	}
	// Tampering anywhere under a signed Response breaks it.
	firstRoleValue(doc.Root().SelectElement("Assertion")).SetText(RoleARN("Admin") + "," + ProviderARN())
	if r := postSTS(t, s, assumeForm(RoleARN("Admin"), ProviderARN(), encodeDoc(t, doc))); r.code != "InvalidIdentityToken" {
		t.Errorf("tampered signed Response: %d %s %s", r.status, r.code, r.msg)
	}
}

// A comment is outside the canonical form, so the signature still holds
// when one splits a signed value; a reader that takes the first text node
// would then see a shorter role than the one signed.
func TestCommentSplitValueReadWhole(t *testing.T) {
	s := start(t, Options{})
	b64, err := s.IssueResponse(ResponseOptions{User: "demo", Roles: []string{ProviderARN() + "," + RoleARN("AdminReadOnly")}})
	if err != nil {
		t.Fatal(err)
	}
	doc := decodeResponse(t, b64)
	v := firstRoleValue(doc.Root().SelectElement("Assertion"))
	v.SetText(ProviderARN() + "," + RoleARN("Admin"))
	v.CreateComment("split")
	v.CreateText("ReadOnly")
	forged := encodeDoc(t, doc)
	if r := postSTS(t, s, assumeForm(RoleARN("Admin"), ProviderARN(), forged)); r.status != http.StatusForbidden || r.code != "AccessDenied" {
		t.Errorf("role Admin: %d %s %s", r.status, r.code, r.msg)
	}
	if r := postSTS(t, s, assumeForm(RoleARN("AdminReadOnly"), ProviderARN(), forged)); r.status != http.StatusOK {
		t.Errorf("role AdminReadOnly (the signed one): %d %s %s", r.status, r.code, r.msg)
	}
}
