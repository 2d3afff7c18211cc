package finess

import "math"

// lcc is a Lambert conformal conic projection with two standard parallels,
// reduced to the constants of IGN's algorithms (notes NTG_71: ALG0054 for the
// constants, ALG0004 for the inverse): n the cone constant, c the projection
// constant, (xs, ys) the pole's projected coordinates.
type lcc struct {
	e, n, c, xs, ys, lon0 float64
}

// lambert93 is EPSG:2154 (RGF93 / Lambert-93): GRS80 ellipsoid, standard
// parallels 44°N and 49°N, origin 46°30'N 3°E, false easting 700 000 m and
// false northing 6 600 000 m. IGN publishes n = 0.7256077650,
// c = 11 754 255.426 m, Xs = 700 000 m, Ys = 12 655 612.050 m; the test
// checks these are what newLCC computes.
var lambert93 = newLCC(6378137, 1/298.257222101, 44, 49, 46.5, 3, 700000, 6600000)

func newLCC(a, f, lat1, lat2, lat0, lon0, x0, y0 float64) lcc {
	e := math.Sqrt(f * (2 - f))
	phi1, phi2 := radians(lat1), radians(lat2)
	m := func(phi float64) float64 {
		s := math.Sin(phi)
		return math.Cos(phi) / math.Sqrt(1-e*e*s*s)
	}
	l1, l2 := isometricLatitude(phi1, e), isometricLatitude(phi2, e)
	n := math.Log(m(phi1)/m(phi2)) / (l2 - l1)
	c := a * m(phi1) / n * math.Exp(n*l1)
	ys := y0 + c*math.Exp(-n*isometricLatitude(radians(lat0), e))
	return lcc{e: e, n: n, c: c, xs: x0, ys: ys, lon0: radians(lon0)}
}

// isometricLatitude is IGN's ALG0001.
func isometricLatitude(phi, e float64) float64 {
	s := e * math.Sin(phi)
	return math.Log(math.Tan(math.Pi/4+phi/2) * math.Pow((1-s)/(1+s), e/2))
}

// inverse turns projected metres into geographic degrees (ALG0004, with the
// latitude found from the isometric latitude by ALG0002's fixed point).
func (p lcc) inverse(x, y float64) (lat, lng float64) {
	dx, dy := x-p.xs, y-p.ys
	r := math.Hypot(dx, dy)
	gamma := math.Atan2(dx, -dy)
	lon := p.lon0 + gamma/p.n
	iso := -math.Log(r/p.c) / p.n
	expIso := math.Exp(iso)
	phi := 2*math.Atan(expIso) - math.Pi/2
	for range 20 {
		s := p.e * math.Sin(phi)
		next := 2*math.Atan(math.Pow((1+s)/(1-s), p.e/2)*expIso) - math.Pi/2
		if math.Abs(next-phi) < 1e-12 {
			phi = next
			break
		}
		phi = next
	}
	return degrees(phi), degrees(lon)
}

// Lambert93ToWGS84 converts Lambert-93 coordinates (EPSG:2154, metres) to
// latitude and longitude in degrees. The result is in RGF93, which matches
// WGS84 to better than a metre, so no datum shift is applied. Lambert-93 is
// defined for metropolitan France and Corsica only.
func Lambert93ToWGS84(x, y float64) (lat, lng float64) {
	return lambert93.inverse(x, y)
}

func radians(d float64) float64 { return d * math.Pi / 180 }
func degrees(r float64) float64 { return r * 180 / math.Pi }
