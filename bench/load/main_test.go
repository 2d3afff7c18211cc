package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    int
		want time.Duration
	}{{50, 50 * time.Millisecond}, {90, 90 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := percentile(d, c.p); got != c.want {
			t.Errorf("p%d of 1..100 ms = %v, want %v", c.p, got, c.want)
		}
	}
	one := []time.Duration{7 * time.Millisecond}
	if got := percentile(one, 99); got != one[0] {
		t.Errorf("p99 of one value = %v", got)
	}
	three := []time.Duration{1, 2, 3}
	if got := percentile(three, 50); got != 2 {
		t.Errorf("p50 of 1,2,3 = %v, want 2", got)
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080/", "http://127.5.6.7/x", "http://[::1]:80/", "https://127.0.0.1/"} {
		if err := loopbackOnly(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1/", "http://192.168.1.1:8080/", "http://[2001:db8::1]/",
		"ftp://127.0.0.1/", "127.0.0.1:8080", "http:///nohost", "http://0.0.0.0:8080/"} {
		if err := loopbackOnly(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestReadMix(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		f := filepath.Join(dir, "mix.txt")
		if err := os.WriteFile(f, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	f := write("# a comment\n\ntext\t/api/v1/structures?q=saint\n/healthz\nnear\t/api/v1/structures?pres_de=42218&minutes=45\n")
	got, err := readMix(f, "http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	want := []mixEntry{
		{"text", "http://127.0.0.1:8080/api/v1/structures?q=saint"},
		{"", "http://127.0.0.1:8080/healthz"},
		{"near", "http://127.0.0.1:8080/api/v1/structures?pres_de=42218&minutes=45"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("readMix = %v, want %v", got, want)
	}
	for _, bad := range []string{"x\thttp://10.0.0.1/\n", "//10.0.0.1/x\n", "relative/path\n", "# nothing\n"} {
		if _, err := readMix(write(bad), "http://127.0.0.1:8080"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := readMix(f, "http://10.0.0.1:8080"); err == nil {
		t.Error("a mix on a non-loopback server accepted")
	}
	if _, err := readMix(f, ""); err == nil {
		t.Error("a mix without -url accepted")
	}
}

// Every path of a mix is requested in turn, and the figures are split by
// label. One client, so that the counts are exact.
func TestMixRequestsEveryPath(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.RequestURI()]++
		mu.Unlock()
		if r.URL.Query().Get("fail") != "" {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	targets := []mixEntry{{"a", srv.URL + "/x?n=1"}, {"a", srv.URL + "/x?n=2"}, {"b", srv.URL + "/y"}, {"c", srv.URL + "/z?fail=1"}}
	l := &loader{targets: targets, concurrency: 1, expect: 200, client: newClient(1, time.Second)}
	defer l.client.CloseIdleConnections()
	r := l.run(time.Hour, 40)
	if r.Requests != 40 || r.Errors != 10 {
		t.Fatalf("%d requests, %d errors, want 40 and 10", r.Requests, r.Errors)
	}
	for _, p := range []string{"/x?n=1", "/x?n=2", "/y", "/z?fail=1"} {
		if seen[p] != 10 {
			t.Errorf("%s requested %d times, want 10: %v", p, seen[p], seen)
		}
	}
	var labels []string
	for _, lr := range r.Labels {
		labels = append(labels, fmt.Sprintf("%s:%d/%d", lr.Label, lr.Requests, lr.Errors))
	}
	if got := strings.Join(labels, " "); got != "a:20/0 b:10/0 c:10/10" {
		t.Errorf("labels %s", got)
	}
}
