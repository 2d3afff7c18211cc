package national

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/geo"
)

// The children's shared records of the national directory: children in
// care of the départements' ASE services, each followed by a referent of
// the service (ChildrenPerReferent children each), with their relatives,
// measures, MDPH notifications, a circle of structures of their
// département with named staff, and their timeline. The busiest records
// (BusyShare) hold five years of history. Like the directory, what is
// drawn is a pure function of the plan, the count and the seed: each
// child is drawn from its own generator, so that a batch is drawn when it
// is written and nothing is held for the whole country.

const (
	// ChildrenPerReferent is how many children an ASE referent follows.
	ChildrenPerReferent = 40
	// BusyShare of the children have five years of history.
	BusyShare = 0.01
	// StaffPerStructure: educators' accounts of each structure, named in
	// the circles the structure is part of.
	StaffPerStructure = 2
	// DefaultChildBatch is how many children one transaction writes.
	DefaultChildBatch = 1000
	// BenchPassword is the password of the referents' accounts, for the
	// benchmarks to log in (the demo's).
	BenchPassword = "Passerelle-demo-2026"
	// ReferentMailbox starts the e-mail of every generated referent:
	// "referent-<département>-<n>@" + MailDomain.
	ReferentMailbox = "referent-"
)

// ChildOptions of LoadChildren.
type ChildOptions struct {
	Children int
	Seed     uint64
	Batch    int // children per transaction, DefaultChildBatch when 0
	// Progress, when set, is called after each transaction with the
	// number of children written so far.
	Progress func(done int)
}

// ChildSummary counts what LoadChildren wrote.
type ChildSummary struct {
	Children, Busy        int
	Referents, Staff      int // accounts
	Relatives             int
	Measures, Renewals    int // renewals: measures that renew another
	Notifications, Circle int
	CircleStaff, Events   int
	// The year of requests about the children (requests.go): requests,
	// their recipients, their history's steps, recipients' refusals and
	// late or missing answers; and the alerts in the children's timelines.
	Requests, Recipients, RequestEvents int
	Refusals, Late, Alerts              int
}

// ChildPlan shares the children out among the ASE services of a plan.
type ChildPlan struct {
	Seed     uint64
	Children int
	Services []ChildService // in the order of Board.Services
}

// ChildService is the part of one ASE service.
type ChildService struct {
	Service     int    // index in Board.Services
	Departement string // its code
	First, N    int    // its children are [First, First+N) of the plan
	Structures  int    // structures of the département, for circles
}

// Referents is how many referents the service has.
func (s ChildService) Referents() int { return (s.N + ChildrenPerReferent - 1) / ChildrenPerReferent }

// NewChildPlan shares n children among the services of p in proportion to
// the structures of their département (largest remainders).
func NewChildPlan(p Plan, n int, seed uint64) ChildPlan {
	cp := ChildPlan{Seed: seed, Children: n}
	index := map[string]int{}
	for i, svc := range p.Board.Services {
		dep := strings.ToUpper(strings.TrimSuffix(strings.TrimPrefix(svc.Email, "ase-"), "@"+MailDomain))
		index[dep] = i
		cp.Services = append(cp.Services, ChildService{Service: i, Departement: dep})
	}
	for _, s := range p.Structures {
		if i, ok := index[s.Departement()]; ok {
			cp.Services[i].Structures++
		}
	}
	if len(cp.Services) == 0 {
		return cp
	}
	total := len(p.Structures)
	given := 0
	rest := make([]float64, len(cp.Services))
	for i := range cp.Services {
		x := float64(n) * float64(cp.Services[i].Structures) / float64(total)
		cp.Services[i].N = int(x)
		rest[i] = x - float64(int(x))
		given += cp.Services[i].N
	}
	for ; given < n; given++ {
		best := 0
		for i := range rest {
			if rest[i] > rest[best] {
				best = i
			}
		}
		cp.Services[best].N++
		rest[best] = -1
	}
	first := 0
	for i := range cp.Services {
		cp.Services[i].First = first
		first += cp.Services[i].N
	}
	return cp
}

