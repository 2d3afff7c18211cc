package auth_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

func TestSessionStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		st := auth.SessionStore{DB: d}

		_, found, err := st.Find("absent")
		if err != nil || found {
			t.Fatalf("absent: found=%v err=%v", found, err)
		}
		paris := time.FixedZone("Paris", 3600)
		must(t, st.Commit("t1", []byte("un"), start.Add(time.Hour).In(paris)))
		must(t, st.Commit("t2", []byte{0, 1, 2, 255}, start.Add(2*time.Hour)))
		b, found, err := st.Find("t1")
		if err != nil || !found || string(b) != "un" {
			t.Fatalf("t1: %q %v %v", b, found, err)
		}
		// Commit replaces data and expiry.
		must(t, st.Commit("t1", []byte("deux"), start.Add(3*time.Hour)))
		if b, _, _ := st.Find("t1"); string(b) != "deux" {
			t.Fatalf("t1 after commit: %q", b)
		}
		if b, _, _ := st.Find("t2"); !bytes.Equal(b, []byte{0, 1, 2, 255}) {
			t.Fatalf("binary data: %v", b)
		}
		// Expired sessions are not found, then removed.
		e.clock.Set(start.Add(2 * time.Hour))
		if _, found, _ := st.Find("t2"); found {
			t.Fatal("expired session found")
		}
		n, err := st.DeleteExpired(bg)
		must(t, err)
		if n != 1 {
			t.Fatalf("deleted %d", n)
		}
		must(t, st.Delete("t1"))
		must(t, st.Delete("t1")) // absent: no error
		if _, found, _ := st.Find("t1"); found {
			t.Fatal("deleted session found")
		}
	})
}

// TestSessionManagerRoundTrip runs scs over the store as the web layer does.
func TestSessionManagerRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		newEnv(t, d) // fixed clock
		sm := scs.New()
		sm.Store = auth.SessionStore{DB: d}
		sm.HashTokenInStore = true
		sm.Lifetime = 10 * 365 * 24 * time.Hour // past the fixed clock whatever the real date
		mux := http.NewServeMux()
		mux.HandleFunc("PUT /", func(w http.ResponseWriter, r *http.Request) { sm.Put(r.Context(), "account_id", "abc") })
		mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, sm.GetString(r.Context(), "account_id"))
		})
		srv := httptest.NewServer(sm.LoadAndSave(mux))
		defer srv.Close()

		req, _ := http.NewRequest(http.MethodPut, srv.URL, nil)
		res, err := http.DefaultClient.Do(req)
		must(t, err)
		res.Body.Close()
		cookies := res.Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies %v", cookies)
		}
		req, _ = http.NewRequest(http.MethodGet, srv.URL, nil)
		req.AddCookie(cookies[0])
		res, err = http.DefaultClient.Do(req)
		must(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(body) != "abc" {
			t.Fatalf("session value %q", body)
		}
		var stored string
		must(t, d.SQL().QueryRow(`SELECT token FROM sessions`).Scan(&stored))
		if stored == cookies[0].Value {
			t.Fatal("token stored in clear")
		}
	})
}
