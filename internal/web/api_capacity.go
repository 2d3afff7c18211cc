package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/directory"
	"passerelle/internal/geo"
)

// capacityAPIRoutes registers the capacity board's API: declare, search,
// hold, confirm, cancel, and the territory's board and settings.
func (s *Server) capacityAPIRoutes() {
	s.apiRoute("GET", "/api/v1/availability", s.apiAvailabilitySearch)
	s.apiRoute("GET", "/api/v1/availability/{id}", s.apiAvailabilityGet)
	s.apiRoute("PATCH", "/api/v1/availability/{id}", s.apiAvailabilityUpdate)
	s.apiRoute("DELETE", "/api/v1/availability/{id}", s.apiAvailabilityWithdraw)
	s.apiRoute("POST", "/api/v1/availability/{id}/confirm", s.apiAvailabilityConfirm)
	s.apiRoute("POST", "/api/v1/availability/{id}/holds", s.apiHoldCreate)
	s.apiRoute("POST", "/api/v1/offers/{offer_id}/availability", s.apiAvailabilityDeclare)
	s.apiRoute("GET", "/api/v1/structures/{id}/availability", s.apiStructureAvailability)
	s.apiRoute("POST", "/api/v1/structures/{id}/availability/confirm", s.apiStructureAvailabilityConfirm)
	s.apiRoute("GET", "/api/v1/holds", s.apiHoldList)
	s.apiRoute("GET", "/api/v1/holds/{id}", s.apiHoldGet)
	s.apiRoute("POST", "/api/v1/holds/{id}/confirm", s.apiHoldConfirm)
	s.apiRoute("POST", "/api/v1/holds/{id}/cancel", s.apiHoldCancel)
	s.apiRoute("GET", "/api/v1/capacity/territory", s.apiTerritory)
	s.apiRoute("GET", "/api/v1/capacity/settings", s.apiSettingsGet)
	s.apiRoute("PUT", "/api/v1/capacity/settings", s.apiSettingsPut)
}

// availabilityJSON is a declaration; "to" is null until further notice,
// weekdays are ISO numbers (Monday 1 … Sunday 7).
type availabilityJSON struct {
	ID              string    `json:"id"`
	OfferID         string    `json:"offer_id"`
	StructureID     string    `json:"structure_id"`
	Kind            string    `json:"kind"`
	KindLabel       string    `json:"kind_label"`
	Places          int       `json:"places"`
	Taken           int       `json:"taken"`
	Free            int       `json:"free"`
	From            string    `json:"from"`
	To              *string   `json:"to"`
	Weekdays        []int     `json:"weekdays"`
	Profession      string    `json:"profession,omitempty"`
	Conditions      string    `json:"conditions,omitempty"`
	CarerName       string    `json:"carer_name,omitempty"`
	Reserved        bool      `json:"reserved"`
	ReservedForName string    `json:"reserved_for_name,omitempty"`
	ConfirmedAt     time.Time `json:"confirmed_at"`
	ConfirmedBy     string    `json:"confirmed_by"`
	Active          bool      `json:"active"`
}

func toAvailabilityJSON(a capacity.Availability) availabilityJSON {
	j := availabilityJSON{ID: a.ID, OfferID: a.OfferID, StructureID: a.StructureID, Kind: string(a.Kind), KindLabel: a.Kind.Label(),
		Places: a.Places, Taken: a.Taken, Free: a.Free(), From: string(a.From), Weekdays: []int{},
		Profession: a.Profession, Conditions: a.Conditions, CarerName: a.CarerName, Reserved: a.ReservedFor != "",
		ReservedForName: a.ReservedForName, ConfirmedAt: a.ConfirmedAt, ConfirmedBy: a.ConfirmedBy, Active: a.Active}
	if !a.To.Open() {
		to := string(a.To)
		j.To = &to
	}
	for i := range 7 {
		if a.Weekdays.Has(i) {
			j.Weekdays = append(j.Weekdays, i+1)
		}
	}
	return j
}

