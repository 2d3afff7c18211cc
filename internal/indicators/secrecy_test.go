package indicators

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// table builds a Secret table from counts; rowTotals and colTotals say
// which totals are shown, total whether the grand total is.
func table(counts [][]float64, rowTotals, colTotals, total bool) *Table {
	t := &Table{Secret: true}
	for i, r := range counts {
		t.Rows = append(t.Rows, fmt.Sprint("r", i))
		row := make([]Cell, len(r))
		for j, n := range r {
			row[j] = Cell{N: n}
		}
		t.Cells = append(t.Cells, row)
	}
	for j := range counts[0] {
		t.Columns = append(t.Columns, fmt.Sprint("c", j))
	}
	var grand float64
	if rowTotals {
		for _, r := range counts {
			var s float64
			for _, n := range r {
				s += n
			}
			t.RowTotals = append(t.RowTotals, Cell{N: s})
			grand += s
		}
	}
	if colTotals {
		grand = 0
		for j := range counts[0] {
			var s float64
			for _, r := range counts {
				s += r[j]
			}
			t.ColTotals = append(t.ColTotals, Cell{N: s})
			grand += s
		}
	}
	if rowTotals && colTotals && total {
		t.Total = &Cell{N: grand}
	}
	return t
}

func TestProtectHidesSmallCountsOnly(t *testing.T) {
	tests := []struct {
		name   string
		counts [][]float64
		rt, ct bool
		hidden int // how many figures end hidden
	}{
		{"nothing small", [][]float64{{10, 20}, {30, 40}}, true, true, 0},
		{"zeros stay shown", [][]float64{{0, 20}, {30, 0}}, true, true, 0},
		{"no totals: the small cell alone", [][]float64{{3, 20}, {30, 40}}, false, false, 1},
		{"a column with its total: two cells hidden", [][]float64{{3}, {20}, {30}}, false, true, 2},
		{"a row and its total both small", [][]float64{{3, 0, 0}}, true, false, 2},
		{"2×2 with totals: a cycle of four", [][]float64{{3, 20}, {30, 40}}, true, true, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := table(tt.counts, tt.rt, tt.ct, true)
			Protect(tab)
			n := 0
			for _, c := range figures(tab) {
				if c.Hidden {
					n++
				}
			}
			if n != tt.hidden {
				t.Errorf("%d figures hidden, want %d", n, tt.hidden)
			}
			checkSafe(t, tab)
		})
	}
}

func TestProtectLeavesOtherTablesAlone(t *testing.T) {
	tab := table([][]float64{{3, 20}}, true, false, false)
	tab.Secret = false
	Protect(tab)
	if tab.Cells[0][0].Hidden {
		t.Fatal("a table that does not count children was protected")
	}
}

func TestCellText(t *testing.T) {
	for _, tt := range []struct {
		c    Cell
		want string
	}{
		{Cell{N: 3, Hidden: true, Small: true}, "< 5"},
		{Cell{N: 12, Hidden: true}, "s"},
		{Cell{N: 12}, "12"},
		{Cell{N: 0.5}, "0.5"},
	} {
		if got := tt.c.Text(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.c, got, tt.want)
		}
	}
}

// TestProtectedValuesCannotBeRecomputed draws tables of every shape, with
// or without their totals, protects them and then solves them as a
// reader would, by exhaustive search: every small count must have at least
// two possible values given what is shown.
func TestProtectedValuesCannotBeRecomputed(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 2026))
	for k := range 400 {
		rows, cols := 1+rng.IntN(4), 1+rng.IntN(4)
		counts := make([][]float64, rows)
		for i := range counts {
			counts[i] = make([]float64, cols)
			for j := range counts[i] {
				switch r := rng.IntN(10); {
				case r < 2:
					counts[i][j] = 0
				case r < 5:
					counts[i][j] = float64(1 + rng.IntN(Threshold-1))
				default:
					counts[i][j] = float64(Threshold + rng.IntN(12))
				}
			}
		}
		tab := table(counts, rng.IntN(3) > 0, rng.IntN(3) > 0, rng.IntN(2) == 0)
		Protect(tab)
		t.Run(fmt.Sprint(k), func(t *testing.T) { checkSafe(t, tab) })
	}
}

// figures lists every figure of a table, totals included.
func figures(t *Table) []*Cell {
	var all []*Cell
	for i := range t.Cells {
		for j := range t.Cells[i] {
			all = append(all, &t.Cells[i][j])
		}
	}
	for i := range t.RowTotals {
		all = append(all, &t.RowTotals[i])
	}
	for j := range t.ColTotals {
		all = append(all, &t.ColTotals[j])
	}
	if t.Total != nil {
		all = append(all, t.Total)
	}
	return all
}

