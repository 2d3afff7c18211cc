package audit

import (
	"context"
	"fmt"

	"passerelle/internal/db"
)

// Report is the outcome of Verify. Intact is false when BadSeq names the
// first row (or place) where the chain breaks, and Problem says how.
type Report struct {
	Rows    int64
	Intact  bool
	BadSeq  int64
	Problem string
}

// Verify walks the whole log in order and checks every link of the chain and
// the head. It reads in one transaction so the log it checks is consistent.
func Verify(ctx context.Context, d *db.DB) (Report, error) {
	var rep Report
	err := d.Read(ctx, func(tx *db.Tx) error {
		var headSeq int64
		var headHash string
		if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT seq, at, actor_id, actor_label, organisation_id, action,
			resource_type, resource_id, reason, request_id, ip, details, prev_hash, hash
			FROM audit_log ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		prev := Row{}
		for rows.Next() {
			var r Row
			if err := rows.Scan(&r.Seq, &r.At, &r.ActorID, &r.ActorLabel, &r.OrganisationID, &r.Action,
				&r.ResourceType, &r.ResourceID, &r.Reason, &r.RequestID, &r.IP, &r.Details, &r.PrevHash, &r.Hash); err != nil {
				return err
			}
			rep.Rows++
			switch {
			case r.Seq != prev.Seq+1:
				rep.BadSeq, rep.Problem = prev.Seq+1, fmt.Sprintf("ligne %d absente (la suivante est %d)", prev.Seq+1, r.Seq)
			case r.PrevHash != prev.Hash:
				rep.BadSeq, rep.Problem = r.Seq, fmt.Sprintf("ligne %d ne suit pas la ligne %d (chaînage rompu)", r.Seq, prev.Seq)
			case r.computeHash() != r.Hash:
				rep.BadSeq, rep.Problem = r.Seq, fmt.Sprintf("ligne %d modifiée (empreinte incorrecte)", r.Seq)
			}
			if rep.Problem != "" {
				return nil
			}
			prev = r
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if headSeq != prev.Seq || headHash != prev.Hash {
			rep.BadSeq = prev.Seq + 1
			rep.Problem = fmt.Sprintf("le journal s'arrête à la ligne %d alors que %d lignes ont été écrites", prev.Seq, headSeq)
			return nil
		}
		rep.Intact = true
		return nil
	})
	return rep, err
}