type availabilityResultJSON struct {
	availabilityJSON
	StructureName string `json:"structure_name"`
	StructureType string `json:"structure_type"`
	CommuneCode   string `json:"commune_code"`
	Departement   string `json:"departement"`
	OfferLabel    string `json:"offer_label,omitempty"`
	Modality      string `json:"modality"`
	AgeMin        int    `json:"age_min"`
	AgeMax        int    `json:"age_max"`
	Public        string `json:"public"`
	Stale         bool   `json:"stale"`
	Minutes       *int   `json:"minutes,omitempty"`
}

// capAPIQuery reads a search with the page's parameter names; every
// criterion at fault is named at once, with today as the service sees it.
func capAPIQuery(q url.Values, today capacity.Day) (capacity.Query, error) {
	var v apperr.Validation
	limit, offset, err := listParams(q, directory.DefaultLimit, directory.MaxLimit)
	addInvalidFields(&v, err)
	cq := capacity.Query{From: capacity.Day(strings.TrimSpace(q.Get("du"))), To: capacity.Day(strings.TrimSpace(q.Get("au"))),
		Kind: capacity.Kind(q.Get("nature")), Public: q.Get("public"), Modality: q.Get("modalite"),
		Departement: q.Get("departement"), Near: strings.TrimSpace(q.Get("pres_de")), Limit: limit, Offset: offset}
	age, ok := directory.ParseAge(q.Get("age"))
	v.Check(ok, "age", "Nombre entier d'années attendu, par exemple 9.")
	cq.Age = age
	if m := strings.TrimSpace(q.Get("minutes")); m != "" {
		n, err := strconv.Atoi(m)
		v.Check(err == nil, "minutes", "Nombre entier de minutes attendu, par exemple 45.")
		cq.Within = n
	}
	if v.Err() != nil {
		_, err := capacity.NormalizeQuery(cq, today)
		addInvalidFields(&v, err)
	}
	return cq, v.ErrSaying("La recherche est à corriger.")
}

