package geo

import (
	"context"
	"errors"
	"math"
	"time"
)

// Point is a WGS84 position in decimal degrees.
type Point struct {
	Lat, Lng float64
}

// Valid reports whether p is a finite latitude in [-90, 90] and longitude in
// [-180, 180].
func (p Point) Valid() bool {
	return p.Lat >= -90 && p.Lat <= 90 && p.Lng >= -180 && p.Lng <= 180
}

// EarthRadiusKm is the mean Earth radius (IUGG) used by Distance.
const EarthRadiusKm = 6371.0088

// Distance returns the great-circle ("as the crow flies") distance between a
// and b in kilometres, by the haversine formula.
func Distance(a, b Point) float64 {
	const rad = math.Pi / 180
	φ1, φ2 := a.Lat*rad, b.Lat*rad
	dφ, dλ := (b.Lat-a.Lat)*rad, (b.Lng-a.Lng)*rad
	h := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * EarthRadiusKm * math.Asin(math.Sqrt(min(1, h)))
}

// TravelTimer gives the time to drive from one point to another. Estimate
// implements it without any external service; a routing engine (OSRM, …)
// can implement it later.
type TravelTimer interface {
	TravelTime(ctx context.Context, from, to Point) (time.Duration, error)
}

// Errors of travel-time computations.
var (
	// ErrUnreachable: the two points are on different road networks
	// (mainland, Corsica, each overseas département), with no road between.
	ErrUnreachable = errors.New("geo : trajet impossible par la route entre ces deux territoires")
	// ErrInvalidPoint: a coordinate is not a number or out of range.
	ErrInvalidPoint = errors.New("geo : coordonnées invalides")
)

// RoadFactor is the ratio of road distance to straight-line distance assumed
// by Estimate (the "detour index"; French road trips typically range from
// 1.2 on long motorway trips to 1.4 and more in the countryside or hills).
const RoadFactor = 1.3

// speedBands are the average speeds of successive stretches of a road trip:
// the first 5 km of road at 25 km/h (leaving and entering towns, parking),
// the next 25 km at 50 km/h (local and departmental roads through villages),
// up to 100 km at 80 km/h (main roads, dual carriageways), and beyond at
// 110 km/h (motorways with tolls and slowdowns). Each kilometre adds time at
// the speed of its own band, so time grows continuously and strictly with
// distance.
var speedBands = [...]struct{ untilKm, kmh float64 }{
	{5, 25},
	{30, 50},
	{100, 80},
	{math.Inf(1), 110},
}

// roadMinutes returns the estimated driving time for a road distance.
func roadMinutes(km float64) float64 {
	var minutes, from float64
	for _, b := range speedBands {
		if km <= from {
			break
		}
		minutes += (min(km, b.untilKm) - from) / b.kmh * 60
		from = b.untilKm
	}
	return minutes
}

// EstimateMinutes is the estimated driving time from a to b in minutes, for
// bulk use (sorting or filtering thousands of places): Distance × RoadFactor
// driven at the speeds of the distance bands (see docs/travel-time.md). It
// returns +Inf when a and b are on different road networks (RoadNetwork)
// and NaN when a point is invalid. It is an estimate, not a route.
func EstimateMinutes(a, b Point) float64 {
	if !a.Valid() || !b.Valid() {
		return math.NaN()
	}
	if RoadNetwork(a) != RoadNetwork(b) {
		return math.Inf(1)
	}
	return roadMinutes(Distance(a, b) * RoadFactor)
}

// Estimate is a TravelTimer that estimates driving times from straight-line
// distances, without a road graph (see EstimateMinutes). It never calls a
// network service. The zero value is ready to use.
type Estimate struct{}

var _ TravelTimer = Estimate{}

// TravelTime returns the estimated driving time, rounded to the second, or
// ErrUnreachable when from and to are on different road networks, or
// ErrInvalidPoint.
func (Estimate) TravelTime(ctx context.Context, from, to Point) (time.Duration, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m := EstimateMinutes(from, to)
	switch {
	case math.IsNaN(m):
		return 0, ErrInvalidPoint
	case math.IsInf(m, 1):
		return 0, ErrUnreachable
	}
	return time.Duration(math.Round(m*60)) * time.Second, nil
}

// Road networks: places on different networks cannot be reached by road.
const (
	NetworkMainland   = "mainland"   // metropolitan France except Corsica
	NetworkCorsica    = "corsica"    // 2A, 2B
	NetworkGuadeloupe = "guadeloupe" // 971
	NetworkMartinique = "martinique" // 972
	NetworkGuyane     = "guyane"     // 973
	NetworkReunion    = "reunion"    // 974
	NetworkMayotte    = "mayotte"    // 976
)

// networkBoxes are bounding boxes (with a margin) around the communes of each
// non-mainland road network; a test checks every commune against them.
var networkBoxes = [...]struct {
	network                        string
	minLat, maxLat, minLng, maxLng float64
}{
	{NetworkCorsica, 41.3, 43.1, 8.4, 9.7},
	{NetworkGuadeloupe, 15.8, 16.6, -61.9, -60.9},
	{NetworkMartinique, 14.35, 14.9, -61.25, -60.75},
	{NetworkGuyane, 2.0, 6.0, -54.7, -51.5},
	{NetworkReunion, -21.45, -20.85, 55.15, 55.9},
	{NetworkMayotte, -13.05, -12.6, 44.95, 45.35},
}

// RoadNetwork classifies a point: the Network* constant of the island or
// overseas département whose box contains it, NetworkMainland otherwise
// (including any point outside France).
func RoadNetwork(p Point) string {
	for _, b := range networkBoxes {
		if p.Lat >= b.minLat && p.Lat <= b.maxLat && p.Lng >= b.minLng && p.Lng <= b.maxLng {
			return b.network
		}
	}
	return NetworkMainland
}

// DepartementRoadNetwork classifies a département by its code: Corsica (2A,
// 2B), each overseas département on its own, the rest mainland. Codes of
// other overseas territories ("975", "977", …) are returned as they are.
func DepartementRoadNetwork(code string) string {
	switch code {
	case "2A", "2B", "20":
		return NetworkCorsica
	case "971":
		return NetworkGuadeloupe
	case "972":
		return NetworkMartinique
	case "973":
		return NetworkGuyane
	case "974":
		return NetworkReunion
	case "976":
		return NetworkMayotte
	}
	if len(code) == 3 && (code[:2] == "97" || code[:2] == "98") {
		return code
	}
	return NetworkMainland
}

// ReachKm is the largest straight-line distance, in kilometres, whose
// EstimateMinutes is at most minutes: a box of that half-width around a
// point holds every place within that time.
func ReachKm(minutes float64) float64 {
	if minutes <= 0 || math.IsNaN(minutes) {
		return 0
	}
	lo, hi := 0.0, 20000.0
	for range 60 {
		mid := (lo + hi) / 2
		if roadMinutes(mid*RoadFactor) <= minutes {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
