package pathway

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// The shared weekly planning: each member of the circle writes its own
// slots (nights, days at the DITEP, school, appointments, family visits…);
// everyone who reads the record's planning sees the whole week, with the
// conflicts (two places at once) and the gaps (nobody in charge) flagged,
// and the referent is alerted of those ahead.

// PlanningWeeksAhead is how far ahead conflicts and gaps are looked for.
const PlanningWeeksAhead = 8

// Handover tolerance and the shortest gap worth flagging.
const (
	handover = 15 * time.Minute
	minGap   = time.Hour
)

// Planning is one week of a child's planning and what is flagged ahead.
type Planning struct {
	Child     Child
	WeekStart string        // the Monday
	Days      []PlanningDay // Monday to Sunday
	Slots     []Slot        // every slot valid this week or later
	Conflicts []Span        // this week and the weeks ahead
	Gaps      []Span
	// Gaps are not looked for when the child lives in the family: the
	// family has the child whenever no structure does.
	GapsChecked bool
	// Own: the organisations whose slots the reader edits.
	Own      []string
	Holidays []Holiday
}

// PlanningDay is one day of the week.
type PlanningDay struct {
	Day         string
	Occurrences []Occurrence
	Holiday     string
}

// MondayOf returns the Monday of the week of day (YYYY-MM-DD).
func MondayOf(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)).Format(time.DateOnly)
}

// slotLive is the SQL condition that slot s is shown, h being its booking
// (LEFT JOIN capacity_holds h ON h.id = s.hold_id): a respite stay only
// while its booking stands, so that cancelling it on the capacity board
// takes it off the planning at once.
const slotLive = `(s.hold_id IS NULL OR h.status = 'booked')`

// loadSlots reads the slots of child valid from day on, with their exceptions.
func loadSlots(ctx context.Context, tx *db.Tx, childID, from string) ([]Slot, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.organisation_id, s.organisation_name, s.kind, s.label, s.starts_at, s.ends_at,
		s.weekdays, s.valid_from, s.valid_to, s.skip_holidays, COALESCE(s.hold_id, ''), COALESCE(h.holder_org_id, '')
		FROM planning_slots s LEFT JOIN capacity_holds h ON h.id = s.hold_id
		WHERE s.child_id = $1 AND s.valid_to >= $2 AND `+slotLive+`
		ORDER BY s.starts_at, s.organisation_name, s.id`, childID, from)
	if err != nil {
		return nil, fmt.Errorf("slots: %w", err)
	}
	var out []Slot
	index := map[string]int{}
	for rows.Next() {
		var s Slot
		if err := rows.Scan(&s.ID, &s.OrganisationID, &s.OrganisationName, &s.Kind, &s.Label, &s.Start, &s.End, &s.Weekdays,
			&s.From, &s.To, &s.SkipHolidays, &s.HoldID, &s.HolderOrgID); err != nil {
			rows.Close()
			return nil, err
		}
		index[s.ID] = len(out)
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	erows, err := tx.QueryContext(ctx, `SELECT e.slot_id, e.day FROM planning_exceptions e JOIN planning_slots s ON s.id = e.slot_id
		WHERE s.child_id = $1 AND e.day >= $2`, childID, from)
	if err != nil {
		return nil, err
	}
	defer erows.Close()
	for erows.Next() {
		var id, day string
		if err := erows.Scan(&id, &day); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok {
			out[i].Except = append(out[i].Except, day)
		}
	}
	return out, erows.Err()
}

// loadHolidays reads a département's school holidays ending from day on.
func loadHolidays(ctx context.Context, tx *db.Tx, dep, from string) ([]Holiday, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, starts_on, ends_on FROM school_holidays WHERE departement = $1 AND ends_on >= $2
		ORDER BY starts_on`, dep, from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Holiday
	for rows.Next() {
		var h Holiday
		if err := rows.Scan(&h.Name, &h.From, &h.To); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// problems returns the conflicts and gaps of slots over weeks weeks from
// the Monday start; gaps only when the child does not live in the family.
func problems(slots []Slot, holidays []Holiday, start string, weeks int, livesInFamily bool) (conflicts, gaps []Span) {
	monday, _ := time.Parse(time.DateOnly, start)
	last := monday.AddDate(0, 0, 7*weeks-1).Format(time.DateOnly)
	occ := Occurrences(slots, holidays, start, last, paris)
	conflicts = Conflicts(occ, handover)
	if !livesInFamily && len(slots) > 0 {
		from := time.Date(monday.Year(), monday.Month(), monday.Day(), 0, 0, 0, 0, paris)
		gaps = Gaps(occ, from, from.AddDate(0, 0, 7*weeks), minGap)
	}
	return conflicts, gaps
}

// Week returns the week starting on the Monday of day (today when empty)
// and the conflicts and gaps of the weeks ahead; reading it is audited.
func (s *Service) Week(ctx context.Context, childID, day string) (Planning, error) {
	var p Planning
	var f *access.ChildFacts
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		var err error
		if f, err = open(ctx, tx, childID, access.ActionView, access.SecPlanning); err != nil {
			return err
		}
		if day == "" {
			day = dayOf(tx.Now)
		}
		if p.WeekStart = MondayOf(day); p.WeekStart == "" {
			p.WeekStart = MondayOf(dayOf(tx.Now))
		}
		if p.Child, err = loadChild(ctx, tx, childID); err != nil {
			return err
		}
		if p.Slots, err = loadSlots(ctx, tx, childID, p.WeekStart); err != nil {
			return err
		}
		if p.Holidays, err = loadHolidays(ctx, tx, f.Departement, p.WeekStart); err != nil {
			return err
		}
		monday, _ := time.Parse(time.DateOnly, p.WeekStart)
		sunday := monday.AddDate(0, 0, 6).Format(time.DateOnly)
		occ := Occurrences(p.Slots, p.Holidays, p.WeekStart, sunday, paris)
		for i := range 7 {
			d := monday.AddDate(0, 0, i)
			pd := PlanningDay{Day: d.Format(time.DateOnly)}
			for _, h := range p.Holidays {
				if h.From <= pd.Day && pd.Day <= h.To {
					pd.Holiday = h.Name
				}
			}
			for _, o := range occ {
				if o.Start.In(paris).Format(time.DateOnly) == pd.Day {
					pd.Occurrences = append(pd.Occurrences, o)
				}
			}
			p.Days = append(p.Days, pd)
		}
		p.GapsChecked = p.Child.LivingKind != "family"
		p.Conflicts, p.Gaps = problems(p.Slots, p.Holidays, p.WeekStart, PlanningWeeksAhead, !p.GapsChecked)
		if access.Can(access.ActorFrom(ctx), access.ActionUpdate, access.Resource{Type: access.ResChild, ID: childID,
			Section: access.SecPlanning, Child: f}) {
			p.Own, _ = liaisonOrgs(access.ActorFrom(ctx), f)
		}
		return nil
	}, func() audit.Entry {
		return entry(ctx, f, childID, "child.planning.read", map[string]any{"week": p.WeekStart})
	})
	return p, err
}

