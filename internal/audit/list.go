package audit

import (
	"context"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// Filter selects rows of the log; zero fields select everything.
type Filter struct {
	Actor        string // part of the actor's label (e-mail) or exact id
	Action       string // exact action, or a prefix ending in "." (e.g. "auth.")
	ResourceType string
	ResourceID   string
	From, To     time.Time // To is exclusive
	BeforeSeq    int64     // for paging backwards: rows with seq < BeforeSeq
	Limit        int       // default 50, at most 500
}

// List returns rows matching f, newest first, for actors allowed to read the log.
func List(ctx context.Context, d *db.DB, f Filter) ([]Row, error) {
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResAuditLog}); err != nil {
		return nil, err
	}
	return list(ctx, d, f)
}

// History returns the log rows about one record, newest first, for actors
// the policy lets see that record's history (a structure's director sees
// who changed its entry without reading the whole log).
func History(ctx context.Context, d *db.DB, res access.Resource, limit int) ([]Row, error) {
	if res.ID == "" {
		return nil, nil
	}
	if err := access.Check(ctx, access.ActionViewHistory, res); err != nil {
		return nil, err
	}
	return list(ctx, d, Filter{ResourceType: string(res.Type), ResourceID: res.ID, Limit: limit})
}

func list(ctx context.Context, d *db.DB, f Filter) ([]Row, error) {
	var args db.Args
	where := []string{"TRUE"}
	if f.Actor != "" {
		where = append(where, "(actor_id = "+args.Add(f.Actor)+" OR lower(actor_label) LIKE "+
			args.Add(db.Like(strings.ToLower(f.Actor)))+` ESCAPE '\')`)
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			where = append(where, "action LIKE "+args.Add(db.Like(f.Action)[1:])+` ESCAPE '\'`)
		} else {
			where = append(where, "action = "+args.Add(f.Action))
		}
	}
	if f.ResourceType != "" {
		where = append(where, "resource_type = "+args.Add(f.ResourceType))
	}
	if f.ResourceID != "" {
		where = append(where, "resource_id = "+args.Add(f.ResourceID))
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+args.Add(f.From.UTC()))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+args.Add(f.To.UTC()))
	}
	if f.BeforeSeq > 0 {
		where = append(where, "seq < "+args.Add(f.BeforeSeq))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	q := `SELECT seq, at, actor_id, actor_label, organisation_id, action, resource_type, resource_id,
		reason, request_id, ip, details, prev_hash, hash FROM audit_log WHERE ` +
		strings.Join(where, " AND ") + " ORDER BY seq DESC LIMIT " + args.Add(limit)
	var out []Row
	err := d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r Row
			if err := rows.Scan(&r.Seq, &r.At, &r.ActorID, &r.ActorLabel, &r.OrganisationID, &r.Action,
				&r.ResourceType, &r.ResourceID, &r.Reason, &r.RequestID, &r.IP, &r.Details, &r.PrevHash, &r.Hash); err != nil {
				return err
			}
			r.At = r.At.UTC()
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}
