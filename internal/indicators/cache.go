package indicators

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"passerelle/internal/db"
)

// The figures change only when they are refreshed, so a dashboard or a map
// computed for a period is kept, under the refresh it read (its
// generation, one more at each), and served again until the next refresh: a director opening the Loire's
// dashboard after a colleague does not wait for it to be computed again.
// Each server keeps its own; since the key holds the refresh's time, a
// server never serves figures older than those the database holds. Access
// is checked before the cache is read.
type cache struct {
	mu      sync.Mutex
	entries map[cacheKey]any
}

type cacheKey struct {
	what, key, from, to string
	generation          int64
}

// cacheSize bounds the entries; when full, the cache starts over (the
// next refresh would make them stale anyway).
const cacheSize = 128

func (c *cache) get(k cacheKey) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[k]
	return v, ok
}

func (c *cache) put(k cacheKey, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= cacheSize {
		c.entries = map[cacheKey]any{}
	}
	c.entries[k] = v
}

// fresh is when the figures were last computed (zero when never) and
// the generation of that refresh.
func (s *Service) fresh(ctx context.Context) (time.Time, int64, error) {
	var t time.Time
	var gen int64
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT computed_at, generation FROM indicator_state WHERE id = 1`).Scan(&t, &gen)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return t.UTC(), gen, err
}