func (s *Server) apiAvailabilitySearch(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	cq, err := capAPIQuery(r.URL.Query(), capacity.DayOf(db.Now(s.DB.Clock)))
	if err != nil {
		return err
	}
	page, err := s.Capacity.Search(r.Context(), cq)
	if err != nil {
		return err
	}
	out := listJSON[availabilityResultJSON]{Items: make([]availabilityResultJSON, 0, len(page.Results)), Total: page.Total,
		Limit: page.Query.Limit, Offset: page.Query.Offset}
	for _, res := range page.Results {
		item := availabilityResultJSON{availabilityJSON: toAvailabilityJSON(res.Availability), StructureName: res.StructureName,
			StructureType: res.StructureType, CommuneCode: res.CommuneCode, Departement: res.Departement, OfferLabel: res.OfferLabel,
			Modality: res.Modality, AgeMin: res.AgeMin, AgeMax: res.AgeMax, Public: res.Public, Stale: res.Stale}
		item.Reserved = res.Reserved
		if res.Minutes >= 0 {
			m := res.Minutes
			item.Minutes = &m
		}
		out.Items = append(out.Items, item)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAvailabilityGet(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	a, err := s.Capacity.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAvailabilityJSON(a))
}

func (s *Server) apiStructureAvailability(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	list, err := s.Capacity.Declarations(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := listJSON[availabilityJSON]{Items: make([]availabilityJSON, 0, len(list)), Total: len(list), Limit: len(list)}
	for _, a := range list {
		out.Items = append(out.Items, toAvailabilityJSON(a))
	}
	return writeJSON(w, http.StatusOK, out)
}

type declarationJSON struct {
	Kind       string  `json:"kind"`
	Places     *int    `json:"places"`
	From       string  `json:"from"`
	To         *string `json:"to"`
	Weekdays   []int   `json:"weekdays"`
	Profession string  `json:"profession"`
	Conditions string  `json:"conditions"`
	CarerID    string  `json:"carer_id"`
}

func (s *Server) apiAvailabilityDeclare(w http.ResponseWriter, r *http.Request) error {
	var b declarationJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	var v apperr.Validation
	v.Check(b.Places != nil, "places", "Indiquez le nombre de places libres.")
	d := capacity.Declaration{Kind: capacity.Kind(b.Kind), From: capacity.Day(b.From), Profession: b.Profession,
		Conditions: b.Conditions, CarerID: b.CarerID}
	if b.Places != nil {
		d.Places = *b.Places
	}
	if b.To != nil {
		d.To = capacity.Day(*b.To)
	}
	for _, n := range b.Weekdays {
		v.Check(n >= 1 && n <= 7, "weekdays", "Jours de 1 (lundi) à 7 (dimanche).")
		if n >= 1 && n <= 7 {
			d.Weekdays |= 1 << (n - 1)
		}
	}
	if err := v.ErrSaying("La déclaration n'a pas été enregistrée : corrigez les champs signalés."); err != nil {
		return err
	}
	a, err := s.Capacity.Declare(r.Context(), r.PathValue("offer_id"), d)
	if err != nil {
		return err
	}
	return writeSavedPart(w, true, "/api/v1/availability/"+a.ID, toAvailabilityJSON(a))
}

// availabilityPatchJSON: absent fields stay as they are; "to" null (or "")
// reopens the end, until further notice.
type availabilityPatchJSON struct {
	Free *int            `json:"free"`
	From *string         `json:"from"`
	To   json.RawMessage `json:"to"`
}

// apiAvailabilityUpdate changes the free places or the period of one
// declaration, and confirms it.
func (s *Server) apiAvailabilityUpdate(w http.ResponseWriter, r *http.Request) error {
	var b availabilityPatchJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	cur, err := s.Capacity.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	// Free places and start not given are read again by the service, in its
	// transaction: a hold taken meanwhile is not given back.
	c := capacity.Change{ID: cur.ID, To: cur.To, KeepFree: b.Free == nil}
	if b.Free != nil {
		c.Free = *b.Free
	}
	if b.From != nil {
		c.From = capacity.Day(*b.From) // "": as declared
	}
	switch to := string(b.To); {
	case to == "":
	case to == "null":
		c.To = capacity.Forever
	default:
		var day string
		if json.Unmarshal(b.To, &day) != nil {
			return &apperr.Error{Code: apperr.Invalid, Message: "Certaines informations sont à corriger.",
				Fields: map[string]string{"to": "Type incorrect : on attend une chaîne de caractères (AAAA-MM-JJ) ou null."}}
		}
		c.To = capacity.Day(day) // "": until further notice
	}
	if _, err := s.Capacity.Save(r.Context(), cur.StructureID, []capacity.Change{c}); err != nil {
		if e, ok := asInvalid(err); ok {
			// The service names fields "places.ID" for its pages: plain here.
			fields := map[string]string{}
			for k, m := range e.Fields {
				k, _, _ = strings.Cut(k, ".")
				if k == "places" {
					k = "free"
				}
				fields[k] = m
			}
			return &apperr.Error{Code: apperr.Invalid, Message: "La déclaration n'a pas été modifiée : corrigez les champs signalés.", Fields: fields}
		}
		return err
	}
	a, err := s.Capacity.Get(r.Context(), cur.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAvailabilityJSON(a))
}

func (s *Server) apiAvailabilityWithdraw(w http.ResponseWriter, r *http.Request) error {
	return writeDeleted(w, s.Capacity.Withdraw(r.Context(), r.PathValue("id")))
}

func (s *Server) apiAvailabilityConfirm(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.Capacity.Confirm(r.Context(), id); err != nil {
		return err
	}
	a, err := s.Capacity.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAvailabilityJSON(a))
}

func (s *Server) apiStructureAvailabilityConfirm(w http.ResponseWriter, r *http.Request) error {
	n, err := s.Capacity.ConfirmAll(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]int{"confirmed": n})
}

