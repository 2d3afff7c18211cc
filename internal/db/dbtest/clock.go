package dbtest

import (
	"sync"
	"time"

	"passerelle/internal/db"
)

// Clock is a time source that tests move by hand; Use installs it as the
// database's clock, so every transaction's Now follows it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Use makes c the clock of d and returns c.
func (c *Clock) Use(d *db.DB) *Clock {
	d.Clock = c.Now
	return c
}

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
