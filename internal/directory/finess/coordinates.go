package finess

import (
	"math"
	"strconv"
	"strings"
)

// Bounds of metropolitan France and Corsica, with a margin: a position outside
// them is a misread, not an establishment.
const (
	metroMinLat, metroMaxLat = 41.0, 51.5
	metroMinLng, metroMaxLng = -5.5, 10.0
)

// Ranges that Lambert-93 eastings and northings take over the same area.
const (
	l93MinX, l93MaxX = 0, 1_300_000
	l93MinY, l93MaxY = 6_000_000, 7_200_000
)

func inMetro(lat, lng float64) bool {
	return lat >= metroMinLat && lat <= metroMaxLat && lng >= metroMinLng && lng <= metroMaxLng
}

// parseNumber reads a coordinate written with a point or a comma.
func parseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// fromLambert93 converts a metropolitan pair given in either order (the JSON
// flow swaps X and Y) and checks the result falls in metropolitan France.
func fromLambert93(a, b float64) (lat, lng float64, ok bool) {
	x, y := a, b
	if y < l93MinY || y > l93MaxY {
		x, y = b, a
	}
	if x < l93MinX || x > l93MaxX || y < l93MinY || y > l93MaxY {
		return 0, 0, false
	}
	lat, lng = Lambert93ToWGS84(x, y)
	return lat, lng, inMetro(lat, lng)
}

// fromDegrees accepts a latitude/longitude pair. In metropolitan France the
// two ranges do not overlap, so a swapped pair is recognised and put right;
// overseas the given order is trusted.
func fromDegrees(lat, lng float64, metro bool) (float64, float64, bool) {
	if math.Abs(lat) > 90 || math.Abs(lng) > 180 || (lat == 0 && lng == 0) {
		return 0, 0, false
	}
	switch {
	case !metro:
		return lat, lng, true
	case inMetro(lat, lng):
		return lat, lng, true
	case inMetro(lng, lat):
		return lng, lat, true
	}
	return 0, 0, false
}

// jsonCoordinates picks a position from a JSON address. The schema means
// coordonneeX/Y as projected metres and directionLatitude/Longitude as
// degrees, but the published flow swaps X and Y and sometimes puts each pair
// in the other's fields (ansforge/finess issue 24), so each pair is read for
// what its values are. Only metropolitan positions are converted from
// Lambert-93: overseas projected coordinates (UTM zones) are not read.
func jsonCoordinates(g jsonGeo, metro bool) (lat, lng float64, ok bool) {
	pairs := [2][2]string{
		{string(g.Latitude), string(g.Longitude)},
		{string(g.Y), string(g.X)},
	}
	for _, p := range pairs {
		a, okA := parseNumber(p[0])
		b, okB := parseNumber(p[1])
		if !okA || !okB {
			continue
		}
		if lat, lng, ok := fromDegrees(a, b, metro); ok {
			return lat, lng, true
		}
		if metro {
			if lat, lng, ok := fromLambert93(a, b); ok {
				return lat, lng, true
			}
		}
	}
	return 0, 0, false
}

// csvCoordinates converts a geolocalisation line's coordinates. Its
// sourcecoordet names the system: "…,EPSG:2154 RGF93 / Lambert-93 (Métropole)"
// in metropolitan France, while overseas uses UTM zones ("EPSG:5490 RGAF09/UTM
// Zone 20N (Antilles)", "EPSG:4471 RGM04/UTM zone 38S (Mayotte)"…), which are
// deliberately not converted: HasCoordinates stays false rather than wrong.
func csvCoordinates(x, y, source string, metro bool) (lat, lng float64, ok bool) {
	if !metro || !lambertSource(source) {
		return 0, 0, false
	}
	a, okA := parseNumber(x)
	b, okB := parseNumber(y)
	if !okA || !okB {
		return 0, 0, false
	}
	return fromLambert93(a, b)
}

// lambertSource reports whether sourcecoordet names Lambert-93, or names
// nothing (older extracts), in which case the metropolitan ranges decide.
func lambertSource(source string) bool {
	s := strings.ToUpper(source)
	if strings.TrimSpace(s) == "" {
		return true
	}
	if strings.Contains(s, "EPSG:2154") {
		return true
	}
	if strings.Contains(s, "EPSG:") {
		return false
	}
	s = strings.NewReplacer("-", "", "_", "", " ", "").Replace(s)
	return strings.Contains(s, "LAMBERT93")
}