// holdJSON is a hold or booking. It never names a child.
type holdJSON struct {
	ID             string     `json:"id"`
	AvailabilityID string     `json:"availability_id"`
	StructureID    string     `json:"structure_id"`
	StructureName  string     `json:"structure_name"`
	OfferLabel     string     `json:"offer_label"`
	Kind           string     `json:"kind"`
	Places         int        `json:"places"`
	Status         string     `json:"status"`
	StatusLabel    string     `json:"status_label"`
	RequestRef     string     `json:"request_ref"`
	Note           string     `json:"note,omitempty"`
	HolderOrgID    string     `json:"holder_org_id"`
	HolderOrgName  string     `json:"holder_org_name"`
	HolderName     string     `json:"holder_name"`
	From           string     `json:"from"`
	To             *string    `json:"to"`
	ExpiresAt      time.Time  `json:"expires_at"`
	CreatedAt      time.Time  `json:"created_at"`
	BookedAt       *time.Time `json:"booked_at,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
}

func toHoldJSON(h capacity.Hold) holdJSON {
	j := holdJSON{ID: h.ID, AvailabilityID: h.AvailabilityID, StructureID: h.StructureID, StructureName: h.StructureName,
		OfferLabel: h.OfferLabel, Kind: string(h.Kind), Places: h.Places, Status: string(h.Status), StatusLabel: h.Status.Label(),
		RequestRef: h.RequestRef, Note: h.Note, HolderOrgID: h.HolderOrgID, HolderOrgName: h.HolderOrgName, HolderName: h.HolderName,
		From: string(h.From), ExpiresAt: h.ExpiresAt, CreatedAt: h.CreatedAt}
	if !h.To.Open() {
		to := string(h.To)
		j.To = &to
	}
	if !h.BookedAt.IsZero() {
		j.BookedAt = &h.BookedAt
	}
	if !h.ClosedAt.IsZero() {
		j.ClosedAt = &h.ClosedAt
	}
	return j
}

type holdInputJSON struct {
	Places     int    `json:"places"`
	RequestRef string `json:"request_ref"`
	Note       string `json:"note"`
}

func (s *Server) apiHoldCreate(w http.ResponseWriter, r *http.Request) error {
	var b holdInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	h, err := s.Capacity.Hold(r.Context(), r.PathValue("id"), capacity.HoldInput{Places: b.Places, RequestRef: b.RequestRef, Note: b.Note})
	if err != nil {
		return err
	}
	return writeSavedPart(w, true, "/api/v1/holds/"+h.ID, toHoldJSON(h))
}

func (s *Server) apiHoldList(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	var v apperr.Validation
	limit, _, err := listParams(q, 200, 500)
	addInvalidFields(&v, err)
	live := q.Get("live")
	v.Check(live == "" || live == "true" || live == "false", "live", "true ou false attendu.")
	if err := v.ErrSaying("La requête est à corriger."); err != nil {
		return err
	}
	list, err := s.Capacity.Holds(r.Context(), capacity.HoldFilter{StructureID: q.Get("structure_id"), Live: live == "true", Limit: limit})
	if err != nil {
		return err
	}
	out := listJSON[holdJSON]{Items: make([]holdJSON, 0, len(list)), Total: len(list), Limit: limit}
	for _, h := range list {
		out.Items = append(out.Items, toHoldJSON(h))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiHoldGet(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	h, err := s.Capacity.GetHold(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toHoldJSON(h))
}

type bookingJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func (s *Server) apiHoldConfirm(w http.ResponseWriter, r *http.Request) error {
	var b bookingJSON
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &b); err != nil {
			return err
		}
	}
	h, err := s.Capacity.ConfirmHold(r.Context(), r.PathValue("id"), capacity.Day(b.From), capacity.Day(b.To))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toHoldJSON(h))
}

type cancelJSON struct {
	Reason string `json:"reason"`
}

func (s *Server) apiHoldCancel(w http.ResponseWriter, r *http.Request) error {
	var b cancelJSON
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &b); err != nil {
			return err
		}
	}
	h, err := s.Capacity.CancelHold(r.Context(), r.PathValue("id"), b.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toHoldJSON(h))
}

type cellJSON struct {
	Week      string `json:"week"`
	Available int    `json:"available"`
	Reserved  int    `json:"reserved"`
	Held      int    `json:"held"`
	Booked    int    `json:"booked"`
	Stale     int    `json:"stale"`
}

type territoryRowJSON struct {
	StructureType string     `json:"structure_type"`
	Weeks         []cellJSON `json:"weeks"`
}

func cellsJSON(t capacity.Territory, cells []capacity.Cell) []cellJSON {
	out := make([]cellJSON, len(cells))
	for i, c := range cells {
		out[i] = cellJSON{Week: string(t.Weeks[i]), Available: c.Available, Reserved: c.Reserved, Held: c.Held, Booked: c.Booked, Stale: c.Stale}
	}
	return out
}

func (s *Server) apiTerritory(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	dep, start, weeks := territoryArgs(r)
	if s := r.URL.Query().Get("semaines"); s != "" {
		if n, err := strconv.Atoi(s); err != nil || n < 1 || n > capacity.MaxWeeks {
			return &apperr.Error{Code: apperr.Invalid, Message: "La requête est à corriger.",
				Fields: map[string]string{"semaines": "Nombre de semaines de 1 à " + strconv.Itoa(capacity.MaxWeeks) + "."}}
		}
	}
	if dep == "" {
		return &apperr.Error{Code: apperr.Invalid, Message: "La requête est à corriger.",
			Fields: map[string]string{"departement": "Indiquez le département."}}
	}
	t, err := s.Capacity.Territory(r.Context(), dep, start, weeks)
	if err != nil {
		return err
	}
	out := struct {
		Departement string             `json:"departement"`
		Rows        []territoryRowJSON `json:"rows"`
		Total       []cellJSON         `json:"total"`
	}{Departement: t.Departement, Rows: []territoryRowJSON{}, Total: cellsJSON(t, t.Total.Weeks)}
	for _, row := range t.Rows {
		out.Rows = append(out.Rows, territoryRowJSON{StructureType: row.Type, Weeks: cellsJSON(t, row.Weeks)})
	}
	return writeJSON(w, http.StatusOK, out)
}

type settingsJSON struct {
	Departement string         `json:"departement"`
	StaleDays   map[string]int `json:"stale_days"`
	HoldHours   int            `json:"hold_hours"`
}

// settingsDepartement is the département of the settings asked: the one
// given, or the actor's.
func settingsDepartement(r *http.Request) (string, error) {
	dep, _, _ := territoryArgs(r)
	msg := "Indiquez le département."
	if dep != "" {
		if _, ok := geo.DepartementByCode(dep); ok {
			return dep, nil
		}
		msg = "Département inconnu."
	}
	return "", &apperr.Error{Code: apperr.Invalid, Message: "La requête est à corriger.", Fields: map[string]string{"departement": msg}}
}

func (s *Server) apiSettingsGet(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	dep, err := settingsDepartement(r)
	if err != nil {
		return err
	}
	st, err := s.Capacity.Settings(r.Context(), dep)
	if err != nil {
		return err
	}
	out := settingsJSON{Departement: dep, StaleDays: map[string]int{}, HoldHours: st.HoldHours}
	for k, v := range st.StaleDays {
		out.StaleDays[string(k)] = v
	}
	return writeJSON(w, http.StatusOK, out)
}

type settingsInputJSON struct {
	StaleDays map[string]int `json:"stale_days"`
	HoldHours int            `json:"hold_hours"`
}

func (s *Server) apiSettingsPut(w http.ResponseWriter, r *http.Request) error {
	dep, err := settingsDepartement(r)
	if err != nil {
		return err
	}
	var b settingsInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	st := capacity.Settings{StaleDays: map[capacity.Kind]int{}, HoldHours: b.HoldHours}
	var v apperr.Validation
	for k, n := range b.StaleDays {
		v.Check(capacity.Kind(k).Valid(), "stale_days/"+k, "Nature inconnue.")
		st.StaleDays[capacity.Kind(k)] = n
	}
	if err := v.ErrSaying("Les réglages n'ont pas été enregistrés : corrigez les champs signalés."); err != nil {
		return err
	}
	if err := s.Capacity.SaveSettings(r.Context(), dep, st); err != nil {
		// The service names "stale_days.respite": a JSON pointer here.
		if e, ok := asInvalid(err); ok {
			fields := map[string]string{}
			for k, m := range e.Fields {
				fields[strings.Replace(k, ".", "/", 1)] = m
			}
			return &apperr.Error{Code: apperr.Invalid, Message: e.Message, Fields: fields}
		}
		return err
	}
	return s.apiSettingsGet(w, r)
}
