package hsds

import (
	"net/mail"
	"net/url"
	"strings"
)

// The HSDS schema asserts the "email" and "uri" formats. Values typed by hand
// in the directory may not meet them; rather than publish a document that
// fails validation, the export mends what it safely can and drops the rest.

// email returns the address in s ("Direction <d@example.org>" gives
// "d@example.org"), "" when there is none.
func email(s string) string {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		return ""
	}
	return a.Address
}

// website returns s as an absolute http(s) URL, adding "https://" when the
// scheme is missing ("www.example.fr"), or "" when it cannot be one.
func website(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}
