package notify

import "crypto/x509"

// SetRootCAs makes s trust the test server's certificate.
func SetRootCAs(s *Sender, pool *x509.CertPool) { s.rootCAs = pool }
