// Package indicators computes the territorial dashboards: aggregates by
// département, region and nation over a period, never a child, small
// counts hidden by statistical secrecy (secrecy.go).
package indicators

import (
	"time"

	"passerelle/internal/db"
)

// Service holds the dashboards' use cases; ctx carries the actor.
type Service struct {
	DB *db.DB

	cache cache // dashboards and maps already computed (cache.go)
}

// Level is the reach of a dashboard.
type Level string

const (
	LevelDepartement Level = "departement"
	LevelRegion      Level = "region"
	LevelNational    Level = "national"
)

// Scope is the territory of a dashboard: a département's code, a region's
// code, or no code for the nation.
type Scope struct {
	Level Level
	Code  string
}

// Period is the days a dashboard covers, both included (YYYY-MM-DD).
type Period struct {
	From, To string
}

// Dashboard is every indicator of a territory over a period.
type Dashboard struct {
	Scope  Scope
	Label  string // "Gironde (33)", "Nouvelle-Aquitaine", "France"
	Period Period
	// FreshAt is when the figures were computed (they are pre-aggregated).
	FreshAt time.Time
	// Summary is a few key figures read from the protected tables, for
	// the top of the page.
	Summary    []Figure
	Indicators []Indicator
}

// Figure is a key figure: a cell of an indicator's protected table (so
// hidden where the table hides it), with what it counts.
type Figure struct {
	Label, Unit string
	IndicatorID string
	Value       Cell
}

// Indicator is one figure of the dashboard: its table, already protected
// by statistical secrecy, and the chart drawn from it.
type Indicator struct {
	ID    string // stable, for links, exports and the map: "places", "requests"…
	Title string
	Note  string // how it is computed, in one or two French sentences
	Table Table
}
