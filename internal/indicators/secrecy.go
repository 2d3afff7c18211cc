package indicators

import (
	"container/heap"
	"math"
)

// Threshold is the statistical secrecy threshold: a count of fewer
// children than this is never shown.
const Threshold = 5

// Protect hides, in a Secret table, every count from 1 to Threshold-1
// (primary suppression), then enough other cells that no hidden count can
// be worked out from what is shown (secondary suppression). Zeros stay
// shown. A table that is not Secret is left alone.
//
// The table and its totals are linear relations: each row's cells add up
// to the row's total, each column's to the column's, the totals to the
// grand total. Whoever reads the table knows them, and also that a cell
// marked "< 5" holds 1 to Threshold-1 and that a cell marked "s" holds at
// least Threshold (secondary cells are chosen among those). A hidden count
// is safe when another solution of those relations and bounds exists in
// which it differs: Protect hides cells until each small count has one,
// and that solution, a witness, is found by walking a cycle of hidden
// cells (see witness). Cells are chosen so that as little is hidden as
// possible: the cheapest cycle first, cells of the table before totals.
func Protect(t *Table) {
	if !t.Secret {
		return
	}
	g := newGraph(t)
	for _, e := range g.edges {
		if e.cell != nil && e.cell.N > 0 && e.cell.N < Threshold {
			e.cell.Hidden, e.cell.Small = true, true
		}
	}
	for _, p := range g.edges {
		if p.cell == nil || !p.cell.Small {
			continue
		}
		for !g.witness(p) {
			if g.hideCycle(p) {
				continue
			}
			if !g.hideNear(p) {
				break // nothing left to hide: every non-zero cell is
			}
		}
	}
	g.showDeadEnds()
}

// showDeadEnds shows again the secondary cells that protect nothing: a
// hidden figure alone among the terms of a relation is that relation's
// other terms added up, so hiding it only prints "s" for a value anyone
// can work out. Such a figure is on no cycle, so no witness went through
// it. Showing one may leave another alone: repeat until none is.
func (g *graph) showDeadEnds() {
	for changed := true; changed; {
		changed = false
		for n := ground + 1; n < g.nodes; n++ {
			var only *edge
			count := 0
			for _, e := range g.adj[n] {
				// The grand total no one shows is unknown to the
				// reader here (Protect's witnesses count it as known,
				// which only makes them harder to find).
				if e.hidden() || e.cell == nil {
					count, only = count+1, e
				}
			}
			if count == 1 && only.cell != nil && !only.cell.Small {
				only.cell.Hidden = false
				changed = true
			}
		}
	}
}

// edge is a figure of the table in the graph of its relations: a cell
// joins its row and its column; a row's total joins the row and the
// "totals" column; a column's total joins the "totals" row and the column;
// the grand total joins the two. Lines without a relation (rows when no
// row total is shown…) are all one node, the ground, which constrains
// nothing.
type edge struct {
	cell *Cell // nil for the grand total no one shows
	u, v int
	// sign turns the figure into the relation's term: +1 for the cells
	// and the grand total, -1 for the rows' and columns' totals, so that
	// every relation says its terms add up to zero.
	sign   float64
	margin bool
}

type graph struct {
	edges []*edge
	nodes int
	adj   [][]*edge
	// witnessed: small counts already known to differ in another solution.
	witnessed map[*edge]bool
}

const ground = 0

func newGraph(t *Table) *graph {
	g := &graph{nodes: 1, witnessed: map[*edge]bool{}}
	node := func(constrained bool) int {
		if !constrained {
			return ground
		}
		g.nodes++
		return g.nodes - 1
	}
	rowTotals, colTotals := t.RowTotals != nil, t.ColTotals != nil
	both := rowTotals && colTotals
	rows := make([]int, len(t.Rows))
	for i := range rows {
		rows[i] = node(rowTotals)
	}
	cols := make([]int, len(t.Columns))
	for j := range cols {
		cols[j] = node(colTotals)
	}
	// The totals row and column relate to each other through the grand
	// total, which exists (shown or not) as soon as both are shown.
	totalsRow, totalsCol := node(both), node(both)
	add := func(c *Cell, u, v int, sign float64, margin bool) {
		g.edges = append(g.edges, &edge{cell: c, u: u, v: v, sign: sign, margin: margin})
	}
	for i := range t.Cells {
		for j := range t.Cells[i] {
			if i < len(rows) && j < len(cols) {
				add(&t.Cells[i][j], rows[i], cols[j], 1, false)
			}
		}
	}
	for i := range t.RowTotals {
		if i < len(rows) {
			add(&t.RowTotals[i], rows[i], totalsCol, -1, true)
		}
	}
	for j := range t.ColTotals {
		if j < len(cols) {
			add(&t.ColTotals[j], totalsRow, cols[j], -1, true)
		}
	}
	if both {
		// An unshown grand total is still known: it is the sum of the
		// shown totals. It is an edge whose cell is nil, never hidden.
		add(t.Total, totalsRow, totalsCol, 1, true)
	}
	g.adj = make([][]*edge, g.nodes)
	for _, e := range g.edges {
		g.adj[e.u] = append(g.adj[e.u], e)
		if e.v != e.u {
			g.adj[e.v] = append(g.adj[e.v], e)
		}
	}
	return g
}

// hidden: the figure is unknown to the reader.
func (e *edge) hidden() bool { return e.cell != nil && e.cell.Hidden }

// value is the figure; a grand total no one shows counts as 0 (it is
// never hidden, so its value is never moved).
func (e *edge) value() float64 {
	if e.cell == nil {
		return 0
	}
	return e.cell.N
}

