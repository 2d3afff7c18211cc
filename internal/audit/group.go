package audit

import (
	"context"
	"sync"

	"passerelle/internal/db"
)

// Group appends the entries of concurrent callers in shared transactions
// (group commit). Audited reads use it: each read must be in the log
// before its data is shown, and one commit a read would bound every read
// by the database's commit rate (SQLite's one writer and its fsync). The
// first caller to find no write under way leads: it writes everything
// queued in one transaction, answers the others, and hands the lead to
// the first caller queued meanwhile. No goroutine runs in the background;
// the zero Group is ready.
type Group struct {
	mu    sync.Mutex
	busy  bool
	queue []*pendingEntry
}

type pendingEntry struct {
	ctx  context.Context
	e    Entry
	done chan groupSignal
}

type groupSignal struct {
	err  error
	lead bool // the caller now leads: its entry is still queued
}

// Record appends e and returns once it is committed (or failed).
func (g *Group) Record(ctx context.Context, d *db.DB, e Entry) error {
	p := &pendingEntry{ctx: ctx, e: e, done: make(chan groupSignal, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, p)
	lead := !g.busy
	g.busy = true
	g.mu.Unlock()
	if !lead {
		// Queued entries are written or failed by the leader, whatever
		// happens to this caller's context: no waiting on it here.
		s := <-p.done
		if !s.lead {
			return s.err
		}
	}
	g.mu.Lock()
	batch := g.queue
	g.queue = nil
	g.mu.Unlock()
	// The leader's request may end while it writes; the others' entries
	// must not fail with it.
	err := d.Write(context.WithoutCancel(ctx), func(tx *db.Tx) error {
		for _, q := range batch {
			if err := Record(context.WithoutCancel(q.ctx), tx, q.e); err != nil {
				return err
			}
		}
		return nil
	})
	for _, q := range batch {
		if q != p {
			q.done <- groupSignal{err: err}
		}
	}
	g.mu.Lock()
	if len(g.queue) > 0 {
		g.queue[0].done <- groupSignal{lead: true}
	} else {
		g.busy = false
	}
	g.mu.Unlock()
	return err
}