// Draw of one child: its parts, with times before the load and days from
// the day of the load.
type drawnChild struct {
	Busy                 bool
	First, Last, Sex     string
	BirthDays            int // days from the load (negative)
	Living               string
	School               string
	Created              time.Duration
	Relatives            []drawnRelative
	Measures             []drawnMeasure
	Notifications        []drawnNotification
	Circle               []drawnMember
	Events               []drawnEvent
	Requests             []drawnRequest // the year's, see requests.go
	Alerts               []drawnEvent
	pseudonym            [8]byte
	referent, service, k int
}

type drawnRelative struct {
	Kind, Name, Relationship, Authority, Phone string
}

type drawnMeasure struct {
	Kind, Authority   string
	From, To, Decided int // days from the load
	Renews            int // index of the measure renewed, -1 none
	Reference         string
}

type drawnNotification struct {
	Orientation, Status string
	From, To            int
}

type drawnMember struct {
	Structure int // index among the structures of the département
	Capacity  access.Capacity
	Basis     string
	From      int
	Staff     []int // indexes among the structure's StaffPerStructure educators
}

type drawnEvent struct {
	At                     time.Duration
	Kind, Section, Summary string
	Body                   string
}

var (
	girlNames = []string{"Emma", "Jade", "Louise", "Alice", "Chloé", "Lina", "Léa", "Rose", "Anna", "Mila", "Inès", "Ambre",
		"Julia", "Mia", "Léna", "Manon", "Zoé", "Agathe", "Lou", "Camille", "Sarah", "Nina", "Yasmine", "Maëlys"}
	boyNames = []string{"Gabriel", "Léo", "Raphaël", "Arthur", "Louis", "Jules", "Adam", "Maël", "Lucas", "Hugo", "Noah",
		"Liam", "Sacha", "Nathan", "Ethan", "Tom", "Mohamed", "Théo", "Timéo", "Noé", "Enzo", "Axel", "Rayan", "Kylian"}
	lastNames = []string{"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
		"Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont",
		"Lambert", "Fontaine", "Rousseau", "Vincent", "Müller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin",
		"Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin",
		"Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie",
		"Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet"}
	measureKinds = []struct {
		kind, authority string
		months          [2]int
	}{
		{"placement_judiciaire", "Juge des enfants", [2]int{12, 24}},
		{"opp", "Juge des enfants", [2]int{1, 6}},
		{"aemo", "Juge des enfants", [2]int{6, 24}},
		{"accueil_provisoire", "Président du conseil départemental", [2]int{6, 12}},
		{"aed", "Président du conseil départemental", [2]int{6, 12}},
		{"pjj", "Juge des enfants", [2]int{6, 12}},
	}
	orientations   = []string{"ditep", "itep", "ime", "sessad", "cmpp", "camsp", "iem"}
	notifStatuses  = []string{"notified", "waiting", "waiting", "admitted", "admitted", "refused"}
	otherCapacity  = []access.Capacity{access.CapMedicoSocial, access.CapCare, access.CapSchool, access.CapMobileTeam}
	schools        = []string{"ordinary", "ordinary", "ulis", "unit", "part_time", "none", "training"}
	noteSummaries  = []string{"Visite au lieu de vie", "Entretien avec l'enfant", "Rencontre avec la famille", "Synthèse de situation", "Point avec l'école", "Appel de la structure", "Visite médiatisée"}
	careSummaries  = []string{"Consultation au CMP", "Bilan orthophonique", "Suivi psychologique", "Bilan de santé annuel"}
	noteBodies     = []string{"L'enfant va bien ; la rentrée s'est passée sans difficulté particulière. (texte fictif)", "Échange avec l'équipe éducative sur les week-ends en famille ; à reprendre à la prochaine synthèse. (texte fictif)", "Rendez-vous pris pour le mois prochain. (texte fictif)"}
	relationships  = map[string]string{"mother": "Mère", "father": "Père", "relative": "Grand-mère", "guardian": "Tutrice"}
	relativeKinds  = []string{"mother", "father", "relative"}
	busyYears      = 5
	ordinaryMonths = [2]int{3, 36} // how long ago an ordinary record was opened
)