// AddSlot adds a slot of the actor's structure to the child's planning.
func (s *Service) AddSlot(ctx context.Context, childID string, in SlotInput) (string, error) {
	id := db.NewID()
	err := s.change(ctx, childID, access.SecPlanning, "child.planning.add", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		slot, err := NormalizeSlot(in, dayOf(tx.Now))
		if err != nil {
			return nil, err
		}
		mine, _ := liaisonOrgs(access.ActorFrom(ctx), f)
		if len(mine) == 0 {
			return nil, apperr.New(apperr.Forbidden, "Seuls les membres du cercle écrivent au planning.")
		}
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, mine[0]).Scan(&name); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO planning_slots (id, child_id, organisation_id, organisation_name, kind, label,
			starts_at, ends_at, weekdays, valid_from, valid_to, skip_holidays, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, id, childID, mine[0], name, slot.Kind, slot.Label,
			slot.Start, slot.End, slot.Weekdays, slot.From, slot.To, slot.SkipHolidays, actorName(access.ActorFrom(ctx)), tx.Now); err != nil {
			return nil, fmt.Errorf("insert slot: %w", err)
		}
		return map[string]any{"slot": id}, event(ctx, tx, childID, "planning", access.SecPlanning,
			"Planning : "+name+" — "+Label(SlotKinds, slot.Kind)+", "+slot.Start+"–"+slot.End+" ("+SlotDaysLabel(slot)+")", "")
	})
	return id, err
}

// SlotDaysLabel says when a slot happens, in French.
func SlotDaysLabel(s Slot) string {
	if s.From == s.To {
		return "le " + DayLabel(s.From)
	}
	short := []string{"lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."}
	var days []string
	for i, d := range short {
		if s.Weekdays&(1<<i) != 0 {
			days = append(days, d)
		}
	}
	label := strings.Join(days, " ")
	if s.Weekdays == 127 {
		label = "tous les jours"
	}
	if s.To != Forever {
		label += ", jusqu'au " + DayLabel(s.To)
	}
	if s.SkipHolidays {
		label += ", hors vacances scolaires"
	}
	return label
}

