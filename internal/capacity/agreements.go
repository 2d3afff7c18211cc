package capacity

import (
	"context"
	"fmt"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/cooperation"
	"passerelle/internal/db"
)

// AgreementPlaces is the capacity board as agreements see it: the places
// an agreement reserves for its beneficiary become declarations reserved
// for that organisation, which only it can hold (see Hold) and which the
// search and the territory board show as reserved.
//
// It does not check access itself: the agreement's service has decided
// who may change the agreement, and a steering account registering a
// convention has no right on the provider's board otherwise.
type AgreementPlaces struct{}

var _ cooperation.Places = AgreementPlaces{}

// maxReservedPeriods bounds the declarations one reservation makes (five
// years of monthly places), so that a mistyped end cannot fill the board.
const maxReservedPeriods = 60

// ReservedPeriod is one declaration a reservation makes.
type ReservedPeriod struct {
	From, To Day
}

// ReservedPeriods cuts a reservation into its declarations from today on:
// one per calendar month for places kept each month, one for the whole
// period otherwise. Periods already over are left out; the current one
// starts today.
func ReservedPeriods(from, to, today Day, perMonth bool) []ReservedPeriod {
	if to < from || to < today {
		return nil
	}
	if !perMonth {
		return []ReservedPeriod{{max(from, today), to}}
	}
	var out []ReservedPeriod
	start := from
	for start <= to && len(out) < maxReservedPeriods {
		t := start.Time()
		next := Day(time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
		end := min(next.AddDays(-1), to)
		if end >= today {
			out = append(out, ReservedPeriod{max(start, today), end})
		}
		start = next
	}
	return out
}

// kindForModality is the kind of declaration an offer's reserved places
// make: respite for a respite or parental relay offer, the offer's own
// kind where there is one, a lasting place otherwise.
func kindForModality(modality string) Kind {
	switch modality {
	case "respite", "parental_relay":
		return KindRespite
	case "sequential":
		return KindSequential
	case "emergency":
		return KindEmergency
	}
	return KindPermanent
}

// reservedKey identifies a declaration of an agreement: the same offer,
// beneficiary and period is the same declaration from one change of the
// agreement to the next, so that its holds stay on it.
type reservedKey struct {
	offer, beneficiary string
	from, to           Day
}

// Reserve replaces the places the agreement reserved with rs. A
// declaration still wanted keeps its id and its holds, with its places
// set to the new number (never below what is taken); one no longer wanted
// keeps only its taken places; declarations already over are not touched.
func (AgreementPlaces) Reserve(ctx context.Context, tx *db.Tx, agreementID string, rs []cooperation.Reservation) error {
	today := DayOf(tx.Now)
	want := map[reservedKey]int{}
	offers := map[string]offerFacts{}
	var order []reservedKey
	for _, r := range rs {
		f, ok := offers[r.OfferID]
		if !ok {
			var err error
			if f, err = loadOffer(ctx, tx, r.OfferID); err != nil {
				return err
			}
			offers[r.OfferID] = f
		}
		if f.StructureID != r.StructureID {
			return apperr.New(apperr.Invalid, "Cette offre n'est pas celle de la structure qui réserve les places.")
		}
		if r.Places < 1 || r.Places > 500 {
			return apperr.New(apperr.Invalid, "Le nombre de places réservées doit être compris entre 1 et 500.")
		}
		for _, p := range ReservedPeriods(DayOf(r.From), DayOf(r.To), today, r.PerMonth) {
			k := reservedKey{r.OfferID, r.BeneficiaryID, p.From, p.To}
			if _, dup := want[k]; !dup {
				order = append(order, k)
			}
			want[k] += r.Places
		}
	}

	rows, err := tx.QueryContext(ctx, `SELECT `+availCols+`, og.departement`+availFrom+`
		JOIN organisations og ON og.id = a.structure_id
		WHERE a.agreement_id = $1 AND a.active AND a.ends_on >= $2`, agreementID, string(today))
	if err != nil {
		return fmt.Errorf("reserved places: %w", err)
	}
	type existing struct {
		a   Availability
		dep string
	}
	var have []existing
	for rows.Next() {
		var e existing
		if e.a, err = scanAvail(rows, &e.dep); err != nil {
			rows.Close()
			return err
		}
		have = append(have, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	kept := map[reservedKey]bool{}
	for _, e := range have {
		k := reservedKey{e.a.OfferID, e.a.ReservedFor, e.a.From, e.a.To}
		places, wanted := want[k]
		if wanted {
			kept[k] = true
		}
		places = max(places, e.a.Taken)
		if places == e.a.Places {
			continue
		}
		active := places > 0
		if _, err := tx.ExecContext(ctx, `UPDATE availabilities SET places = $1, active = $2, updated_at = $3 WHERE id = $4`,
			places, active, tx.Now, e.a.ID); err != nil {
			return fmt.Errorf("reserved places: %w", err)
		}
		e.a.Places = places
		event := "reserved"
		if !wanted {
			event = "reservation_ended"
		}
		if err := record(ctx, tx, e.a, e.dep, event, map[string]any{"agreement": agreementID, "places": places}); err != nil {
			return err
		}
	}

	for _, k := range order {
		if kept[k] {
			continue
		}
		f := offers[k.offer]
		kind := kindForModality(f.Modality)
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO availabilities (id, offer_id, structure_id, kind, places, taken,
			starts_on, ends_on, weekdays, reserved_for, agreement_id, confirmed_at, confirmed_by, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 0, $6, $7, 127, $8, $9, $10, $11, TRUE, $10, $10)`,
			id, k.offer, f.StructureID, string(kind), want[k], string(k.from), string(k.to),
			k.beneficiary, agreementID, tx.Now, "Convention"); err != nil {
			return fmt.Errorf("reserved places: %w", err)
		}
		// What record needs of the new declaration, without reading it back.
		a := Availability{ID: id, OfferID: k.offer, StructureID: f.StructureID, Kind: kind, Places: want[k],
			From: k.from, To: k.to, ReservedFor: k.beneficiary}
		if err := record(ctx, tx, a, f.Departement, "reserved", map[string]any{"agreement": agreementID, "places": a.Places,
			"from": a.From, "to": a.To, "reserved_for": k.beneficiary}); err != nil {
			return err
		}
	}
	return nil
}
