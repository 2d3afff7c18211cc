package hsds

// The HSDS 3.0 objects this package writes, with only the fields it fills.
// Names and JSON keys follow schema/*.json; a field is omitempty unless the
// schema requires it. Nested objects leave out the foreign keys (service_id,
// location_id…) that HSDS JSON replaces by nesting.

// Organization is an HSDS organization (schema/organization.json), with the
// services array of the API's compiled organization.
type Organization struct {
	ID                      string                   `json:"id"`
	Name                    string                   `json:"name"`
	AlternateName           string                   `json:"alternate_name,omitempty"`
	Description             string                   `json:"description"`
	Email                   string                   `json:"email,omitempty"`
	Website                 string                   `json:"website,omitempty"`
	ParentOrganizationID    string                   `json:"parent_organization_id,omitempty"`
	Contacts                []ContactPoint           `json:"contacts,omitempty"`
	Locations               []Location               `json:"locations,omitempty"`
	OrganizationIdentifiers []OrganizationIdentifier `json:"organization_identifiers,omitempty"`
	Attributes              []Attribute              `json:"attributes,omitempty"`
	Services                []Service                `json:"services,omitempty"`
}

// OrganizationIdentifier is a third-party identifier such as a FINESS number.
type OrganizationIdentifier struct {
	ID               string `json:"id"`
	IdentifierScheme string `json:"identifier_scheme,omitempty"`
	IdentifierType   string `json:"identifier_type"`
	Identifier       string `json:"identifier"`
}

// Service is an HSDS service (schema/service.json).
type Service struct {
	ID                     string              `json:"id"`
	OrganizationID         string              `json:"organization_id,omitempty"`
	Name                   string              `json:"name"`
	Description            string              `json:"description,omitempty"`
	Status                 string              `json:"status"`
	ApplicationProcess     string              `json:"application_process,omitempty"`
	EligibilityDescription string              `json:"eligibility_description,omitempty"`
	MinimumAge             *int                `json:"minimum_age,omitempty"`
	MaximumAge             *int                `json:"maximum_age,omitempty"`
	AssuredDate            string              `json:"assured_date,omitempty"`
	LastModified           string              `json:"last_modified,omitempty"`
	Organization           *Organization       `json:"organization,omitempty"`
	ServiceAtLocations     []ServiceAtLocation `json:"service_at_locations,omitempty"`
	Languages              []Language          `json:"languages,omitempty"`
	Attributes             []Attribute         `json:"attributes,omitempty"`
}

// ServiceAtLocation links a service to the place where it is delivered.
type ServiceAtLocation struct {
	ID       string    `json:"id"`
	Location *Location `json:"location,omitempty"`
}

// Location is an HSDS location. Latitude and longitude are pointers so that
// "unknown" and "hidden" are absent rather than 0.
type Location struct {
	ID           string     `json:"id"`
	LocationType string     `json:"location_type"`
	Name         string     `json:"name,omitempty"`
	Description  string     `json:"description,omitempty"`
	Latitude     *float64   `json:"latitude,omitempty"`
	Longitude    *float64   `json:"longitude,omitempty"`
	Addresses    []Address  `json:"addresses,omitempty"`
	Schedules    []Schedule `json:"schedules,omitempty"`
}

// Address is an HSDS address; the schema requires all its fields but region.
type Address struct {
	ID            string `json:"id"`
	Address1      string `json:"address_1"`
	City          string `json:"city"`
	StateProvince string `json:"state_province"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	AddressType   string `json:"address_type"`
}

// Schedule is an HSDS schedule: an RFC 5545 rule when one is known, free text
// otherwise.
type Schedule struct {
	ID          string `json:"id"`
	Freq        string `json:"freq,omitempty"`
	ByDay       string `json:"byday,omitempty"`
	Description string `json:"description,omitempty"`
	Notes       string `json:"notes,omitempty"`
}

// ContactPoint is an HSDS contact. Passerelle's contacts are functions
// (secretariat, admissions…), hence the name.
type ContactPoint struct {
	ID     string  `json:"id"`
	Name   string  `json:"name,omitempty"`
	Title  string  `json:"title,omitempty"`
	Email  string  `json:"email,omitempty"`
	Phones []Phone `json:"phones,omitempty"`
}

// Phone is an HSDS phone; Number is kept as the directory writes it.
type Phone struct {
	ID     string `json:"id"`
	Number string `json:"number"`
}

// Language is a language a service is delivered in.
type Language struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Code string `json:"code"`
}

// Attribute applies a taxonomy term, with a value, to the object holding it.
type Attribute struct {
	ID             string        `json:"id"`
	TaxonomyTermID string        `json:"taxonomy_term_id"`
	Value          string        `json:"value,omitempty"`
	TaxonomyTerm   *TaxonomyTerm `json:"taxonomy_term,omitempty"`
}

// TaxonomyTerm is a term of the Passerelle taxonomy (see taxonomy.go).
type TaxonomyTerm struct {
	ID             string    `json:"id"`
	Code           string    `json:"code"`
	Name           string    `json:"name"`
	Description    string    `json:"description"`
	Taxonomy       string    `json:"taxonomy"`
	TaxonomyID     string    `json:"taxonomy_id"`
	Language       string    `json:"language"`
	TaxonomyDetail *Taxonomy `json:"taxonomy_detail,omitempty"`
}

// Taxonomy is an HSDS taxonomy.
type Taxonomy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Version     string `json:"version,omitempty"`
}
