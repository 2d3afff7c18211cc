package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestCompact(t *testing.T) {
	// Two outlines; after "z" a relative move starts from the first
	// outline's start; a point repeated once rounded is dropped.
	path, box, err := compact("m 1,1 2,0 0.1,0 0,2 -2.1,0 z m 10,10 1,0 0,1 z")
	if err != nil {
		t.Fatal(err)
	}
	if want := "M2 2l4 0 0 4 -4 0z" + "M22 22l2 0 0 2z"; path != want {
		t.Errorf("path = %q, want %q", path, want)
	}
	if box != [4]int{2, 2, 24, 24} {
		t.Errorf("box = %v", box)
	}
	if _, _, err := compact("m 1,1 c 1,2 3,4 5,6 z"); err == nil {
		t.Error("a curve was accepted")
	}
}

func TestConvertChecksCodes(t *testing.T) {
	loc := func(id string) string { return fmt.Sprintf(`{"name":"D%s","id":%q,"path":"m 1,1 1,0 0,1 z"}`, id, id) }
	var all []string
	for n := 1; n <= 95; n++ {
		if n != 20 {
			all = append(all, loc(fmt.Sprintf("%02d", n)))
		}
	}
	all = append(all, loc("2A"), loc("2B"))
	doc := func(locs []string) []byte {
		return []byte(`export default {"viewBox":"0 0 613 585","locations":[` + strings.Join(locs, ",") + `]};`)
	}
	out, err := convert(doc(all))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "passerelle-depmap v1 1226 1170\n01\t2,2,4,4\tM2 2l2 0 0 2z\n") {
		t.Errorf("output starts %q", string(out)[:80])
	}
	for name, locs := range map[string][]string{
		"missing":  all[1:],
		"twice":    append(all[1:], all[1]),
		"not code": append(all[1:], loc("20")),
		"overseas": append(all, loc("971")),
	} {
		if _, err := convert(doc(locs)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
