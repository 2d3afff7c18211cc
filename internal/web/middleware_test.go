package web

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Routes that take files get their own limit; every other request, and a
// path that only looks like an upload route, keeps the default.
func TestLimitBody(t *testing.T) {
	h := limitBody(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		}
	}), 1<<20)
	three := bytes.Repeat([]byte("x"), 3<<20)
	cases := []struct {
		method, path string
		want         int
	}{
		{"POST", "/demandes/nouvelle", 200},
		{"POST", "/enfants/abc/liaison", 200},
		{"POST", "/cooperation/accords/abc/document", 200},
		{"PUT", "/api/v1/agreements/abc/document", 200},
		{"POST", "/demandes/abc/reponse", 413},
		{"GET", "/demandes/nouvelle", 413},
		{"POST", "/annuaire/abc/documents/def/suppression", 413},
		{"POST", "/connexion", 413},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, bytes.NewReader(three)))
		if rec.Code != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, rec.Code, c.want)
		}
	}
	// Each limit still holds: 30 Mio is too much for five attachments.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/demandes/nouvelle", bytes.NewReader(bytes.Repeat([]byte("x"), 30<<20))))
	if rec.Code != 413 {
		t.Errorf("30 Mio accepted")
	}
}