// ownSlot checks that slot belongs to child and is edited by one of the
// actor's structures (Slot.Owner: for a booked respite stay, the
// organisation that booked it), and returns it.
func ownSlot(ctx context.Context, tx *db.Tx, f *access.ChildFacts, childID, slotID string) (Slot, error) {
	var s Slot
	if !db.ValidID(slotID) {
		return s, apperr.New(apperr.NotFound, "Ce temps n'est pas au planning.")
	}
	err := tx.QueryRowContext(ctx, `SELECT s.id, s.organisation_id, s.organisation_name, s.kind, s.starts_at, s.ends_at,
		COALESCE(s.hold_id, ''), COALESCE(h.holder_org_id, '') FROM planning_slots s LEFT JOIN capacity_holds h ON h.id = s.hold_id
		WHERE s.id = $1 AND s.child_id = $2 AND `+slotLive, slotID, childID).Scan(&s.ID, &s.OrganisationID, &s.OrganisationName,
		&s.Kind, &s.Start, &s.End, &s.HoldID, &s.HolderOrgID)
	if errors.Is(err, sql.ErrNoRows) {
		return s, apperr.New(apperr.NotFound, "Ce temps n'est pas au planning.")
	}
	if err != nil {
		return s, err
	}
	mine, _ := liaisonOrgs(access.ActorFrom(ctx), f)
	if !slices.Contains(mine, s.Owner()) && !access.ActorFrom(ctx).System {
		if s.HoldID != "" {
			return s, apperr.New(apperr.Forbidden, "Ce séjour de répit est modifié par qui l'a réservé.")
		}
		return s, apperr.New(apperr.Forbidden, "Chaque structure modifie ses propres temps du planning.")
	}
	return s, nil
}

// DeleteSlot removes one of the actor's structure's slots.
func (s *Service) DeleteSlot(ctx context.Context, childID, slotID string) error {
	return s.change(ctx, childID, access.SecPlanning, "child.planning.delete", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		slot, err := ownSlot(ctx, tx, f, childID, slotID)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM planning_slots WHERE id = $1`, slotID); err != nil {
			return nil, err
		}
		return map[string]any{"slot": slotID}, event(ctx, tx, childID, "planning", access.SecPlanning,
			"Planning : "+slot.OrganisationName+" retire "+Label(SlotKinds, slot.Kind)+", "+slot.Start+"–"+slot.End, "")
	})
}

// SkipDay cancels one day of one of the actor's structure's slots (a
// closure, a visit that will not happen).
func (s *Service) SkipDay(ctx context.Context, childID, slotID, dayText string) error {
	return s.change(ctx, childID, access.SecPlanning, "child.planning.skip", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		slot, err := ownSlot(ctx, tx, f, childID, slotID)
		if err != nil {
			return nil, err
		}
		var v apperr.Validation
		d := day(&v, "day", dayText, "Indiquez le jour.")
		if err := v.ErrSaying("Rien n'a été enregistré."); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO planning_exceptions (slot_id, day) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			slotID, d); err != nil {
			return nil, err
		}
		return map[string]any{"slot": slotID, "day": d}, event(ctx, tx, childID, "planning", access.SecPlanning,
			"Planning : pas de "+Label(SlotKinds, slot.Kind)+" ("+slot.OrganisationName+") le "+DayLabel(d), "")
	})
}

// KindPlanningAlerts is the job that warns referents of conflicts and
// gaps ahead in their children's plannings.
const KindPlanningAlerts = "pathway.planning_alerts"

// PlanningAlerts tells each referent, once per day flagged, of the
// conflicts and gaps of the next PlanningWeeksAhead weeks. It returns how
// many alerts were sent.
func (s *Service) PlanningAlerts(ctx context.Context) (int, error) {
	var all []due
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		today := dayOf(tx.Now)
		monday := MondayOf(today)
		ids, err := strings1(ctx, tx, `SELECT DISTINCT s.child_id FROM planning_slots s JOIN children c ON c.id = s.child_id
			WHERE s.valid_to >= $1 AND c.referent_id IS NOT NULL`, today)
		if err != nil {
			return err
		}
		byDep := map[string][]Holiday{}
		for _, id := range ids {
			var c Child
			var ref, email string
			if err := tx.QueryRowContext(ctx, `SELECT c.first_name, c.last_name, c.living_kind, c.departement, c.referent_id, a.email
				FROM children c JOIN accounts a ON a.id = c.referent_id WHERE c.id = $1 AND a.active = TRUE`, id).
				Scan(&c.FirstName, &c.LastName, &c.LivingKind, &c.Departement, &ref, &email); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					continue
				}
				return err
			}
			slots, err := loadSlots(ctx, tx, id, monday)
			if err != nil {
				return err
			}
			// The holidays are the département's: read once for all its children.
			holidays, ok := byDep[c.Departement]
			if !ok {
				if holidays, err = loadHolidays(ctx, tx, c.Departement, monday); err != nil {
					return err
				}
				byDep[c.Departement] = holidays
			}
			conflicts, gaps := problems(slots, holidays, monday, PlanningWeeksAhead, c.LivingKind == "family")
			now := tx.Now
			for _, sp := range conflicts {
				if sp.End.After(now) {
					all = append(all, due{id, "planning_conflict_" + sp.Start.In(paris).Format(time.DateOnly), id, ref, email, c.Name(),
						"Planning : deux lieux en même temps", fmt.Sprintf("Planning de %s : %s et %s en même temps, %s.", c.Name(),
							sp.A.OrganisationName, sp.B.OrganisationName, SpanLabel(sp, paris)), nil})
				}
			}
			for _, sp := range gaps {
				if sp.End.After(now) {
					all = append(all, due{id, "planning_gap_" + sp.Start.In(paris).Format(time.DateOnly), id, ref, email, c.Name(),
						"Planning : personne n'a l'enfant", fmt.Sprintf("Planning de %s : personne n'a l'enfant %s.", c.Name(),
							SpanLabel(sp, paris)), nil})
				}
			}
		}
		if all, err = unsent(ctx, tx, all); err != nil {
			return err
		}
		all = groupSpans(all)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return s.sendAlerts(ctx, all)
}

// spansShown is how many moments one planning alert lists.
const spansShown = 5

// groupSpans makes one alert per child and kind of problem of the spans
// not told yet (a holiday fortnight is one message, not fourteen); each
// span stays marked on its own, so a new one is told on a later run.
func groupSpans(all []due) []due {
	type key struct{ child, title string }
	index := map[key]int{}
	var out []due
	spans := map[key][]string{}
	for _, d := range all {
		k := key{d.childID, d.title}
		i, ok := index[k]
		if !ok {
			index[k] = len(out)
			out = append(out, d)
		} else {
			out[i].also = append(out[i].also, d.alert)
		}
		spans[k] = append(spans[k], d.body)
	}
	for i := range out {
		k := key{out[i].childID, out[i].title}
		lines := spans[k]
		if len(lines) == 1 {
			continue
		}
		body := fmt.Sprintf("%d moments à régler dans le planning de %s :", len(lines), out[i].child)
		for _, l := range lines[:min(len(lines), spansShown)] {
			body += "\n- " + l
		}
		if len(lines) > spansShown {
			body += fmt.Sprintf("\n- … et %d autres.", len(lines)-spansShown)
		}
		out[i].body = body
	}
	return out
}

// SchoolHoliday is a stored school holiday period.
type SchoolHoliday struct {
	ID string
	Holiday
}

// Holidays lists a département's school holidays ending from a year ago on.
func (s *Service) Holidays(ctx context.Context, dep string) ([]SchoolHoliday, error) {
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResSchoolHolidays, Departement: dep}); err != nil {
		return nil, err
	}
	var out []SchoolHoliday
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, name, starts_on, ends_on FROM school_holidays WHERE departement = $1 AND ends_on >= $2
			ORDER BY starts_on`, dep, dayOf(tx.Now.AddDate(-1, 0, 0)))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h SchoolHoliday
			if err := rows.Scan(&h.ID, &h.Name, &h.From, &h.To); err != nil {
				return err
			}
			out = append(out, h)
		}
		return rows.Err()
	})
	return out, err
}