// draw draws child k of service s (index i in the plan).
func (cp ChildPlan) draw(s, k int) drawnChild {
	svc := cp.Services[s]
	i := svc.First + k
	r := rand.New(rand.NewPCG(cp.Seed, 0xc4114d+uint64(i)))
	c := drawnChild{service: s, k: k, referent: k / ChildrenPerReferent}
	for j := range c.pseudonym {
		c.pseudonym[j] = pseudonymAlphabet[r.IntN(len(pseudonymAlphabet))]
	}
	c.Busy = r.Float64() < BusyShare
	if r.IntN(2) == 0 {
		c.Sex, c.First = "girl", girlNames[r.IntN(len(girlNames))]
	} else {
		c.Sex, c.First = "boy", boyNames[r.IntN(len(boyNames))]
	}
	c.Last = lastNames[r.IntN(len(lastNames))]
	age := r.IntN(18 * 365)
	if c.Busy {
		age = 6*365 + r.IntN(12*365)
	}
	c.BirthDays = -age - 1
	c.School = "too_young"
	if age >= 3*365 {
		c.School = schools[r.IntN(len(schools))]
	}
	opened := ordinaryMonths[0]*30 + r.IntN((ordinaryMonths[1]-ordinaryMonths[0])*30)
	if c.Busy {
		opened = busyYears*365 - r.IntN(30)
	}
	opened = min(opened, age)
	c.Created = time.Duration(opened)*day + time.Duration(r.IntN(8*3600))*time.Second
	at := func(days int) time.Duration { // an instant of day -days, office hours
		return time.Duration(max(days, 1))*day - time.Duration(8*3600+r.IntN(9*3600))*time.Second
	}
	c.Events = append(c.Events, drawnEvent{At: c.Created, Kind: "created", Section: string(access.SecIdentity), Summary: "Dossier ouvert"})

	// Relatives.
	for j := range 1 + r.IntN(2) {
		kind := relativeKinds[min(j, len(relativeKinds)-1)]
		if j == 0 && r.IntN(4) == 0 {
			kind = "father"
		} else if j == 1 && r.IntN(5) == 0 {
			kind = "relative"
		}
		authority := "full"
		switch x := r.IntN(10); {
		case kind == "relative":
			authority = "none"
		case x == 0:
			authority = "withdrawn"
		case x == 1:
			authority = "delegated"
		}
		first := girlNames[r.IntN(len(girlNames))]
		if kind == "father" {
			first = boyNames[r.IntN(len(boyNames))]
		}
		c.Relatives = append(c.Relatives, drawnRelative{Kind: kind, Name: first + " " + c.Last + Fictional,
			Relationship: relationships[kind], Authority: authority, Phone: fmt.Sprintf("01 99 %02d %02d %02d", r.IntN(100), r.IntN(100), r.IntN(100))})
		c.Events = append(c.Events, drawnEvent{At: c.Created - time.Duration(j+1)*time.Minute, Kind: "relative",
			Section: string(access.SecFamily), Summary: relationships[kind] + " ajoutée à la famille"})
	}

	// Measures: from the opening of the record, each renewing the one
	// before (or a new measure), the last one running today.
	n := 1 + r.IntN(4)
	if c.Busy {
		n = 1 << 10 // as many as fit in five years
	}
	start := opened
	for j := 0; j < n && start > 0; j++ {
		mk := measureKinds[r.IntN(len(measureKinds))]
		if j > 0 && r.IntN(3) > 0 {
			mk = measureKinds[indexOfMeasure(c.Measures[j-1].Kind)]
		}
		months := mk.months[0] + r.IntN(mk.months[1]-mk.months[0]+1)
		m := drawnMeasure{Kind: mk.kind, Authority: mk.authority, From: -start, To: -start + months*30 - 1, Renews: -1,
			Decided: -start - r.IntN(10), Reference: fmt.Sprintf("%s/%d/%05d", strings.ToUpper(mk.kind[:3]), 2020+r.IntN(6), r.IntN(100000))}
		if j > 0 && m.Kind == c.Measures[j-1].Kind {
			m.Renews = j - 1
		}
		if j == n-1 && m.To < 0 { // the last one runs today
			m.To = 30 + r.IntN(300)
		}
		c.Measures = append(c.Measures, m)
		summary := "Mesure ajoutée : " + mk.kind
		if m.Renews >= 0 {
			summary = "Mesure renouvelée : " + mk.kind
		}
		c.Events = append(c.Events, drawnEvent{At: at(max(-m.Decided, 0)), Kind: "measure", Section: string(access.SecMeasures), Summary: summary})
		start = -m.To - 1
	}

	// MDPH notifications.
	for range r.IntN(3) {
		from := r.IntN(opened + 1)
		nt := drawnNotification{Orientation: orientations[r.IntN(len(orientations))],
			Status: notifStatuses[r.IntN(len(notifStatuses))], From: -from, To: -from + 365*(1+r.IntN(5))}
		c.Notifications = append(c.Notifications, nt)
		c.Events = append(c.Events, drawnEvent{At: at(from), Kind: "notification", Section: string(access.SecNotifications),
			Summary: "Notification MDPH : orientation " + strings.ToUpper(nt.Orientation)})
	}

	// The circle: distinct structures of the département, the first the
	// living place when the child lives in a structure.
	c.Living = "structure"
	switch x := r.IntN(10); {
	case x < 2:
		c.Living = "family"
	case x == 2:
		c.Living = "other"
	}
	if svc.Structures > 0 {
		members := min(1+r.IntN(4), svc.Structures)
		used := map[int]bool{}
		for j := range members {
			st := r.IntN(svc.Structures)
			for used[st] {
				st = (st + 1) % svc.Structures
			}
			used[st] = true
			capacity := otherCapacity[r.IntN(len(otherCapacity))]
			if j == 0 && c.Living == "structure" {
				capacity = access.CapLivingPlace
			}
			basis := "decision"
			if capacity != access.CapLivingPlace && r.IntN(2) == 0 {
				basis = "shared_secrecy"
			}
			from := r.IntN(opened + 1)
			m := drawnMember{Structure: st, Capacity: capacity, Basis: basis, From: -from}
			for e := range StaffPerStructure {
				if e == 0 || r.IntN(2) == 0 {
					m.Staff = append(m.Staff, e)
				}
			}
			c.Circle = append(c.Circle, m)
			c.Events = append(c.Events, drawnEvent{At: at(from) + time.Hour, Kind: "circle_invite", Section: string(access.SecCircle),
				Summary: "Structure invitée dans le cercle"},
				drawnEvent{At: at(from), Kind: "circle_answer", Section: string(access.SecCircle), Summary: "Invitation acceptée"})
		}
	} else if c.Living == "structure" {
		c.Living = "other"
	}

	// Notes: a few for most, about one a week for the busiest.
	notes := 1 + r.IntN(5)
	if c.Busy {
		notes = 200 + r.IntN(200)
	}
	for range notes {
		d := r.IntN(opened + 1)
		e := drawnEvent{At: at(d), Kind: "note", Section: string(access.SecNotes), Summary: noteSummaries[r.IntN(len(noteSummaries))]}
		if r.IntN(5) == 0 {
			e.Section, e.Summary = string(access.SecCareNotes), careSummaries[r.IntN(len(careSummaries))]
		}
		if r.IntN(3) == 0 {
			e.Body = noteBodies[r.IntN(len(noteBodies))]
		}
		c.Events = append(c.Events, e)
	}
	c.Requests, c.Alerts = cp.drawActivity(i, opened, svc.Structures)
	return c
}