// checkSafe is the reader's attack, written apart from Protect: unknowns
// are the hidden figures ("< 5": 1 to 4; "s": Threshold or more), the relations are the shown totals' sums, and
// every small count must take two values over the solutions.
func checkSafe(t *testing.T, tab *Table) {
	t.Helper()
	var unknown []*Cell
	index := map[*Cell]int{}
	maxN := 0.0
	for _, c := range figures(tab) {
		maxN = max(maxN, c.N)
		if c.N > 0 && c.N < Threshold && !(c.Hidden && c.Small) {
			t.Fatalf("a count of %v is shown", c.N)
		}
		if c.Hidden {
			index[c] = len(unknown)
			unknown = append(unknown, c)
		}
	}
	// A relation: terms that add up to zero.
	type term struct {
		c    *Cell
		sign float64
	}
	var relations [][]term
	if tab.RowTotals != nil {
		for i := range tab.Cells {
			r := []term{{&tab.RowTotals[i], -1}}
			for j := range tab.Cells[i] {
				r = append(r, term{&tab.Cells[i][j], 1})
			}
			relations = append(relations, r)
		}
	}
	if tab.ColTotals != nil {
		for j := range tab.Columns {
			r := []term{{&tab.ColTotals[j], -1}}
			for i := range tab.Cells {
				r = append(r, term{&tab.Cells[i][j], 1})
			}
			relations = append(relations, r)
		}
	}
	if tab.RowTotals != nil && tab.ColTotals != nil {
		var r []term
		for i := range tab.RowTotals {
			r = append(r, term{&tab.RowTotals[i], 1})
		}
		for j := range tab.ColTotals {
			r = append(r, term{&tab.ColTotals[j], -1})
		}
		relations = append(relations, r)
		if tab.Total != nil {
			r := []term{{tab.Total, -1}}
			for i := range tab.RowTotals {
				r = append(r, term{&tab.RowTotals[i], 1})
			}
			relations = append(relations, r)
		}
	}
	lo := func(c *Cell) float64 {
		if c.Small {
			return 1
		}
		return Threshold
	}
	hi := func(c *Cell) float64 {
		if c.Small {
			return Threshold - 1
		}
		// The reader knows no upper bound; any bound above the true
		// figures gives fewer solutions than the reader has, so two
		// found here are two for the reader too.
		return maxN + 2*Threshold
	}
	for target, c := range unknown {
		if !c.Small {
			continue
		}
		seen := map[float64]bool{}
		val := make([]float64, len(unknown))
		set := make([]bool, len(unknown))
		var solve func() bool // true when two values of target are seen
		solve = func() bool {
			// A relation with one unknown left gives it; a full one
			// must hold.
			for _, r := range relations {
				free, sum := -1, 0.0
				for _, x := range r {
					if k, ok := index[x.c]; ok && !set[k] {
						if free >= 0 {
							free = -2
							break
						}
						free = k
						continue
					} else if ok {
						sum += x.sign * val[k]
					} else {
						sum += x.sign * x.c.N
					}
				}
				switch {
				case free == -1 && sum != 0:
					return false
				case free >= 0:
					var sign float64
					for _, x := range r {
						if x.c == unknown[free] {
							sign = x.sign
						}
					}
					v := -sum / sign
					if v < lo(unknown[free]) || v > hi(unknown[free]) {
						return false
					}
					val[free], set[free] = v, true
					done := solve()
					set[free] = false
					return done
				}
			}
			for k := range unknown {
				if set[k] {
					continue
				}
				for v := lo(unknown[k]); v <= hi(unknown[k]); v++ {
					val[k], set[k] = v, true
					if solve() {
						set[k] = false
						return true
					}
				}
				set[k] = false
				return false
			}
			seen[val[target]] = true
			return len(seen) >= 2
		}
		if !solve() {
			t.Errorf("a hidden count of %v can be worked out: only %v possible (table %+v)", c.N, keys(seen), tab)
		}
	}
}

func keys(m map[float64]bool) []float64 {
	var out []float64
	for k := range m {
		out = append(out, k)
	}
	return out
}

// BenchmarkProtect protects a dashboard-sized table: twelve months by
// eight kinds with every total, a third of the counts small.
func BenchmarkProtect(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	counts := make([][]float64, 12)
	for i := range counts {
		counts[i] = make([]float64, 8)
		for j := range counts[i] {
			if rng.IntN(3) == 0 {
				counts[i][j] = float64(1 + rng.IntN(Threshold-1))
			} else {
				counts[i][j] = float64(rng.IntN(40))
			}
		}
	}
	for b.Loop() {
		Protect(table(counts, true, true, true))
	}
}