// AddHoliday enters a school holiday period for a département; errors by
// field: name, from, to.
func (s *Service) AddHoliday(ctx context.Context, dep string, h Holiday) error {
	if err := access.Check(ctx, access.ActionUpdate, access.Resource{Type: access.ResSchoolHolidays, Departement: dep}); err != nil {
		return err
	}
	var v apperr.Validation
	h.Name = strings.TrimSpace(h.Name)
	v.Check(h.Name != "", "name", "Indiquez le nom des vacances.")
	checkLen(&v, "name", h.Name, maxName)
	h.From = day(&v, "from", h.From, "Indiquez le premier jour.")
	h.To = day(&v, "to", h.To, "Indiquez le dernier jour.")
	if !v.Has("from") && !v.Has("to") && h.To < h.From {
		v.Add("to", "Le dernier jour précède le premier.")
	}
	if err := v.ErrSaying("Les vacances n'ont pas été enregistrées : corrigez les champs signalés."); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO school_holidays (id, departement, name, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5)`,
			id, dep, h.Name, h.From, h.To); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "school_holidays.add", ResourceType: string(access.ResSchoolHolidays),
			ResourceID: id, Details: map[string]any{"departement": dep, "from": h.From, "to": h.To}})
	})
}

// DeleteHoliday removes a school holiday period of a département.
func (s *Service) DeleteHoliday(ctx context.Context, dep, id string) error {
	if err := access.Check(ctx, access.ActionUpdate, access.Resource{Type: access.ResSchoolHolidays, Departement: dep}); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM school_holidays WHERE id = $1 AND departement = $2`, id, dep)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Ces vacances ne sont pas enregistrées.")
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "school_holidays.delete", ResourceType: string(access.ResSchoolHolidays),
			ResourceID: id, Details: map[string]any{"departement": dep}})
	})
}
