// Command ready waits until a loopback URL answers 200 and prints how long
// that took since a given instant: scripts/bench takes the instant just before
// it starts `passerelle serve`, so the figure is the start-up time seen from
// outside (exec, migrations, demo data, listen, database ping).
//
//	ready -url http://127.0.0.1:PORT/readyz -since "$EPOCHREALTIME" -pid PID [-name cold] [-timeout 60s]
//
// It gives up when the process -pid ends or after -timeout. Output: one JSON
// object on stdout, one line for people on stderr.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	var (
		target  = flag.String("url", "", "URL that answers 200 when the server is ready (loopback only)")
		since   = flag.String("since", "", "start instant, seconds since the epoch as bash's $EPOCHREALTIME gives it (default: now)")
		pid     = flag.Int("pid", 0, "give up as soon as this process has ended")
		name    = flag.String("name", "start", "label in the report")
		timeout = flag.Duration("timeout", 60*time.Second, "give up after this long")
		poll    = flag.Duration("poll", 2*time.Millisecond, "interval between attempts")
	)
	flag.Parse()
	if err := loopbackOnly(*target); err != nil {
		fail("%v", err)
	}
	t0 := time.Now()
	if *since != "" {
		f, err := strconv.ParseFloat(strings.Replace(*since, ",", ".", 1), 64)
		if err != nil {
			fail("-since %q: %v", *since, err)
		}
		t0 = time.Unix(0, int64(f*1e9))
	}
	// A fresh connection per attempt: a refused dial on loopback is immediate.
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	limit := time.Now().Add(*timeout)
	for attempts := 1; ; attempts++ {
		if resp, err := client.Get(*target); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				d := time.Since(t0)
				b, _ := json.Marshal(map[string]any{"kind": "start", "name": *name, "ms": float64(d.Microseconds()) / 1000, "attempts": attempts})
				fmt.Println(string(b))
				fmt.Fprintf(os.Stderr, "%-32s ready after %.0f ms\n", *name, float64(d.Microseconds())/1000)
				return
			}
		}
		if *pid > 0 && !alive(*pid) {
			fail("process %d ended before %s answered 200", *pid, *target)
		}
		if time.Now().After(limit) {
			fail("%s did not answer 200 within %s", *target, *timeout)
		}
		time.Sleep(*poll)
	}
}

// alive says whether the process exists and is not a zombie.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && err != syscall.EPERM {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !os.IsNotExist(err)
	}
	// state is the field after the parenthesised command name
	if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z' && stat[i+2] != 'X'
	}
	return true
}

func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	ip := net.ParseIP(u.Hostname())
	if (u.Scheme != "http" && u.Scheme != "https") || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url %q: an http URL to a loopback IP address is required", raw)
	}
	return nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ready: "+format+"\n", args...)
	os.Exit(1)
}
