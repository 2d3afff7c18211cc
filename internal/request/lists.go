package request

import (
	"context"
	"slices"
	"sort"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// Item is a line of an inbox or an outbox: never the child's name.
type Item struct {
	ID            string
	Kind          Kind
	SenderOrgName string
	ChildAge      int
	ChildSex      string
	From, To      string
	Priority      Priority
	SentAt        *time.Time
	// For an inbox: the structure's row. For an outbox: how many
	// recipients, how many answered, where the request stands.
	StructureID, StructureName string
	Status                     Status
	Deadline                   *time.Time
	Late                       bool
	Recipients, Answered       int
	Outcome                    string
	Draft                      bool
}

// Inbox lists the requests sent to the actor's structures that they
// answer for, open ones first by priority then deadline; closed ones
// after, the latest first (at most 200).
func (s *Service) Inbox(ctx context.Context, openOnly bool) ([]Item, error) {
	a := access.ActorFrom(ctx)
	var orgs []string
	for _, role := range []access.Role{access.RoleDirector, access.RoleMobileTeam, access.RoleFosterCarer, access.RoleEducator} {
		orgs = append(orgs, a.OrgsWhere(role)...)
	}
	if len(orgs) == 0 {
		return nil, nil
	}
	var out []Item
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		q := `SELECT r.id, r.kind, r.sender_org_name, r.child_age, r.child_sex, r.starts_on, r.ends_on, r.loss_of_chance,
			r.double_vulnerability, r.young_age, r.crisis, r.emergency, r.sent_at, rr.structure_id, rr.structure_name, rr.status,
			rr.deadline_at FROM request_recipients rr JOIN requests r ON r.id = rr.request_id
			WHERE rr.structure_id IN (` + db.List(&args, orgs) + `) AND rr.status <> 'draft'`
		if openOnly {
			q += ` AND rr.status IN ('sent', 'seen', 'info_requested', 'accepted')`
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY r.sent_at DESC LIMIT 200`, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var it Item
			var kind, status string
			var c Criteria
			if err := rows.Scan(&it.ID, &kind, &it.SenderOrgName, &it.ChildAge, &it.ChildSex, &it.From, &it.To, &c.LossOfChance,
				&c.DoubleVulnerability, &c.YoungAge, &c.Crisis, &c.Emergency, &it.SentAt, &it.StructureID, &it.StructureName,
				&status, &it.Deadline); err != nil {
				return err
			}
			it.Kind, it.Status, it.Priority = Kind(kind), Status(status), PriorityOf(c)
			if it.Deadline != nil {
				d := it.Deadline.UTC()
				it.Deadline = &d
				it.Late = it.Status.Awaiting() && tx.Now.After(d)
			}
			out = append(out, it)
		}
		return rows.Err()
	})
	sortInbox(out)
	return out, err
}

// sortInbox puts what is owed first (by priority, then deadline), then
// the rest, the latest first.
func sortInbox(items []Item) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Status.Awaiting() != b.Status.Awaiting() {
			return a.Status.Awaiting()
		}
		if !a.Status.Awaiting() {
			return false // keep the latest first
		}
		if a.Priority.Score() != b.Priority.Score() {
			return a.Priority.Score() > b.Priority.Score()
		}
		if a.Deadline != nil && b.Deadline != nil {
			return a.Deadline.Before(*b.Deadline)
		}
		return false
	})
}

// Outbox lists the requests of the actor's organisations, drafts and open
// ones first, the latest first (at most 200).
func (s *Service) Outbox(ctx context.Context) ([]Item, error) {
	a := access.ActorFrom(ctx)
	var orgs []string
	for _, m := range a.Memberships {
		if m.Role != access.RoleParent && !slices.Contains(orgs, m.OrganisationID) {
			orgs = append(orgs, m.OrganisationID)
		}
	}
	if len(orgs) == 0 {
		return nil, nil
	}
	var out []Item
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		rows, err := tx.QueryContext(ctx, `SELECT `+requestCols+` FROM requests r WHERE r.sender_org_id IN (`+db.List(&args, orgs)+`)
			ORDER BY CASE WHEN r.status IN ('draft', 'open') THEN 0 ELSE 1 END, r.created_at DESC LIMIT 200`, args.Values()...)
		if err != nil {
			return err
		}
		var all []*Request
		var ids []string
		for rows.Next() {
			r, err := scanRequest(rows)
			if err != nil {
				rows.Close()
				return err
			}
			all, ids = append(all, r), append(ids, r.ID)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		by, err := loadRecipients(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, r := range all {
			r.Recipients = by[r.ID]
			it := Item{ID: r.ID, Kind: r.Kind, SenderOrgName: r.SenderOrgName, ChildAge: r.ChildAge, ChildSex: r.ChildSex,
				From: r.From, To: r.To, Priority: r.Priority, SentAt: r.SentAt, Recipients: len(r.Recipients),
				Outcome: outcome(r), Draft: r.Draft}
			for _, x := range r.Recipients {
				if x.FirstAnswerAt != nil {
					it.Answered++
				}
				if x.Late(tx.Now) {
					it.Late = true
				}
			}
			out = append(out, it)
		}
		return nil
	})
	return out, err
}