// alertThreshold is pathway.Threshold for an end on day end (from the day
// of the load): 60, 30 or 7, or 0 when no alert is due.
func alertThreshold(end int) int {
	due := 0
	for _, t := range []int{60, 30, 7} {
		if end <= t && end >= 0 {
			due = t
		}
	}
	return due
}

func indexOfMeasure(kind string) int {
	for i, m := range measureKinds {
		if m.kind == kind {
			return i
		}
	}
	return 0
}

// pseudonymAlphabet is the pathway's: no I, L, O, U.
const pseudonymAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func (c drawnChild) pseudonymText() string {
	return "E-" + string(c.pseudonym[:4]) + "-" + string(c.pseudonym[4:])
}

// Summarize counts what LoadChildren writes for the plan.
func (cp ChildPlan) Summarize() ChildSummary {
	var s ChildSummary
	for si, svc := range cp.Services {
		s.Referents += svc.Referents()
		s.Staff += svc.Structures * StaffPerStructure
		for k := range svc.N {
			s.add(cp.draw(si, k))
		}
	}
	return s
}

func (s *ChildSummary) add(c drawnChild) {
	s.Children++
	if c.Busy {
		s.Busy++
	}
	s.Relatives += len(c.Relatives)
	s.Measures += len(c.Measures)
	for _, m := range c.Measures {
		if m.Renews >= 0 {
			s.Renewals++
		}
	}
	s.Notifications += len(c.Notifications)
	s.Circle += len(c.Circle)
	for _, m := range c.Circle {
		s.CircleStaff += len(m.Staff)
	}
	s.Events += len(c.Events)
	s.addActivity(c)
}

