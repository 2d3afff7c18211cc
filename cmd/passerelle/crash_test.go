package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// buildBinary compiles passerelle once per test run.
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "passerelle-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "passerelle")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// server is a passerelle process.
type server struct {
	cmd  *exec.Cmd
	addr string
	out  *bytes.Buffer
}

func startBinary(t *testing.T, bin, dbURL string) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "PASSERELLE_DATABASE_URL="+dbURL, "PASSERELLE_ADDR="+addr, "PASSERELLE_LOG_LEVEL=warn")
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, addr: addr, out: out}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("server did not become ready:\n%s", out)
	return nil
}

// TestKillDuringWritesLosesNothing kills the server with SIGKILL while
// clients write; every write it acknowledged must be there afterwards.
func TestKillDuringWritesLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			dbURL := dbtest.URL(t, dialect)
			srv := startBinary(t, bin, dbURL)
			t.Cleanup(func() { srv.cmd.Process.Kill() })
			token := strings.TrimSpace(runWithEnv(t, bin, dbURL, "token", "create", "--email", "admin@demo.passerelle.test"))

			var mu sync.Mutex
			var acked []string
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					client := &http.Client{Timeout: 5 * time.Second}
					for i := 0; ctx.Err() == nil && i < 10000; i++ {
						name := fmt.Sprintf("Écriture %d-%d", w, i)
						body, _ := json.Marshal(map[string]string{"kind": "operator", "name": name})
						req, _ := http.NewRequest("POST", "http://"+srv.addr+"/api/v1/organisations", bytes.NewReader(body))
						req.Header.Set("Authorization", "Bearer "+token)
						req.Header.Set("Content-Type", "application/json")
						resp, err := client.Do(req)
						if err != nil {
							return // the server is gone
						}
						var created struct{ ID string }
						json.NewDecoder(resp.Body).Decode(&created)
						resp.Body.Close()
						if resp.StatusCode == http.StatusCreated {
							mu.Lock()
							acked = append(acked, created.ID)
							mu.Unlock()
						}
					}
				})
			}
			time.Sleep(1500 * time.Millisecond)
			srv.cmd.Process.Signal(syscall.SIGKILL)
			srv.cmd.Wait()
			cancel()
			wg.Wait()
			if len(acked) < 10 {
				t.Fatalf("only %d writes acknowledged before the kill; server output:\n%s", len(acked), srv.out)
			}

			d, err := db.Open(context.Background(), dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			missing := 0
			for _, id := range acked {
				var n int
				d.SQL().QueryRow(`SELECT count(*) FROM organisations WHERE id = $1`, id).Scan(&n)
				if n != 1 {
					missing++
				}
			}
			if missing > 0 {
				t.Fatalf("%d of %d acknowledged writes lost", missing, len(acked))
			}
			out := runWithEnv(t, bin, dbURL, "audit", "verify")
			if !strings.Contains(out, "intact") {
				t.Fatalf("audit log after the kill: %s", out)
			}
			t.Logf("%d acknowledged writes, all present after SIGKILL; %s", len(acked), strings.TrimSpace(out))
		})
	}
}

func runWithEnv(t *testing.T, bin, dbURL string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "PASSERELLE_DATABASE_URL="+dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("passerelle %v: %v\n%s", args, err, out)
	}
	return string(out)
}
