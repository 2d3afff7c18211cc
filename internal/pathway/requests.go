package pathway

import (
	"context"
	"slices"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/org"
)

// RequestFacts is what a request to other structures may carry of a
// child: read by someone who may ask for the child, with the basis that
// lets the facts leave the circle.
type RequestFacts struct {
	Name, Sex, Departement string
	BirthDate              string
	// DoubleVulnerability: an ASE measure and an MDPH notification in force.
	DoubleVulnerability bool
	// Basis: "decision" (a measure in force) or "consent" (a live consent
	// of the parents to share with the circle).
	Basis string
}

// ForRequest returns the facts of child id for a request, when the actor
// may ask on the child's behalf (the referents, the living place, the
// foster carer who hosts the child) and a basis allows it; the reading is
// audited.
func (s *Service) ForRequest(ctx context.Context, childID string) (RequestFacts, error) {
	var out RequestFacts
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, childID, access.ActionView, access.SecIdentity)
		if err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		rels := access.ChildRelations(a, f)
		if !a.System && !slices.ContainsFunc(rels, func(r access.Relation) bool {
			return r == access.RelReferent || r == access.RelLivingPlace || r == access.RelCarer
		}) {
			return apperr.New(apperr.Forbidden, "Seuls le référent, le lieu de vie ou l'assistant familial de l'enfant font une demande pour lui.")
		}
		c, err := loadChild(ctx, tx, childID)
		if err != nil {
			return err
		}
		today := dayOf(tx.Now)
		var measures, notifications, consents int
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM child_measures WHERE child_id = $1 AND starts_on <= $2 AND ends_on >= $2),
			(SELECT count(*) FROM child_notifications WHERE child_id = $1 AND starts_on <= $2 AND ends_on >= $2
				AND status NOT IN ('refused', 'not_carried_out')),
			(SELECT count(*) FROM child_consents WHERE child_id = $1 AND withdrawn_at IS NULL AND given_on <= $2 AND until_on >= $2)`,
			childID, today).Scan(&measures, &notifications, &consents); err != nil {
			return err
		}
		switch {
		case measures > 0:
			out.Basis = "decision"
		case consents > 0:
			out.Basis = "consent"
		default:
			var v apperr.Validation
			v.Add("child", "Rien ne permet de partager la situation de cet enfant : enregistrez la mesure en cours ou l'accord des parents dans son dossier.")
			return v.Err()
		}
		out.Name, out.Sex, out.Departement, out.BirthDate = c.Name(), c.Sex, c.Departement, c.BirthDate
		out.DoubleVulnerability = measures > 0 && notifications > 0
		return record(ctx, tx, f, childID, "child.request_facts", map[string]any{"basis": out.Basis})
	})
	return out, err
}

// AgeYears is the child's age on day now.
func (r RequestFacts) AgeYears(now time.Time) int { return AgeOn(r.BirthDate, now) }

// CapacityOf is the capacity a structure of type typ takes in a child's
// circle: the child protection homes are living places, a placement
// service hosts with its foster carers, a mobile team is one, child
// psychiatry and the CMPP are care, the rest of the medico-social sector
// accompanies.
func CapacityOf(typ string) access.Capacity {
	sector := ""
	for _, t := range org.StructureTypes {
		if t.Code == typ {
			sector = t.Sector
		}
	}
	switch {
	case typ == "placement_familial":
		return access.CapFosterCarer
	case typ == "emr":
		return access.CapMobileTeam
	case typ == "cmpp" || typ == "pedopsychiatrie":
		return access.CapCare
	case sector == org.SectorChildProtection:
		return access.CapLivingPlace
	}
	return access.CapMedicoSocial
}

// InviteForRequest invites into the child's circle the structure whose
// acceptance of a request the referent has confirmed, on the record's
// basis (a measure in force, else a live consent of the parents). A
// structure already in the circle, or invited, is left as it is; it
// reports whether an invitation was sent.
func (s *Service) InviteForRequest(ctx context.Context, childID, orgID, note string) (bool, error) {
	var in InviteInput
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, childID, access.ActionUpdate, access.SecCircle)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(f.Members, func(m access.Member) bool { return m.OrganisationID == orgID }) {
			return nil
		}
		var typ string
		if err := tx.QueryRowContext(ctx, `SELECT structure_type FROM organisations WHERE id = $1`, orgID).Scan(&typ); err != nil {
			return err
		}
		in = InviteInput{OrganisationID: orgID, Capacity: CapacityOf(typ), Note: note}
		today := dayOf(tx.Now)
		var id string
		err = tx.QueryRowContext(ctx, `SELECT id FROM child_measures WHERE child_id = $1 AND starts_on <= $2 AND ends_on >= $2
			ORDER BY ends_on DESC LIMIT 1`, childID, today).Scan(&id)
		if err == nil {
			in.Basis, in.MeasureID = "decision", id
			return nil
		}
		err = tx.QueryRowContext(ctx, `SELECT id FROM child_consents WHERE child_id = $1 AND withdrawn_at IS NULL AND given_on <= $2
			AND until_on >= $2 ORDER BY until_on DESC LIMIT 1`, childID, today).Scan(&id)
		if err != nil {
			return apperr.New(apperr.Invalid, "Rien dans le dossier ne fonde le partage : ni mesure en cours ni accord des parents.")
		}
		in.Basis, in.ConsentID = "consent", id
		return nil
	})
	if err != nil || in.OrganisationID == "" {
		return false, err
	}
	_, err = s.Invite(ctx, childID, in)
	return err == nil, err
}
