package main

import (
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
