package keyring

import "strings"

// Key names the stored password of username at the IdP called idpName:
// "<idp>/<username>", each part escaped so that the result is a safe path in
// every backend (pass makes directories of the slashes; no part can be "..",
// hidden, empty or hold a separator) and different inputs never share a key.
// Bytes outside [A-Za-z0-9_@+=,.-], a leading dot and a literal '%' become
// %XX; an empty part becomes a lone "%".
func Key(idpName, username string) string {
	return escapePart(idpName) + "/" + escapePart(username)
}

func escapePart(s string) string { return escape(s, keepByte) }

// escape percent-encodes every byte that keep refuses, a leading dot and
// '%' itself, so that the result decodes to s alone; "" becomes a lone "%",
// which no other input produces.
func escape(s string, keep func(byte) bool) string {
	if s == "" {
		return "%"
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep(c) && (c != '.' || i > 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func keepByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("_@+=,.-", c) >= 0
}