// fits: the figure moved by d stays within what the reader knows of it.
func (e *edge) fits(d float64) bool {
	n := e.value() + d
	switch {
	case e.cell.Small:
		return n >= 1 && n <= Threshold-1
	case e.value() >= Threshold:
		return n >= Threshold
	}
	return n >= 0
}

// maxSteps bounds the search for a witness; past it, Protect hides more,
// which is safe.
const maxSteps = 3000

// witness reports whether another solution exists in which p differs: a
// simple cycle of hidden figures through p, along which the relations'
// terms move by +1 and -1 in turn (each relation it crosses keeps its sum),
// and every figure stays within its bounds. At the ground the turn may
// start again with either sign, since the ground relates nothing. The
// small counts of the cycle found differ too in that solution: they are
// marked, and need no search of their own.
func (g *graph) witness(p *edge) bool {
	if g.witnessed[p] {
		return true
	}
	if p.u == ground && p.v == ground {
		return p.fits(1) || p.fits(-1) // in no relation: free
	}
	// The four ways to move the cycle: p's term t = ±1, and the sign
	// taken again after the ground, ±t. Each walk keeps the term of the
	// last edge for each way still possible.
	type ways struct {
		alive [4]bool
		term  [4]float64
	}
	var start ways
	for w := range 4 {
		t := float64(1 - 2*(w&1))
		start.alive[w], start.term[w] = p.fits(t*p.sign), t
	}
	visited := make([]bool, g.nodes)
	var path []*edge
	steps := 0
	var walk func(at int, ws ways) bool
	walk = func(at int, ws ways) bool {
		if at == p.v {
			for w := range 4 {
				t := float64(1 - 2*(w&1))
				if ws.alive[w] && (at == ground || ws.term[w]+t == 0) {
					return true
				}
			}
			return false
		}
		if steps++; steps > maxSteps {
			return false
		}
		visited[at] = true
		defer func() { visited[at] = false }()
		for _, e := range g.adj[at] {
			if e == p || !e.hidden() {
				continue
			}
			next := e.u
			if next == at {
				next = e.v
			}
			if visited[next] && next != p.v {
				continue
			}
			nw, any := ws, false
			for w := range 4 {
				if !nw.alive[w] {
					continue
				}
				if at == ground {
					nw.term[w] = float64(1-2*(w>>1)) * float64(1-2*(w&1))
				} else {
					nw.term[w] = -nw.term[w]
				}
				nw.alive[w] = e.fits(nw.term[w] * e.sign)
				any = any || nw.alive[w]
			}
			if !any {
				continue
			}
			path = append(path, e)
			ok := walk(next, nw)
			if ok {
				for _, x := range path {
					if x.cell.Small {
						g.witnessed[x] = true
					}
				}
				return true
			}
			path = path[:len(path)-1]
		}
		return false
	}
	if walk(p.u, start) {
		g.witnessed[p] = true
		return true
	}
	return false
}

// cost of hiding a figure: shown cells of at least Threshold only (zeros
// stay shown, small ones are hidden already); totals last.
func (e *edge) cost() (float64, bool) {
	switch {
	case e.cell == nil:
		return 0, false
	case e.cell.Hidden:
		return 0, true
	case e.cell.N < Threshold:
		return 0, false
	case e.margin:
		return 1e9 + e.cell.N, true
	}
	return e.cell.N, true
}

// hideCycle hides the shown figures of the cheapest cycle through p and
// reports whether it hid any.
func (g *graph) hideCycle(p *edge) bool {
	dist := make([]float64, g.nodes)
	via := make([]*edge, g.nodes)
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	dist[p.u] = 0
	q := &queue{{p.u, 0}}
	for q.Len() > 0 {
		it := heap.Pop(q).(item)
		if it.d > dist[it.node] {
			continue
		}
		for _, e := range g.adj[it.node] {
			c, ok := e.cost()
			if e == p || !ok {
				continue
			}
			next := e.u
			if next == it.node {
				next = e.v
			}
			if d := it.d + c; d < dist[next] {
				dist[next], via[next] = d, e
				heap.Push(q, item{next, d})
			}
		}
	}
	if math.IsInf(dist[p.v], 1) || dist[p.v] == 0 {
		return false
	}
	for at := p.v; at != p.u; {
		e := via[at]
		e.cell.Hidden = true
		if e.u == at {
			at = e.v
		} else {
			at = e.u
		}
	}
	return true
}

// hideNear hides the cheapest shown figure touching the hidden figures
// joined to p, or else anywhere; it reports whether it hid one.
func (g *graph) hideNear(p *edge) bool {
	near := make([]bool, g.nodes)
	stack := []int{p.u, p.v}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if near[n] {
			continue
		}
		near[n] = true
		for _, e := range g.adj[n] {
			if e.hidden() {
				stack = append(stack, e.u, e.v)
			}
		}
	}
	var best *edge
	bestCost := 0.0
	for _, wantNear := range []bool{true, false} {
		for _, e := range g.edges {
			c, ok := e.cost()
			if !ok || e.hidden() || (wantNear && !near[e.u] && !near[e.v]) {
				continue
			}
			if best == nil || c < bestCost {
				best, bestCost = e, c
			}
		}
		if best != nil {
			best.cell.Hidden = true
			return true
		}
	}
	return false
}

type item struct {
	node int
	d    float64
}

type queue []item

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].d < q[j].d }
func (q queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)        { *q = append(*q, x.(item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
