package crisis_test

import (
	"testing"
	"time"

	"passerelle/internal/crisis"
)

func TestRemindersDue(t *testing.T) {
	sent := time.Date(2027, 3, 15, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		after time.Duration
		want  int
	}{
		{0, 0},
		{119 * time.Minute, 0},
		{2 * time.Hour, 1},
		{6*time.Hour - time.Minute, 1},
		{6 * time.Hour, 2},
		{10 * time.Hour, 3},
		{72 * time.Hour, 3}, // never more than three
		{-time.Hour, 0},     // a clock behind
	}
	for _, c := range cases {
		if got := crisis.RemindersDue(sent, sent.Add(c.after)); got != c.want {
			t.Errorf("after %s: %d, want %d", c.after, got, c.want)
		}
	}
}

func TestRate(t *testing.T) {
	for _, c := range []struct{ ack, n, want int }{{0, 0, 0}, {2, 3, 66}, {3, 3, 100}, {199, 200, 99}, {0, 5, 0}} {
		if got := crisis.AckRate(c.ack, c.n); got != c.want {
			t.Errorf("AckRate(%d, %d) = %d, want %d", c.ack, c.n, got, c.want)
		}
	}
}