// LoadChildren writes opts.Children children over the ASE services and
// structures that Load wrote for the same plan (structures and seed), with
// a referent's account per ChildrenPerReferent children of a service and
// StaffPerStructure educators' accounts per structure. The referents log
// in with BenchPassword. It refuses a database with real organisations.
func LoadChildren(ctx context.Context, d *db.DB, p Plan, opts ChildOptions) (ChildSummary, error) {
	if opts.Children < 0 {
		return ChildSummary{}, apperr.New(apperr.Invalid, "Le nombre d'enfants ne peut être négatif.")
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultChildBatch
	}
	ctx = access.WithActor(ctx, access.SystemActor)
	cp := NewChildPlan(p, opts.Children, opts.Seed)
	var sum ChildSummary
	if opts.Children == 0 {
		return sum, nil
	}
	hash, err := auth.HashPassword(BenchPassword)
	if err != nil {
		return sum, err
	}
	now := db.Now(d.Clock)
	today := now.UTC().Truncate(day)
	dayText := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }
	at := func(ago time.Duration) time.Time { return now.Add(-ago) }

	// The services and structures Load wrote, by département, in the
	// order it wrote them; the accounts of the referents and the staff.
	services := make([]string, len(cp.Services))
	referents := make([][]string, len(cp.Services))
	structures := map[string][]string{}
	names := map[string]string{}   // structure → its name, which requests carry
	staff := map[string][]string{} // structure → its educators
	used := map[string]bool{}
	err = d.Write(ctx, func(tx *db.Tx) error {
		if err := refuseRealData(ctx, tx); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, email, departement, kind, name FROM organisations
			WHERE fictional = TRUE AND kind IN ('ase', 'structure') AND email LIKE $1 ORDER BY id`, "%@"+MailDomain)
		if err != nil {
			return err
		}
		byEmail := map[string]string{}
		for rows.Next() {
			var id, email, dep, kind, name string
			if err := rows.Scan(&id, &email, &dep, &kind, &name); err != nil {
				rows.Close()
				return err
			}
			if kind == "ase" {
				byEmail[email] = id
			} else {
				structures[dep] = append(structures[dep], id)
				names[id] = name
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i, svc := range cp.Services {
			services[i] = byEmail[p.Board.Services[svc.Service].Email]
			if services[i] == "" {
				return fmt.Errorf("the ASE service %s was not written: run Load first", p.Board.Services[svc.Service].Email)
			}
			if got := len(structures[svc.Departement]); got != svc.Structures {
				return fmt.Errorf("département %s: %d structures written, %d planned", svc.Departement, got, svc.Structures)
			}
		}
		pseudonyms, err := tx.QueryContext(ctx, `SELECT pseudonym FROM children`)
		if err != nil {
			return err
		}
		for pseudonyms.Next() {
			var ps string
			if err := pseudonyms.Scan(&ps); err != nil {
				pseudonyms.Close()
				return err
			}
			used[ps] = true
		}
		pseudonyms.Close()
		if err := pseudonyms.Err(); err != nil {
			return err
		}
		accounts := newRows(ctx, tx, "accounts", "id", "email", "display_name", "password_hash", "created_at", "updated_at")
		memberships := newRows(ctx, tx, "memberships", "account_id", "organisation_id", "role", "created_at")
		r := rand.New(rand.NewPCG(opts.Seed, 0x5ef))
		person := func() string {
			first := girlNames
			if r.IntN(3) == 0 {
				first = boyNames
			}
			return first[r.IntN(len(first))] + " " + lastNames[r.IntN(len(lastNames))] + Fictional
		}
		for i, svc := range cp.Services {
			for k := range svc.Referents() {
				id := db.NewID()
				referents[i] = append(referents[i], id)
				email := fmt.Sprintf("%s%s-%04d@%s", ReferentMailbox, strings.ToLower(svc.Departement), k+1, MailDomain)
				if err := accounts.add(id, email, person(), hash, now, now); err != nil {
					return err
				}
				if err := memberships.add(id, services[i], string(access.RoleASEReferent), now); err != nil {
					return err
				}
				sum.Referents++
			}
		}
		n := 0
		for _, svc := range cp.Services {
			for _, sid := range structures[svc.Departement] {
				n++
				for e := range StaffPerStructure {
					id := db.NewID()
					staff[sid] = append(staff[sid], id)
					email := fmt.Sprintf("equipe-%06d-%d@%s", n, e+1, MailDomain)
					if err := accounts.add(id, email, person(), "", now, now); err != nil {
						return err
					}
					if err := memberships.add(id, sid, string(access.RoleEducator), now); err != nil {
						return err
					}
					sum.Staff++
				}
			}
		}
		if err := accounts.flush(); err != nil {
			return fmt.Errorf("accounts: %w", err)
		}
		if err := memberships.flush(); err != nil {
			return fmt.Errorf("memberships: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "bench_data.load", ResourceType: string(access.ResAccount),
			Details: map[string]any{"referents": sum.Referents, "staff": sum.Staff, "seed": opts.Seed}})
	})
	if err != nil {
		return ChildSummary{}, err
	}

	// The children, in batches of opts.Batch across the services.
	type ref struct{ s, k int }
	next := ref{}
	done := 0
	for done < opts.Children {
		var batch []drawnChild
		for len(batch) < opts.Batch && next.s < len(cp.Services) {
			if next.k >= cp.Services[next.s].N {
				next = ref{next.s + 1, 0}
				continue
			}
			c := cp.draw(next.s, next.k)
			for used[c.pseudonymText()] { // a collision: the next letters
				c.pseudonym[7] = pseudonymAlphabet[(strings.IndexByte(pseudonymAlphabet, c.pseudonym[7])+1)%len(pseudonymAlphabet)]
				if c.pseudonym[7] == '0' {
					c.pseudonym[6] = pseudonymAlphabet[(strings.IndexByte(pseudonymAlphabet, c.pseudonym[6])+1)%len(pseudonymAlphabet)]
				}
			}
			used[c.pseudonymText()] = true
			batch = append(batch, c)
			next.k++
		}
		if len(batch) == 0 {
			break
		}
		err := d.Write(ctx, func(tx *db.Tx) error {
			children := newRows(ctx, tx, "children", "id", "pseudonym", "ase_id", "referent_id", "departement", "first_name",
				"last_name", "search_name", "birth_date", "sex", "living_kind", "living_structure_id", "school_kind",
				"created_at", "updated_at")
			relatives := newRows(ctx, tx, "child_relatives", "id", "child_id", "kind", "name", "relationship", "authority",
				"phone", "created_at", "updated_at")
			measures := newRows(ctx, tx, "child_measures", "id", "child_id", "kind", "authority", "decided_on", "starts_on",
				"ends_on", "reference", "renews_id", "created_at", "created_by")
			notifications := newRows(ctx, tx, "child_notifications", "id", "child_id", "orientation", "starts_on", "ends_on",
				"status", "status_on", "created_at", "updated_at")
			circle := newRows(ctx, tx, "child_circle", "id", "child_id", "organisation_id", "capacity", "status", "basis",
				"measure_id", "starts_on", "ends_on", "invited_by", "invited_at", "answered_by", "answered_at")
			circleStaff := newRows(ctx, tx, "child_circle_staff", "member_id", "account_id")
			alerts := newRows(ctx, tx, "child_alerts_sent", "subject_id", "alert", "sent_at")
			events := newRows(ctx, tx, "child_events", "id", "child_id", "at", "kind", "section", "summary", "body",
				"actor_id", "actor_name", "organisation_id")
			rq := newRequestRows(ctx, tx)
			var requestIDs [][]string
			writeChild := func(stage int, c drawnChild, id string, ids, members []string, b int) error {
				svc := cp.Services[c.service]
				aseID, referent := services[c.service], referents[c.service][c.referent]
				deps := structures[svc.Departement]
				switch stage {
				case 0:
					var living any
					if c.Living == "structure" {
						living = deps[c.Circle[0].Structure]
					}
					updated := c.Created
					for _, e := range c.Events {
						updated = min(updated, e.At)
					}
					return children.add(id, c.pseudonymText(), aseID, referent, svc.Departement, c.First, c.Last,
						geo.Fold(c.Last+" "+c.First), dayText(c.BirthDays), c.Sex, c.Living, living, c.School,
						at(c.Created), at(updated))
				case 1:
					for _, rel := range c.Relatives {
						if err := relatives.add(db.NewID(), id, rel.Kind, rel.Name, rel.Relationship, rel.Authority, rel.Phone,
							at(c.Created), at(c.Created)); err != nil {
							return err
						}
					}
					for j, m := range c.Measures {
						var renews any
						if m.Renews >= 0 {
							renews = ids[m.Renews]
						}
						created := time.Duration(max(-m.Decided, 0)) * day
						if err := measures.add(ids[j], id, m.Kind, m.Authority, dayText(m.Decided), dayText(m.From), dayText(m.To),
							m.Reference, renews, at(created), referent); err != nil {
							return err
						}
					}
					// The alerts the referents' job would have sent by now
					// (pathway.Alerts), marked sent so that the first server
					// started on the data has nothing to catch up on.
					renewed := make([]bool, len(c.Measures))
					for _, m := range c.Measures {
						if m.Renews >= 0 {
							renewed[m.Renews] = true
						}
					}
					for j, m := range c.Measures {
						if t := alertThreshold(m.To); t > 0 && !renewed[j] {
							if err := alerts.add(ids[j], fmt.Sprintf("measure_end_%d", t), now); err != nil {
								return err
							}
						}
					}
					for _, nt := range c.Notifications {
						nid := db.NewID()
						if t := alertThreshold(nt.To); t > 0 && nt.Status != "refused" {
							if err := alerts.add(nid, fmt.Sprintf("notification_end_%d", t), now); err != nil {
								return err
							}
						}
						if (nt.Status == "notified" || nt.Status == "waiting") && nt.From <= -90 && nt.To >= 0 {
							if err := alerts.add(nid, "without_solution", now); err != nil {
								return err
							}
						}
						if err := notifications.add(nid, id, nt.Orientation, dayText(nt.From), dayText(nt.To), nt.Status,
							dayText(nt.From), at(time.Duration(-nt.From)*day), at(time.Duration(-nt.From)*day)); err != nil {
							return err
						}
					}
				case 2:
					for j, m := range c.Circle {
						var measure any
						if m.Basis == "decision" && len(ids) > 0 {
							measure = ids[len(ids)-1]
						}
						sid := deps[m.Structure]
						invited := at(time.Duration(-m.From)*day + time.Hour)
						if err := circle.add(members[j], id, sid, string(m.Capacity), "active", m.Basis, measure, dayText(m.From), Forever,
							referent, invited, staff[sid][0], invited.Add(time.Hour)); err != nil {
							return err
						}
					}
				case 3:
					for j, m := range c.Circle {
						for _, e := range m.Staff {
							if err := circleStaff.add(members[j], staff[deps[m.Structure]][e]); err != nil {
								return err
							}
						}
					}
					for _, e := range c.Events {
						if err := events.add(db.NewID(), id, at(e.At), e.Kind, e.Section, e.Summary, e.Body, referent,
							"Référent ASE (fictif)", aseID); err != nil {
							return err
						}
					}
					return addAlerts(events, c, id, at)
				case 4, 5:
					basis := "consent"
					if len(c.Measures) > 0 {
						basis = "decision"
					}
					return rq.add(stage-4, childRequests{child: c, childID: id, dep: svc.Departement, aseID: aseID,
						aseName: p.Board.Services[svc.Service].Name, refID: referent, structures: deps, names: names,
						ids: requestIDs[b], now: now, dayText: dayText, basis: basis})
				}
				return nil
			}
			// Rows refer to rows of the tables before them: each stage is
			// written out before the next begins.
			ids := make([]string, len(batch))
			measureIDs := make([][]string, len(batch))
			memberIDs := make([][]string, len(batch))
			requestIDs = make([][]string, len(batch))
			for b, c := range batch {
				for range c.Requests {
					requestIDs[b] = append(requestIDs[b], db.NewID())
				}
				ids[b] = db.NewID()
				measureIDs[b] = make([]string, len(c.Measures))
				for j := range measureIDs[b] {
					measureIDs[b][j] = db.NewID()
				}
				memberIDs[b] = make([]string, len(c.Circle))
				for j := range memberIDs[b] {
					memberIDs[b][j] = db.NewID()
				}
			}
			stages := [][]*rowWriter{{children}, {relatives, measures, notifications, alerts}, {circle}, {circleStaff, events},
				{rq.requests}, {rq.recipients, rq.events}}
			for stage, writers := range stages {
				for b, c := range batch {
					if err := writeChild(stage, c, ids[b], measureIDs[b], memberIDs[b], b); err != nil {
						return err
					}
				}
				for _, w := range writers {
					if err := w.flush(); err != nil {
						return fmt.Errorf("%s: %w", w.head, err)
					}
				}
			}
			for _, c := range batch {
				sum.add(c)
			}
			return audit.Record(ctx, tx, audit.Entry{Action: "bench_data.load", ResourceType: string(access.ResChild),
				Details: map[string]any{"children": len(batch), "seed": opts.Seed}})
		})
		if err != nil {
			return ChildSummary{}, err
		}
		done += len(batch)
		if opts.Progress != nil {
			opts.Progress(done)
		}
	}
	return sum, nil
}

// Forever is the pathway's end of what has no end.
const Forever = "9999-12-31"
