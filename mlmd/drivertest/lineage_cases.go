package drivertest

// Lineage: GetLineageSubgraph, GetLineageGraph, Provenance, Descendants.
// The graphs and the expected answers are those of MLMD's lineage tests
// (metadata_store_test.cc and metadata_access_object_test.cc); UPSTREAM.md
// maps them.

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

var lineageCases = []testCase{
	{name: "Lineage/SubgraphFromArtifactsByHops", run: testSubgraphFromArtifactsByHops},
	{name: "Lineage/SubgraphFromExecutionsByHops", run: testSubgraphFromExecutionsByHops},
	{name: "Lineage/SubgraphFromArtifactsByDirection", run: testSubgraphFromArtifactsByDirection},
	{name: "Lineage/SubgraphFromExecutionsByDirection", run: testSubgraphFromExecutionsByDirection},
	{name: "Lineage/SubgraphEndingNodes", run: testSubgraphEndingNodes},
	{name: "Lineage/SubgraphContexts", run: testSubgraphContexts},
	{name: "Lineage/SubgraphLargeFanOut", run: testSubgraphLargeFanOut},
	{name: "Lineage/SubgraphErrors", run: testSubgraphErrors},
	{name: "Lineage/SubgraphDiamond", run: testSubgraphDiamond},
	{name: "Lineage/SubgraphDiamondEndingNodes", run: testSubgraphDiamondEndingNodes},
	{name: "Lineage/SubgraphArtifactsOnly", run: testSubgraphArtifactsOnly},
	{name: "Lineage/SubgraphReadMask", run: testSubgraphReadMask},
	{name: "Lineage/SubgraphDirectional", run: testSubgraphDirectional},
	{name: "Lineage/SubgraphNodesAndTypes", run: testSubgraphNodesAndTypes},
	{name: "Lineage/ProvenanceAndDescendants", run: testProvenanceAndDescendants},
	{name: "Lineage/GraphByHops", run: testGraphByHops},
	{name: "Lineage/GraphNodeSize", run: testGraphNodeSize},
	{name: "Lineage/GraphBoundaries", run: testGraphBoundaries},
	{name: "Lineage/GraphErrors", run: testGraphErrors},
	{name: "Lineage/GraphDiamond", run: testGraphDiamond},
	{name: "Lineage/GraphBoundaryAliases", run: testGraphBoundaryAliases},
	{name: "Lineage/GraphArtifactsOnly", run: testGraphArtifactsOnly},
	{name: "Lineage/GraphBoundaryFanOut", run: testGraphBoundaryFanOut},
}

// ---- fixtures ----------------------------------------------------------------

// lgraph is a lineage fixture: the ids of its nodes by index, so that
// expectations read as in MLMD's tests (a4 is artifacts[4]).
type lgraph struct {
	t          *testing.T
	s          *mlmd.Store
	at, et, ct int64
	a, e, c    []int64
}

// newLGraph registers the fixture types: artifact type t1 {p1}, execution
// type t2 {p2}, context type t3 {p3}, all string properties.
func newLGraph(t *testing.T, s *mlmd.Store) *lgraph {
	t.Helper()
	res, err := s.PutTypes(t.Context(), mlmd.Types{
		ArtifactTypes:  []mlmd.ArtifactType{{Name: "t1", Properties: props("p1", mlmd.PropertyString)}},
		ExecutionTypes: []mlmd.ExecutionType{{Name: "t2", Properties: props("p2", mlmd.PropertyString)}},
		ContextTypes:   []mlmd.ContextType{{Name: "t3", Properties: props("p3", mlmd.PropertyString)}},
	}, nil)
	ok(t, err, "put types")
	return &lgraph{t: t, s: s, at: res.ArtifactTypeIDs[0], et: res.ExecutionTypeIDs[0], ct: res.ContextTypeIDs[0]}
}

// artifact stores artifact number len(g.a), with uri uri://foo/a<i> and
// p1 = a<i>.
func (g *lgraph) artifact(state mlmd.ArtifactState) {
	g.t.Helper()
	i := len(g.a)
	label := fmt.Sprintf("a%d", i)
	ids, err := g.s.PutArtifacts(g.t.Context(), []mlmd.Artifact{{
		TypeID: g.at, URI: "uri://foo/" + label, State: state, Properties: pv("p1", str(label)),
	}}, nil)
	ok(g.t, err, "put "+label)
	g.a = append(g.a, ids[0])
}

// context stores context number len(g.c), named c<i> with p3 = c<i>.
func (g *lgraph) context() {
	g.t.Helper()
	label := fmt.Sprintf("c%d", len(g.c))
	ids, err := g.s.PutContexts(g.t.Context(), []mlmd.Context{{TypeID: g.ct, Name: label, Properties: pv("p3", str(label))}}, nil)
	ok(g.t, err, "put "+label)
	g.c = append(g.c, ids[0])
}

// execution stores execution number len(g.e) with p2 = e<i>, as MLMD's
// fixtures do with PutExecution: INPUT events from the inputs, OUTPUT
// events to the outputs, and, if context >= 0, in that context.
func (g *lgraph) execution(inputs, outputs []int, context int) {
	g.t.Helper()
	label := fmt.Sprintf("e%d", len(g.e))
	var aes []mlmd.ArtifactAndEvent
	for _, i := range inputs {
		aes = append(aes, mlmd.ArtifactAndEvent{Event: &mlmd.Event{ArtifactID: g.a[i], Type: mlmd.EventInput}})
	}
	for _, i := range outputs {
		aes = append(aes, mlmd.ArtifactAndEvent{Event: &mlmd.Event{ArtifactID: g.a[i], Type: mlmd.EventOutput}})
	}
	var cs []mlmd.Context
	if context >= 0 {
		cs = []mlmd.Context{{ID: g.c[context], TypeID: g.ct, Name: fmt.Sprintf("c%d", context), Properties: pv("p3", str(fmt.Sprintf("c%d", context)))}}
	}
	res, err := g.s.PutExecution(g.t.Context(), mlmd.Execution{TypeID: g.et, Properties: pv("p2", str(label))}, aes, cs, nil)
	ok(g.t, err, "put "+label)
	g.e = append(g.e, res.ExecutionID)
}

// bareNodes stores n artifacts and m executions (named e<i>, with p2 =
// e<i>) without events, in two batch calls.
func (g *lgraph) bareNodes(n, m int) {
	g.t.Helper()
	var as []mlmd.Artifact
	for i := len(g.a); i < len(g.a)+n; i++ {
		label := fmt.Sprintf("a%d", i)
		as = append(as, mlmd.Artifact{TypeID: g.at, URI: "uri://foo/" + label, Properties: pv("p1", str(label))})
	}
	var es []mlmd.Execution
	for i := len(g.e); i < len(g.e)+m; i++ {
		label := fmt.Sprintf("e%d", i)
		es = append(es, mlmd.Execution{TypeID: g.et, Name: label, Properties: pv("p2", str(label))})
	}
	if n > 0 {
		ids, err := g.s.PutArtifacts(g.t.Context(), as, nil)
		ok(g.t, err, "put artifacts")
		g.a = append(g.a, ids...)
	}
	if m > 0 {
		ids, err := g.s.PutExecutions(g.t.Context(), es, nil)
		ok(g.t, err, "put executions")
		g.e = append(g.e, ids...)
	}
}

// events stores events between artifacts and executions by index.
func (g *lgraph) events(evs ...lev) {
	g.t.Helper()
	var out []mlmd.Event
	for _, ev := range evs {
		out = append(out, mlmd.Event{ArtifactID: g.a[ev.a], ExecutionID: g.e[ev.e], Type: ev.typ})
	}
	ok(g.t, g.s.PutEvents(g.t.Context(), out), "put events")
}

// lev is an event by fixture indexes.
type lev struct {
	a, e int
	typ  mlmd.EventType
}

// pipeline6 is MLMD's lineage test graph (CreateLineageGraph):
//
//	a0   a1      a3
//	|      \    /    \
//	e0      e1        e3
//	                /    \
//	   a2    a4(LIVE)     a5
//	     \   /
//	      e2
//
// with a3 DELETED; every edge above a node is an INPUT into the execution
// below, every edge below an execution an OUTPUT.
func pipeline6(t *testing.T, s *mlmd.Store) *lgraph {
	g := newLGraph(t, s)
	for _, st := range []mlmd.ArtifactState{mlmd.ArtifactStateUnknown, mlmd.ArtifactStateUnknown,
		mlmd.ArtifactStateUnknown, mlmd.ArtifactStateDeleted, mlmd.ArtifactStateLive} {
		g.artifact(st)
	}
	g.execution([]int{0}, nil, -1)
	g.execution([]int{1}, []int{3}, -1)
	g.execution([]int{2}, []int{4}, -1)
	g.artifact(mlmd.ArtifactStateUnknown)
	g.execution([]int{3, 4}, []int{5}, -1)
	return g
}

// longChain is MLMD's CreateLongLineageGraph: a0 -> e0 -> a1 -> e1 -> a2
// -> e2 -> a3, with e<i> and its input and output in context c<i>.
func longChain(t *testing.T, s *mlmd.Store) *lgraph {
	g := newLGraph(t, s)
	for range 4 {
		g.artifact(mlmd.ArtifactStateUnknown)
	}
	for range 3 {
		g.context()
	}
	for i := range 3 {
		g.execution([]int{i}, []int{i + 1}, i)
	}
	return g
}

// diamond is the graph of MLMD's access-object lineage tests:
//
//	a0 -> e0 -> a1
//	 \            \
//	  ------------> e1
//
// events: 0 = a0-e0 INPUT, 1 = a0-e1 INPUT, 2 = a1-e0 OUTPUT, 3 = a1-e1 INPUT.
func diamond(t *testing.T, s *mlmd.Store) *lgraph {
	g := newLGraph(t, s)
	g.bareNodes(2, 2)
	g.events(lev{0, 0, mlmd.EventInput}, lev{0, 1, mlmd.EventInput}, lev{1, 0, mlmd.EventOutput}, lev{1, 1, mlmd.EventInput})
	return g
}

// ---- comparisons ---------------------------------------------------------------

// lshape is a lineage graph in fixture indexes: artifacts, executions,
// contexts and events (artifact, execution) pairs, each sorted.
type lshape struct {
	A, E, C []int
	Ev      [][2]int
}

func (s lshape) String() string {
	return fmt.Sprintf("artifacts %v executions %v contexts %v events %v", s.A, s.E, s.C, s.Ev)
}

func indexOf(ids []int64, id int64) int {
	if i := slices.Index(ids, id); i >= 0 {
		return i
	}
	return -1000 - int(id) // not a fixture node: shows up in the diff
}

func (g *lgraph) shape(lg mlmd.LineageGraph) lshape {
	var s lshape
	for _, a := range lg.Artifacts {
		s.A = append(s.A, indexOf(g.a, a.ID))
	}
	for _, e := range lg.Executions {
		s.E = append(s.E, indexOf(g.e, e.ID))
	}
	for _, c := range lg.Contexts {
		s.C = append(s.C, indexOf(g.c, c.ID))
	}
	for _, ev := range lg.Events {
		s.Ev = append(s.Ev, [2]int{indexOf(g.a, ev.ArtifactID), indexOf(g.e, ev.ExecutionID)})
	}
	slices.Sort(s.A)
	slices.Sort(s.E)
	slices.Sort(s.C)
	slices.SortFunc(s.Ev, func(x, y [2]int) int { return cmpPair(x, y) })
	return s
}

func cmpPair(x, y [2]int) int {
	if x[0] != y[0] {
		return x[0] - y[0]
	}
	return x[1] - y[1]
}

func sortedShape(s lshape) lshape {
	s.A, s.E, s.C = slices.Clone(s.A), slices.Clone(s.E), slices.Clone(s.C)
	s.Ev = slices.Clone(s.Ev)
	slices.Sort(s.A)
	slices.Sort(s.E)
	slices.Sort(s.C)
	slices.SortFunc(s.Ev, cmpPair)
	return s
}

// wantShape compares the nodes and events of a graph (contexts only if
// want.C is not nil).
func (g *lgraph) wantShape(what string, got mlmd.LineageGraph, want lshape) {
	g.t.Helper()
	gs := g.shape(got)
	want = sortedShape(want)
	if want.C == nil {
		gs.C = nil
	}
	if fmt.Sprint(gs) != fmt.Sprint(want) {
		g.t.Errorf("%s:\n got %v\nwant %v", what, gs, want)
	}
}

// hops returns a *int64 for MaxNumHops.
func hops(n int64) *int64 { return &n }

// starting returns the starting nodes that a filter query matches.
func starting(filter string) *mlmd.StartingNodes {
	return &mlmd.StartingNodes{FilterQuery: filter}
}

// ---- GetLineageSubgraph ----------------------------------------------------------

// testSubgraphFromArtifactsByHops: MLMD's GetLineageSubgraphFromArtifactsWithMaxHops.
func testSubgraphFromArtifactsByHops(t *testing.T, s *mlmd.Store) {
	g := pipeline6(t, s)
	for _, c := range []struct {
		hops *int64
		want lshape
	}{
		{hops(0), lshape{A: []int{4}}},
		{hops(1), lshape{A: []int{4}, E: []int{2, 3}, Ev: [][2]int{{4, 2}, {4, 3}}}},
		{hops(2), lshape{A: []int{2, 3, 4, 5}, E: []int{2, 3}, Ev: [][2]int{{4, 2}, {4, 3}, {2, 2}, {3, 3}, {5, 3}}}},
		{hops(3), lshape{A: []int{2, 3, 4, 5}, E: []int{1, 2, 3}, Ev: [][2]int{{4, 2}, {4, 3}, {2, 2}, {3, 3}, {5, 3}, {3, 1}}}},
		{hops(4), lshape{A: []int{1, 2, 3, 4, 5}, E: []int{1, 2, 3}, Ev: [][2]int{{4, 2}, {4, 3}, {2, 2}, {3, 3}, {5, 3}, {3, 1}, {1, 1}}}},
		{nil, lshape{A: []int{1, 2, 3, 4, 5}, E: []int{1, 2, 3}, Ev: [][2]int{{4, 2}, {4, 3}, {2, 2}, {3, 3}, {5, 3}, {3, 1}, {1, 1}}}},
	} {
		got, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{
			StartingArtifacts: starting("uri = 'uri://foo/a4'"), MaxNumHops: c.hops,
		})
		ok(t, err, "subgraph")
		g.wantShape(fmt.Sprintf("hops %v", hopsString(c.hops)), got, c.want)
	}
}

func hopsString(h *int64) string {
	if h == nil {
		return "unset"
	}
	return fmt.Sprint(*h)
}

// testSubgraphFromExecutionsByHops: MLMD's GetLineageSubgraphFromExecutionsWithMaxHops.
func testSubgraphFromExecutionsByHops(t *testing.T, s *mlmd.Store) {
	g := pipeline6(t, s)
	all := lshape{A: []int{0, 1, 2, 3, 4, 5}, E: []int{0, 1, 2, 3},
		Ev: [][2]int{{0, 0}, {1, 1}, {3, 1}, {2, 2}, {4, 2}, {3, 3}, {4, 3}, {5, 3}}}
	for _, c := range []struct {
		hops *int64
		want lshape
	}{
		{hops(0), lshape{E: []int{0, 1, 2}}},
		{hops(1), lshape{A: []int{0, 1, 2, 3, 4}, E: []int{0, 1, 2}, Ev: [][2]int{{0, 0}, {1, 1}, {3, 1}, {2, 2}, {4, 2}}}},
		{hops(2), lshape{A: []int{0, 1, 2, 3, 4}, E: []int{0, 1, 2, 3}, Ev: [][2]int{{0, 0}, {1, 1}, {3, 1}, {2, 2}, {4, 2}, {3, 3}, {4, 3}}}},
		{hops(3), all},
		{nil, all},
	} {
		got, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{
			StartingExecutions: starting("properties.p2.string_value = 'e0' OR properties.p2.string_value = 'e1' OR properties.p2.string_value = 'e2'"),
			MaxNumHops:         c.hops,
		})
		ok(t, err, "subgraph")
		g.wantShape(fmt.Sprintf("hops %v", hopsString(c.hops)), got, c.want)
	}
}

// testSubgraphFromArtifactsByDirection: MLMD's GetLineageSubgraphFromArtifactsWithDirection.
func testSubgraphFromArtifactsByDirection(t *testing.T, s *mlmd.Store) {
	g := pipeline6(t, s)
	down := lshape{A: []int{4, 5}, E: []int{3}, Ev: [][2]int{{4, 3}, {5, 3}}}
	up := lshape{A: []int{2, 4}, E: []int{2}, Ev: [][2]int{{4, 2}, {2, 2}}}
	for _, c := range []struct {
		dir  mlmd.LineageDirection
		hops int64
		want lshape
	}{
		{mlmd.Downstream, 1, lshape{A: []int{4}, E: []int{3}, Ev: [][2]int{{4, 3}}}},
		{mlmd.Upstream, 1, lshape{A: []int{4}, E: []int{2}, Ev: [][2]int{{4, 2}}}},
		{mlmd.Downstream, 2, down},
		{mlmd.Upstream, 2, up},
		{mlmd.Downstream, 100, down},
		{mlmd.Upstream, 100, up},
	} {
		got, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{
			StartingArtifacts: starting("uri = 'uri://foo/a4'"), MaxNumHops: hops(c.hops), Direction: c.dir,
		})
		ok(t, err, "subgraph")
		g.wantShape(fmt.Sprintf("%v %d hops", c.dir, c.hops), got, c.want)
	}
}

// testSubgraphFromExecutionsByDirection: MLMD's GetLineageSubgraphFromExecutionsWithDirection.
func testSubgraphFromExecutionsByDirection(t *testing.T, s *mlmd.Store) {
	g := pipeline6(t, s)
	down := lshape{A: []int{5}, E: []int{0, 3}, Ev: [][2]int{{5, 3}}}
	for _, c := range []struct {
		dir  mlmd.LineageDirection
		hops int64
		want lshape
	}{
		{mlmd.Downstream, 1, down},
		{mlmd.Upstream, 1, lshape{A: []int{0, 3, 4}, E: []int{0, 3}, Ev: [][2]int{{0, 0}, {3, 3}, {4, 3}}}},
		{mlmd.Downstream, 2, down},
		{mlmd.Upstream, 2, lshape{A: []int{0, 3, 4}, E: []int{0, 1, 2, 3}, Ev: [][2]int{{0, 0}, {3, 3}, {4, 3}, {3, 1}, {4, 2}}}},
		{mlmd.Downstream, 100, down},
		{mlmd.Upstream, 100, lshape{A: []int{0, 1, 2, 3, 4}, E: []int{0, 1, 2, 3},
			Ev: [][2]int{{0, 0}, {3, 3}, {4, 3}, {3, 1}, {4, 2}, {1, 1}, {2, 2}}}},
	} {
		got, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{
			StartingExecutions: starting("properties.p2.string_value = 'e0' OR properties.p2.string_value = 'e3'"),
			MaxNumHops:         hops(c.hops), Direction: c.dir,
		})
		ok(t, err, "subgraph")
		g.wantShape(fmt.Sprintf("%v %d hops", c.dir, c.hops), got, c.want)
	}
}

// testSubgraphEndingNodes: MLMD's GetLineageSubgraphFromWithEndingNodes.
func testSubgraphEndingNodes(t *testing.T, s *mlmd.Store) {
	g := pipeline6(t, s)
	e1or2 := fmt.Sprintf("id = %d OR id = %d", g.e[1], g.e[2])
	for _, c := range []struct {
		dir                 mlmd.LineageDirection
		endArts, endExecs   string
		noEndExecs, include bool
		hops                int64
		want                lshape
	}{
		// An empty filter in a given EndingNodes ends at every node of
		// the kind, as in MLMD; the walk ends at a4 before that matters.
		{mlmd.Downstream, "uri = 'uri://foo/a4'", "", false, true, 1, lshape{A: []int{4}}},
		{mlmd.Downstream, "uri = 'uri://foo/a4'", "", false, false, 1, lshape{}},
		{mlmd.Downstream, "uri = 'uri://foo/a5'", fmt.Sprintf("id = %d", g.e[3]), false, true, 1,
			lshape{A: []int{4}, E: []int{3}, Ev: [][2]int{{4, 3}}}},
		{mlmd.Downstream, "uri = 'uri://foo/a5'", fmt.Sprintf("id = %d", g.e[3]), false, false, 1, lshape{A: []int{4}}},
		{mlmd.Bidirectional, "uri = 'uri://foo/a5'", e1or2, false, true, 20,
			lshape{A: []int{3, 4, 5}, E: []int{1, 2, 3}, Ev: [][2]int{{4, 3}, {3, 3}, {3, 1}, {4, 2}, {5, 3}}}},
		{mlmd.Bidirectional, "uri = 'uri://foo/a5'", e1or2, false, false, 20,
			lshape{A: []int{3, 4}, E: []int{3}, Ev: [][2]int{{4, 3}, {3, 3}}}},
		// The same walks, bidirectional with few hops (traced in the
		// database by the SQL backends) and without ending executions.
		{mlmd.Bidirectional, "uri = 'uri://foo/a5'", e1or2, false, true, 4,
			lshape{A: []int{3, 4, 5}, E: []int{1, 2, 3}, Ev: [][2]int{{4, 3}, {3, 3}, {3, 1}, {4, 2}, {5, 3}}}},
		{mlmd.Bidirectional, "uri = 'uri://foo/a3'", "", true, false, 4,
			lshape{A: []int{2, 4, 5}, E: []int{2, 3}, Ev: [][2]int{{4, 3}, {5, 3}, {4, 2}, {2, 2}}}},
		// The documented example: from a4, 3 hops, ending at a3 (not
		// included).
		{mlmd.Bidirectional, "id = " + fmt.Sprint(g.a[3]), "", true, false, 3,
			lshape{A: []int{2, 4, 5}, E: []int{2, 3}, Ev: [][2]int{{4, 3}, {5, 3}, {4, 2}, {2, 2}}}},
	} {
		q := mlmd.LineageSubgraphQuery{
			StartingArtifacts: starting("uri = 'uri://foo/a4'"), MaxNumHops: hops(c.hops), Direction: c.dir,
			EndingArtifacts: &mlmd.EndingNodes{FilterQuery: c.endArts, IncludeEndingNodes: c.include},
		}
		if !c.noEndExecs {
			q.EndingExecutions = &mlmd.EndingNodes{FilterQuery: c.endExecs, IncludeEndingNodes: c.include}
		}
		got, err := s.GetLineageSubgraph(t.Context(), q)
		ok(t, err, "subgraph")
		g.wantShape(fmt.Sprintf("%v %d hops, ending %q / %q, include %v", c.dir, c.hops, c.endArts, c.endExecs, c.include), got, c.want)
	}
}

// testSubgraphContexts: MLMD's GetLineageSubgraphWithContexts.
func testSubgraphContexts(t *testing.T, s *mlmd.Store) {
	g := longChain(t, s)
	type pairs = [][2]int
	for _, c := range []struct {
		what         string
		start        string
		hops         int64
		endInclude   *bool
		want         lshape
		attributions pairs // (artifact, context)
		associations pairs // (execution, context)
	}{
		{"c0, 0 hops", " contexts_0.name = 'c0' ", 0, nil,
			lshape{A: []int{0, 1}, E: []int{}, C: []int{0, 1}}, pairs{{0, 0}, {1, 0}, {1, 1}}, nil},
		{"c0, 1 hop", " contexts_0.name = 'c0' ", 1, nil,
			lshape{A: []int{0, 1}, E: []int{0, 1}, C: []int{0, 1}, Ev: pairs{{0, 0}, {1, 1}}},
			pairs{{0, 0}, {1, 0}, {1, 1}}, pairs{{0, 0}, {1, 1}}},
		{"c0, 2 hops", " contexts_0.name = 'c0' ", 2, nil,
			lshape{A: []int{0, 1, 2}, E: []int{0, 1}, C: []int{0, 1, 2}, Ev: pairs{{0, 0}, {1, 0}, {1, 1}, {2, 1}}},
			pairs{{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}}, pairs{{0, 0}, {1, 1}}},
		{"c0, 20 hops, ending in c2, included", " contexts_0.name = 'c0' ", 20, new(true),
			lshape{A: []int{0, 1, 2}, E: []int{0, 1}, C: []int{0, 1, 2}, Ev: pairs{{0, 0}, {1, 0}, {1, 1}, {2, 1}}},
			pairs{{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}}, pairs{{0, 0}, {1, 1}}},
		{"c0, 20 hops, ending in c2", " contexts_0.name = 'c0' ", 20, new(false),
			lshape{A: []int{0, 1}, E: []int{0, 1}, C: []int{0, 1}, Ev: pairs{{0, 0}, {1, 0}, {1, 1}}},
			pairs{{0, 0}, {1, 0}, {1, 1}}, pairs{{0, 0}, {1, 1}}},
		{"c0 or c2, 0 hops", " contexts_0.name = 'c0' OR contexts_1.name = 'c2' ", 0, nil,
			lshape{A: []int{0, 1, 2, 3}, E: []int{}, C: []int{0, 1, 2}},
			pairs{{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {3, 2}}, nil},
		{"c0 or c2, 1 hop", " contexts_0.name = 'c0' OR contexts_1.name = 'c2'", 1, nil,
			lshape{A: []int{0, 1, 2, 3}, E: []int{0, 1, 2}, C: []int{0, 1, 2}, Ev: pairs{{0, 0}, {1, 1}, {2, 2}}},
			pairs{{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {3, 2}}, pairs{{0, 0}, {1, 1}, {2, 2}}},
		{"c0 or c2, 20 hops", " contexts_0.name = 'c0' OR contexts_1.name = 'c2'", 20, nil,
			lshape{A: []int{0, 1, 2, 3}, E: []int{0, 1, 2}, C: []int{0, 1, 2},
				Ev: pairs{{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {3, 2}}},
			pairs{{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {3, 2}}, pairs{{0, 0}, {1, 1}, {2, 2}}},
		{"c0 and c1, 0 hops", " contexts_0.name = 'c0' AND contexts_1.name = 'c1' ", 0, nil,
			lshape{A: []int{1}, E: []int{}, C: []int{0, 1}}, pairs{{1, 0}, {1, 1}}, nil},
	} {
		q := mlmd.LineageSubgraphQuery{StartingArtifacts: starting(c.start), MaxNumHops: hops(c.hops), Direction: mlmd.Downstream}
		if c.endInclude != nil {
			q.EndingArtifacts = &mlmd.EndingNodes{FilterQuery: " contexts_0.name = 'c2' ", IncludeEndingNodes: *c.endInclude}
			q.EndingExecutions = &mlmd.EndingNodes{FilterQuery: " contexts_0.name = 'c2' ", IncludeEndingNodes: *c.endInclude}
		}
		got, err := s.GetLineageSubgraph(t.Context(), q)
		ok(t, err, c.what)
		if c.want.E == nil {
			c.want.E = []int{}
		}
		g.wantShape(c.what, got, c.want)
		var attr, assoc [][2]int
		for _, a := range got.Attributions {
			attr = append(attr, [2]int{indexOf(g.a, a.ArtifactID), indexOf(g.c, a.ContextID)})
		}
		for _, a := range got.Associations {
			assoc = append(assoc, [2]int{indexOf(g.e, a.ExecutionID), indexOf(g.c, a.ContextID)})
		}
		slices.SortFunc(attr, cmpPair)
		slices.SortFunc(assoc, cmpPair)
		if fmt.Sprint(attr) != fmt.Sprint(c.attributions) {
			t.Errorf("%s: attributions %v, want %v", c.what, attr, c.attributions)
		}
		if fmt.Sprint(assoc) != fmt.Sprint(c.associations) {
			t.Errorf("%s: associations %v, want %v", c.what, assoc, c.associations)
		}
	}
}

// testSubgraphLargeFanOut: MLMD's GetLineageSubgraphOnLargeGraphWithDirection:
// a0 is input to e0..e99, e<i> outputs a<i+1>, which is input to
// e<i+100>, which outputs a101; e0..e99 and their nodes are in c0,
// e100..e199 and theirs in c1. The graph is written with two batch calls.
func testSubgraphLargeFanOut(t *testing.T, s *mlmd.Store) {
	const n = 100
	g := newLGraph(t, s)
	g.context()
	g.context()
	var arts []mlmd.Artifact
	for i := range n + 2 {
		arts = append(arts, mlmd.Artifact{TypeID: g.at, URI: fmt.Sprintf("uri://foo/a%d", i), Properties: pv("p1", str(fmt.Sprintf("a%d", i)))})
	}
	ids, err := s.PutArtifacts(t.Context(), arts, nil)
	ok(t, err, "artifacts")
	g.a = ids
	for i := range arts {
		arts[i].ID = ids[i]
	}
	batch := func(first int, artIdx func(i int) (in, out int), ctx int) {
		sub := mlmd.LineageSubgraph{Contexts: []mlmd.Context{{ID: g.c[ctx], TypeID: g.ct, Name: fmt.Sprintf("c%d", ctx), Properties: pv("p3", str(fmt.Sprintf("c%d", ctx)))}}}
		index := map[int]int{}
		art := func(i int) int {
			if j, ok := index[i]; ok {
				return j
			}
			index[i] = len(sub.Artifacts)
			sub.Artifacts = append(sub.Artifacts, arts[i])
			return index[i]
		}
		for i := range n {
			sub.Executions = append(sub.Executions, mlmd.Execution{TypeID: g.et, Properties: pv("p2", str(fmt.Sprintf("e%d", first+i)))})
			in, out := artIdx(i)
			sub.EventEdges = append(sub.EventEdges,
				mlmd.EventEdge{ExecutionIndex: i, ArtifactIndex: art(in), Event: mlmd.Event{Type: mlmd.EventInput}},
				mlmd.EventEdge{ExecutionIndex: i, ArtifactIndex: art(out), Event: mlmd.Event{Type: mlmd.EventOutput}})
		}
		res, err := s.PutLineageSubgraph(t.Context(), sub, nil)
		ok(t, err, "put lineage subgraph")
		g.e = append(g.e, res.ExecutionIDs...)
	}
	batch(0, func(i int) (int, int) { return 0, i + 1 }, 0)
	batch(n, func(i int) (int, int) { return i + 1, n + 1 }, 1)

	span := func(lo, hi int) []int {
		var out []int
		for i := lo; i < hi; i++ {
			out = append(out, i)
		}
		return out
	}
	var ev1, ev2, ev3, ev4 [][2]int
	for i := range n {
		ev1 = append(ev1, [2]int{0, i})
		ev2 = append(ev2, [2]int{0, i}, [2]int{i + 1, i})
		ev3 = append(ev3, [2]int{0, i}, [2]int{i + 1, i}, [2]int{i + 1, i + n})
		ev4 = append(ev4, [2]int{0, i}, [2]int{i + 1, i}, [2]int{i + 1, i + n}, [2]int{n + 1, i + n})
	}
	for _, c := range []struct {
		dir  mlmd.LineageDirection
		hops int64
		want lshape
	}{
		{mlmd.Downstream, 1, lshape{A: []int{0}, E: span(0, n), C: []int{0}, Ev: ev1}},
		{mlmd.Downstream, 2, lshape{A: span(0, n+1), E: span(0, n), C: []int{0, 1}, Ev: ev2}},
		{mlmd.Downstream, 3, lshape{A: span(0, n+1), E: span(0, 2*n), C: []int{0, 1}, Ev: ev3}},
		{mlmd.Downstream, 4, lshape{A: span(0, n+2), E: span(0, 2*n), C: []int{0, 1}, Ev: ev4}},
		{mlmd.Bidirectional, 3, lshape{A: span(0, n+1), E: span(0, 2*n), C: []int{0, 1}, Ev: ev3}},
		{mlmd.Bidirectional, 4, lshape{A: span(0, n+2), E: span(0, 2*n), C: []int{0, 1}, Ev: ev4}},
		// Past the tracing limit, bidirectional walks go hop by hop.
		{mlmd.Bidirectional, 40, lshape{A: span(0, n+2), E: span(0, 2*n), C: []int{0, 1}, Ev: ev4}},
		{mlmd.Upstream, 4, lshape{A: []int{0}, C: []int{0}}},
	} {
		got, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{
			StartingArtifacts: starting(" properties.p1.string_value = 'a0' "), MaxNumHops: hops(c.hops), Direction: c.dir,
		})
		ok(t, err, "subgraph")
		g.wantShape(fmt.Sprintf("%v %d hops", c.dir, c.hops), got, c.want)
	}
	// A walk starts from at most 101 nodes (MLMD's page of 100 plus one),
	// the lowest ids; here from 102 artifacts, once traced and once hop by
	// hop (an empty ending filter ends at every execution).
	for _, endAll := range []*mlmd.EndingNodes{nil, {}} {
		got, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{
			StartingArtifacts: starting("type = 't1'"), MaxNumHops: hops(1), EndingExecutions: endAll,
			ReadMask: []string{"artifacts", "executions"},
		})
		ok(t, err, "from every artifact")
		g.wantShape(fmt.Sprintf("from every artifact, ending at every execution: %v", endAll != nil), got,
			lshape{A: span(0, mlmd.MaxLineageStartingNodes), E: map[bool][]int{true: nil, false: span(0, 2*n)}[endAll != nil]})
	}
}

// testSubgraphErrors: MLMD's GetLineageSubgraphErrors, and the Go API's
// own checks.
func testSubgraphErrors(t *testing.T, s *mlmd.Store) {
	pipeline6(t, s)
	base := mlmd.LineageSubgraphQuery{StartingArtifacts: starting("uri = 'uri://foo/a4'"), MaxNumHops: hops(20)}
	for _, c := range []struct {
		what    string
		edit    func(q *mlmd.LineageSubgraphQuery)
		code    mlmd.Code
		message string
	}{
		{"no starting nodes", func(q *mlmd.LineageSubgraphQuery) { q.StartingArtifacts = nil }, mlmd.InvalidArgument,
			"Missing arguments for listing starting nodes."},
		{"no starting filter", func(q *mlmd.LineageSubgraphQuery) { q.StartingArtifacts.FilterQuery = "" }, mlmd.InvalidArgument,
			"Cannot list starting nodes if `filter_query` is unspecified."},
		{"both kinds of starting nodes", func(q *mlmd.LineageSubgraphQuery) { q.StartingExecutions = starting("id = 1") },
			mlmd.InvalidArgument, ""},
		{"bad starting filter", func(q *mlmd.LineageSubgraphQuery) { q.StartingArtifacts.FilterQuery = "invalid query syntax" },
			mlmd.InvalidArgument, ""},
		{"negative hops", func(q *mlmd.LineageSubgraphQuery) { q.MaxNumHops = hops(-1) }, mlmd.InvalidArgument,
			"max_num_hops cannot be negative"},
		{"unknown direction", func(q *mlmd.LineageSubgraphQuery) { q.Direction = 7 }, mlmd.InvalidArgument, ""},
		{"no starting node matches", func(q *mlmd.LineageSubgraphQuery) {
			q.StartingArtifacts.FilterQuery = "name = 'non_existing_artifact'"
		}, mlmd.NotFound, ""},
		{"bad ending filter", func(q *mlmd.LineageSubgraphQuery) {
			q.EndingArtifacts = &mlmd.EndingNodes{FilterQuery: "invalid query syntax"}
		}, mlmd.InvalidArgument, ""},
	} {
		q := base
		start := *base.StartingArtifacts
		q.StartingArtifacts = &start
		c.edit(&q)
		_, err := s.GetLineageSubgraph(t.Context(), q)
		if got := mlmd.CodeOf(err); got != c.code {
			t.Errorf("%s: got error %v (code %v), want code %v", c.what, err, got, c.code)
			continue
		}
		if c.message != "" && !strings.Contains(err.Error(), c.message) {
			t.Errorf("%s: error %q lacks %q", c.what, err, c.message)
		}
	}
}

// testSubgraphDiamond: MLMD's access-object QueryLineageSubgraph.
func testSubgraphDiamond(t *testing.T, s *mlmd.Store) {
	g := diamond(t, s)
	a0, a1 := fmt.Sprintf("id = %d", g.a[0]), fmt.Sprintf("id = %d OR id = %d", g.a[0], g.a[1])
	e1, e01 := fmt.Sprintf("id = %d", g.e[1]), fmt.Sprintf("id = %d OR id = %d", g.e[0], g.e[1])
	all := lshape{A: []int{0, 1}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}}}
	for _, c := range []struct {
		what      string
		artifacts bool
		filter    string
		hops      int64
		want      lshape
	}{
		{"a0, 1 hop", true, a0, 1, lshape{A: []int{0}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}}}},
		{"a0, 2 hops", true, a0, 2, all},
		{"a0 and a1, 0 hops", true, a1, 0, lshape{A: []int{0, 1}}},
		{"a0 and a1, 5 hops", true, a1, 5, all},
		{"e1, 1 hop", false, e1, 1, lshape{A: []int{0, 1}, E: []int{1}, Ev: [][2]int{{0, 1}, {1, 1}}}},
		{"e1, 2 hops", false, e1, 2, all},
		{"e0 and e1, 0 hops", false, e01, 0, lshape{E: []int{0, 1}}},
	} {
		q := mlmd.LineageSubgraphQuery{MaxNumHops: hops(c.hops), ReadMask: []string{"artifacts", "executions", "events"}}
		if c.artifacts {
			q.StartingArtifacts = starting(c.filter)
		} else {
			q.StartingExecutions = starting(c.filter)
		}
		got, err := s.GetLineageSubgraph(t.Context(), q)
		ok(t, err, c.what)
		g.wantShape(c.what, got, c.want)
	}
}

// testSubgraphDiamondEndingNodes: MLMD's access-object
// QueryLineageSubgraphWithEndingNodes (ending execution e0).
func testSubgraphDiamondEndingNodes(t *testing.T, s *mlmd.Store) {
	g := diamond(t, s)
	endE0 := fmt.Sprintf("id = %d", g.e[0])
	for _, c := range []struct {
		what        string
		fromE0      bool
		dir         mlmd.LineageDirection
		hops        int64
		endArtifact string // "" for none
		endExec     string
		incArtifact bool
		incExec     bool
		want        lshape
	}{
		{"2 hops, include", false, 0, 2, "", endE0, false, true,
			lshape{A: []int{0, 1}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}, {1, 1}}}},
		{"2 hops", false, 0, 2, "", endE0, false, false,
			lshape{A: []int{0, 1}, E: []int{1}, Ev: [][2]int{{0, 1}, {1, 1}}}},
		{"3 hops, include", false, 0, 3, "", endE0, false, true,
			lshape{A: []int{0, 1}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}}}},
		{"3 hops", false, 0, 3, "", endE0, false, false,
			lshape{A: []int{0, 1}, E: []int{1}, Ev: [][2]int{{0, 1}, {1, 1}}}},
		{"3 hops downstream, include", false, mlmd.Downstream, 3, "", endE0, false, true,
			lshape{A: []int{0}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}}}},
		{"3 hops downstream", false, mlmd.Downstream, 3, "", endE0, false, false,
			lshape{A: []int{0}, E: []int{1}, Ev: [][2]int{{0, 1}}}},
		{"downstream, ending a1 included and e1", false, mlmd.Downstream, 3, fmt.Sprintf("id = %d", g.a[1]),
			fmt.Sprintf("id = %d", g.e[1]), true, false,
			lshape{A: []int{0, 1}, E: []int{0}, Ev: [][2]int{{0, 0}, {1, 0}}}},
		{"downstream, ending a1 and e1 included", false, mlmd.Downstream, 3, fmt.Sprintf("id = %d", g.a[1]),
			fmt.Sprintf("id = %d", g.e[1]), false, true,
			lshape{A: []int{0}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}}}},
		{"from e0, 0 hops", true, 0, 0, "", endE0, false, false, lshape{}},
		{"from e0, 0 hops, include", true, 0, 0, "", endE0, false, true, lshape{E: []int{0}}},
	} {
		q := mlmd.LineageSubgraphQuery{MaxNumHops: hops(c.hops), Direction: c.dir,
			ReadMask:         []string{"artifacts", "executions", "events"},
			EndingExecutions: &mlmd.EndingNodes{FilterQuery: c.endExec, IncludeEndingNodes: c.incExec}}
		if c.endArtifact != "" {
			q.EndingArtifacts = &mlmd.EndingNodes{FilterQuery: c.endArtifact, IncludeEndingNodes: c.incArtifact}
		}
		if c.fromE0 {
			q.StartingExecutions = starting(endE0)
		} else {
			q.StartingArtifacts = starting(fmt.Sprintf("id = %d", g.a[0]))
		}
		got, err := s.GetLineageSubgraph(t.Context(), q)
		ok(t, err, c.what)
		g.wantShape(c.what, got, c.want)
	}
}

// testSubgraphArtifactsOnly: MLMD's QueryLineageSubgraphArtifactsOnly.
func testSubgraphArtifactsOnly(t *testing.T, s *mlmd.Store) {
	g := newLGraph(t, s)
	g.bareNodes(2, 0)
	got, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{
		StartingArtifacts: starting(fmt.Sprintf("id = %d OR id = %d", g.a[0], g.a[1])), MaxNumHops: hops(1),
	})
	ok(t, err, "subgraph")
	g.wantShape("artifacts only", got, lshape{A: []int{0, 1}})
}

// contextDiamond is the diamond with a0, e0 in c0 and a1, e1 in c1 (MLMD's
// QueryLineageSubgraphFromFilteredExecutions and ...WithFieldMask).
func contextDiamond(t *testing.T, s *mlmd.Store) *lgraph {
	g := diamond(t, s)
	g.context()
	g.context()
	ok(t, s.PutAttributionsAndAssociations(t.Context(),
		[]mlmd.Attribution{{ArtifactID: g.a[0], ContextID: g.c[0]}, {ArtifactID: g.a[1], ContextID: g.c[1]}},
		[]mlmd.Association{{ExecutionID: g.e[0], ContextID: g.c[0]}, {ExecutionID: g.e[1], ContextID: g.c[1]}}), "links")
	return g
}

// testSubgraphReadMask: MLMD's QueryLineageSubgraphFromFilteredExecutions
// and QueryLineageSubgraphWithFieldMask.
func testSubgraphReadMask(t *testing.T, s *mlmd.Store) {
	g := contextDiamond(t, s)
	start := starting(fmt.Sprintf("contexts_a.id = %d", g.c[0]))
	got, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{StartingExecutions: start, MaxNumHops: hops(1),
		ReadMask: []string{"artifacts", "executions", "events"}})
	ok(t, err, "from filtered executions")
	g.wantShape("from filtered executions", got, lshape{A: []int{0, 1}, E: []int{0}, Ev: [][2]int{{0, 0}, {1, 0}}})

	nodesAndTypes := []string{"artifacts", "executions", "contexts", "events", "artifact_types", "execution_types", "context_types"}
	for _, c := range []struct {
		what                                         string
		hops                                         int64
		mask                                         []string
		arts, execs, ctxs, events, at, et, ct, links int
	}{
		// Types: the fixture's one type of each kind, plus MLMD's system
		// base types (4 artifact, 5 execution types) that Open stores.
		{"all but links", 1, nodesAndTypes, 2, 1, 2, 2, 5, 6, 1, 0},
		{"all but links, 2 hops", 2, nodesAndTypes, 2, 2, 2, 4, 5, 6, 1, 0},
		{"nodes and events", 1, []string{"artifacts", "executions", "contexts", "events"}, 2, 1, 2, 2, 0, 0, 0, 0},
		{"artifacts and their types", 1, []string{"artifacts", "artifact_types"}, 2, 0, 0, 0, 5, 0, 0, 0},
		{"links only", 1, []string{"attributions", "associations"}, 0, 0, 0, 0, 0, 0, 0, 3},
		{"unknown paths", 1, []string{"artifacts.id", "nodes"}, 0, 0, 0, 0, 0, 0, 0, 0},
		{"empty mask is everything", 1, nil, 2, 1, 2, 2, 5, 6, 1, 3},
	} {
		got, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{StartingExecutions: start, MaxNumHops: hops(c.hops), ReadMask: c.mask})
		ok(t, err, c.what)
		gotCounts := []int{len(got.Artifacts), len(got.Executions), len(got.Contexts), len(got.Events),
			len(got.ArtifactTypes), len(got.ExecutionTypes), len(got.ContextTypes), len(got.Attributions) + len(got.Associations)}
		want := []int{c.arts, c.execs, c.ctxs, c.events, c.at, c.et, c.ct, c.links}
		if fmt.Sprint(gotCounts) != fmt.Sprint(want) {
			t.Errorf("%s: counts (artifacts, executions, contexts, events, artifact/execution/context types, links) %v, want %v",
				c.what, gotCounts, want)
		}
		if len(got.ParentContexts) != 0 {
			t.Errorf("%s: parent contexts %+v, want none (as MLMD)", c.what, got.ParentContexts)
		}
	}
}

// testSubgraphDirectional: MLMD's QueryLineageSubgraphDirectional, from
// e1 in:
//
//	a0 -(v0)-> e0 -(v1)-> a1
//	 \                      \(v3)
//	  ---------(v2)---------> e1 -(v4)-> a2 -(v5)-> e2
//	                           \                     \(v6)
//	                            ---------(v7)--------> a3
func testSubgraphDirectional(t *testing.T, s *mlmd.Store) {
	g := newLGraph(t, s)
	g.bareNodes(4, 3)
	in, out := mlmd.EventInput, mlmd.EventOutput
	g.events(lev{0, 0, in}, lev{1, 0, out}, lev{0, 1, in}, lev{1, 1, in}, lev{2, 1, out}, lev{2, 2, in}, lev{3, 2, out}, lev{3, 1, out})
	v := [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 1}, {2, 2}, {3, 2}, {3, 1}}
	evs := func(is ...int) [][2]int {
		var out [][2]int
		for _, i := range is {
			out = append(out, v[i])
		}
		return out
	}
	one := fmt.Sprintf("id = %d", g.e[1])
	three := fmt.Sprintf("id = %d OR id = %d OR id = %d", g.e[0], g.e[1], g.e[2])
	for _, c := range []struct {
		filter string
		dir    mlmd.LineageDirection
		hops   int64
		want   lshape
	}{
		{one, mlmd.Downstream, 1, lshape{A: []int{2, 3}, E: []int{1}, Ev: evs(4, 7)}},
		{one, mlmd.Upstream, 1, lshape{A: []int{0, 1}, E: []int{1}, Ev: evs(2, 3)}},
		{one, mlmd.Downstream, 2, lshape{A: []int{2, 3}, E: []int{1, 2}, Ev: evs(4, 5, 7)}},
		{one, mlmd.Upstream, 2, lshape{A: []int{0, 1}, E: []int{0, 1}, Ev: evs(1, 2, 3)}},
		{one, mlmd.Downstream, 100, lshape{A: []int{2, 3}, E: []int{1, 2}, Ev: evs(4, 5, 6, 7)}},
		{one, mlmd.Upstream, 100, lshape{A: []int{0, 1}, E: []int{0, 1}, Ev: evs(0, 1, 2, 3)}},
		{three, mlmd.Downstream, 0, lshape{E: []int{0, 1, 2}}},
		{three, mlmd.Upstream, 0, lshape{E: []int{0, 1, 2}}},
		{three, mlmd.Downstream, 1, lshape{A: []int{1, 2, 3}, E: []int{0, 1, 2}, Ev: evs(1, 4, 6, 7)}},
		{three, mlmd.Upstream, 1, lshape{A: []int{0, 1, 2}, E: []int{0, 1, 2}, Ev: evs(0, 2, 3, 5)}},
	} {
		got, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{
			StartingExecutions: starting(c.filter), MaxNumHops: hops(c.hops), Direction: c.dir,
			ReadMask: []string{"artifacts", "executions", "events"},
		})
		ok(t, err, "subgraph")
		g.wantShape(fmt.Sprintf("from %q %v %d hops", c.filter, c.dir, c.hops), got, c.want)
	}
}

// testSubgraphNodesAndTypes checks what the Go API returns beyond MLMD's
// RPC: whole nodes, events with their paths, types, and NodeIDsOnly.
func testSubgraphNodesAndTypes(t *testing.T, s *mlmd.Store) {
	g := pipeline6(t, s)
	ok(t, s.PutEvents(t.Context(), []mlmd.Event{{ArtifactID: g.a[5], ExecutionID: g.e[0], Type: mlmd.EventDeclaredOutput,
		Path: []mlmd.Step{mlmd.KeyStep("out"), mlmd.IndexStep(2)}}}), "event with a path")
	got, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{
		StartingArtifacts: starting("uri = 'uri://foo/a5'"), MaxNumHops: hops(1), Direction: mlmd.Upstream,
	})
	ok(t, err, "subgraph")
	g.wantShape("upstream of a5", got, lshape{A: []int{5}, E: []int{0, 3}, Ev: [][2]int{{5, 0}, {5, 3}}})
	if len(got.Artifacts) == 1 {
		a := got.Artifacts[0]
		if a.Type != "t1" || a.URI != "uri://foo/a5" || a.Properties["p1"].AsString() != "a5" || a.CreateTimeSinceEpoch == 0 {
			t.Errorf("artifact not read whole: %+v", a)
		}
	}
	for _, e := range got.Executions {
		if e.Type != "t2" || e.Properties["p2"].AsString() != fmt.Sprintf("e%d", indexOf(g.e, e.ID)) {
			t.Errorf("execution not read whole: %+v", e)
		}
	}
	for _, ev := range got.Events {
		if ev.ExecutionID == g.e[0] && (len(ev.Path) != 2 || ev.Path[0] != mlmd.KeyStep("out") || ev.Path[1] != mlmd.IndexStep(2) ||
			ev.Type != mlmd.EventDeclaredOutput || ev.MillisecondsSinceEpoch == 0) {
			t.Errorf("event read without its path or fields: %+v", ev)
		}
	}
	// Every type of the store, system base types included.
	wantArtifactTypes, err := s.GetArtifactTypes(t.Context())
	ok(t, err, "artifact types")
	var names []string
	for _, ty := range got.ArtifactTypes {
		names = append(names, ty.Name)
	}
	want := []string{"mlmd.Dataset", "mlmd.Model", "mlmd.Metrics", "mlmd.Statistics"}
	for _, ty := range wantArtifactTypes {
		want = append(want, ty.Name)
	}
	slices.Sort(names)
	slices.Sort(want)
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("artifact types %v, want %v", names, want)
	}
	for _, ty := range got.ArtifactTypes {
		if ty.Name == "t1" && ty.Properties["p1"] != mlmd.PropertyString {
			t.Errorf("type t1 without its properties: %+v", ty)
		}
	}
	if len(got.ExecutionTypes) != 6 || len(got.ContextTypes) != 1 {
		t.Errorf("%d execution types and %d context types, want 6 and 1", len(got.ExecutionTypes), len(got.ContextTypes))
	}

	ids, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{
		StartingArtifacts: starting("uri = 'uri://foo/a5'"), MaxNumHops: hops(1), Direction: mlmd.Upstream, NodeIDsOnly: true,
	})
	ok(t, err, "ids only")
	g.wantShape("ids only", ids, lshape{A: []int{5}, E: []int{0, 3}, Ev: [][2]int{{5, 0}, {5, 3}}})
	for _, a := range ids.Artifacts {
		if a.TypeID != 0 || a.Type != "" || a.URI != "" || a.Properties != nil || a.CreateTimeSinceEpoch != 0 {
			t.Errorf("NodeIDsOnly: artifact %+v has more than its id", a)
		}
	}
	for _, e := range ids.Executions {
		if e.Type != "" || e.TypeID != 0 || e.Properties != nil {
			t.Errorf("NodeIDsOnly: execution %+v has more than its id", e)
		}
	}
}

// testProvenanceAndDescendants checks the helpers on MLMD's test graph.
func testProvenanceAndDescendants(t *testing.T, s *mlmd.Store) {
	g := pipeline6(t, s)
	prov, err := s.Provenance(t.Context(), g.a[5])
	ok(t, err, "provenance of a5")
	g.wantShape("provenance of a5", prov, lshape{A: []int{1, 2, 3, 4, 5}, E: []int{1, 2, 3},
		Ev: [][2]int{{5, 3}, {3, 3}, {4, 3}, {3, 1}, {1, 1}, {4, 2}, {2, 2}}})
	if len(prov.Artifacts) > 0 && prov.Artifacts[0].Properties["p1"].AsString() != "a1" {
		t.Errorf("provenance: artifacts not read whole: %+v", prov.Artifacts[0])
	}
	desc, err := s.Descendants(t.Context(), g.a[1])
	ok(t, err, "descendants of a1")
	g.wantShape("descendants of a1", desc, lshape{A: []int{1, 3, 5}, E: []int{1, 3}, Ev: [][2]int{{1, 1}, {3, 1}, {3, 3}, {5, 3}}})
	desc, err = s.Descendants(t.Context(), g.a[5])
	ok(t, err, "descendants of a5")
	g.wantShape("descendants of a5", desc, lshape{A: []int{5}})
	_, err = s.Provenance(t.Context(), g.a[5]+100)
	wantCode(t, err, mlmd.NotFound, "provenance of an unknown artifact")
	_, err = s.Descendants(t.Context(), -1)
	wantCode(t, err, mlmd.NotFound, "descendants of an unknown artifact")
}

// ---- GetLineageGraph -------------------------------------------------------------

// wantGraphTypes checks that GetLineageGraph returned the store's types
// without MLMD's system base types.
func wantGraphTypes(t *testing.T, s *mlmd.Store, got mlmd.LineageGraph, what string) {
	t.Helper()
	at, err := s.GetArtifactTypes(t.Context())
	ok(t, err, "artifact types")
	et, err := s.GetExecutionTypes(t.Context())
	ok(t, err, "execution types")
	ct, err := s.GetContextTypes(t.Context())
	ok(t, err, "context types")
	if fmt.Sprint(got.ArtifactTypes) != fmt.Sprint(at) || fmt.Sprint(got.ExecutionTypes) != fmt.Sprint(et) ||
		fmt.Sprint(got.ContextTypes) != fmt.Sprint(ct) {
		t.Errorf("%s: types\n got %+v %+v %+v\nwant %+v %+v %+v", what, got.ArtifactTypes, got.ExecutionTypes, got.ContextTypes, at, et, ct)
	}
	if len(got.Contexts)+len(got.Attributions)+len(got.Associations)+len(got.ParentContexts) != 0 {
		t.Errorf("%s: contexts or links returned: %+v", what, got)
	}
}

// wantWholeNodes checks that the fixture nodes of a graph are read whole.
func (g *lgraph) wantWholeNodes(what string, got mlmd.LineageGraph) {
	g.t.Helper()
	for _, a := range got.Artifacts {
		i := indexOf(g.a, a.ID)
		if a.URI != fmt.Sprintf("uri://foo/a%d", i) || a.Properties["p1"].AsString() != fmt.Sprintf("a%d", i) {
			g.t.Errorf("%s: artifact %d not read whole: %+v", what, i, a)
		}
	}
	for _, e := range got.Executions {
		if e.Properties["p2"].AsString() != fmt.Sprintf("e%d", indexOf(g.e, e.ID)) {
			g.t.Errorf("%s: execution not read whole: %+v", what, e)
		}
	}
}

// testGraphByHops: MLMD's GetLineageGraphWithMaxHops.
func testGraphByHops(t *testing.T, s *mlmd.Store) {
	g := pipeline6(t, s)
	for _, c := range []struct {
		hops *int64
		want lshape
	}{
		{hops(0), lshape{A: []int{4}}},
		{hops(1), lshape{A: []int{4}, E: []int{2, 3}, Ev: [][2]int{{4, 2}, {4, 3}}}},
		{hops(2), lshape{A: []int{2, 3, 4, 5}, E: []int{2, 3}, Ev: [][2]int{{4, 2}, {4, 3}, {2, 2}, {3, 3}, {5, 3}}}},
		{hops(3), lshape{A: []int{2, 3, 4, 5}, E: []int{1, 2, 3}, Ev: [][2]int{{4, 2}, {4, 3}, {2, 2}, {3, 3}, {5, 3}, {3, 1}}}},
		{hops(4), lshape{A: []int{1, 2, 3, 4, 5}, E: []int{1, 2, 3}, Ev: [][2]int{{4, 2}, {4, 3}, {2, 2}, {3, 3}, {5, 3}, {3, 1}, {1, 1}}}},
		{nil, lshape{A: []int{1, 2, 3, 4, 5}, E: []int{1, 2, 3}, Ev: [][2]int{{4, 2}, {4, 3}, {2, 2}, {3, 3}, {5, 3}, {3, 1}, {1, 1}}}},
	} {
		what := "hops " + hopsString(c.hops)
		got, err := s.GetLineageGraph(t.Context(), mlmd.LineageGraphQuery{
			Artifacts: &mlmd.ListOptions{FilterQuery: "uri = 'uri://foo/a4'"}, MaxNumHops: c.hops,
		})
		ok(t, err, what)
		g.wantShape(what, got, c.want)
		g.wantWholeNodes(what, got)
		wantGraphTypes(t, s, got, what)
	}
}

// testGraphNodeSize: MLMD's GetLineageGraphWithMaxNodeSize.
func testGraphNodeSize(t *testing.T, s *mlmd.Store) {
	g := pipeline6(t, s)
	all := lshape{A: []int{0, 1, 2, 3, 4, 5}, E: []int{0, 1, 2, 3},
		Ev: [][2]int{{4, 2}, {0, 0}, {4, 3}, {2, 2}, {3, 3}, {5, 3}, {3, 1}, {1, 1}}}
	for _, c := range []struct {
		size *int64
		live bool
		want lshape
	}{
		{nil, false, all},
		{hops(0), false, all},
		{hops(-1), false, all},
		{hops(1), false, lshape{A: []int{0}}},
		{hops(6), false, lshape{A: []int{0, 1, 2, 3, 4, 5}}},
		{hops(3), true, lshape{A: []int{4}, E: []int{2, 3}, Ev: [][2]int{{4, 2}, {4, 3}}}},
		{hops(20), false, all},
	} {
		filter := "type = 't1'"
		if c.live {
			filter = "type = 't1' and state = LIVE"
		}
		what := fmt.Sprintf("max node size %s, %q", hopsString(c.size), filter)
		got, err := s.GetLineageGraph(t.Context(), mlmd.LineageGraphQuery{
			Artifacts: &mlmd.ListOptions{FilterQuery: filter, OrderBy: mlmd.OrderByID}, MaxNodeSize: c.size,
		})
		ok(t, err, what)
		g.wantShape(what, got, c.want)
		g.wantWholeNodes(what, got)
	}
}

// testGraphBoundaries: MLMD's GetLineageGraphWithBoundaryConditions.
func testGraphBoundaries(t *testing.T, s *mlmd.Store) {
	g := pipeline6(t, s)
	for _, c := range []struct {
		arts, execs string
		want        lshape
	}{
		{"", "", lshape{A: []int{2, 3, 4, 5}, E: []int{1, 2, 3}, Ev: [][2]int{{4, 2}, {4, 3}, {2, 2}, {3, 3}, {5, 3}, {3, 1}}}},
		{"uri != 'uri://foo/a3'", "", lshape{A: []int{2, 4, 5}, E: []int{2, 3}, Ev: [][2]int{{4, 2}, {4, 3}, {2, 2}, {5, 3}}}},
		{"uri != 'uri://foo/a3'", "properties.p2.string_value != 'e3'", lshape{A: []int{2, 4}, E: []int{2}, Ev: [][2]int{{4, 2}, {2, 2}}}},
		{"uri != 'uri://foo/a3'", "properties.p2.string_value != 'e2'", lshape{A: []int{4, 5}, E: []int{3}, Ev: [][2]int{{4, 3}, {5, 3}}}},
	} {
		what := fmt.Sprintf("boundaries %q / %q", c.arts, c.execs)
		got, err := s.GetLineageGraph(t.Context(), mlmd.LineageGraphQuery{
			Artifacts: &mlmd.ListOptions{FilterQuery: "uri = 'uri://foo/a4'"}, MaxNumHops: hops(3),
			BoundaryArtifacts: c.arts, BoundaryExecutions: c.execs,
		})
		ok(t, err, what)
		g.wantShape(what, got, c.want)
	}
}

// testGraphErrors: MLMD's GetLineageGraphErrors.
func testGraphErrors(t *testing.T, s *mlmd.Store) {
	pipeline6(t, s)
	a4 := &mlmd.ListOptions{FilterQuery: "uri = 'uri://foo/a4'"}
	for _, c := range []struct {
		what string
		q    mlmd.LineageGraphQuery
		code mlmd.Code
	}{
		{"no query nodes", mlmd.LineageGraphQuery{}, mlmd.InvalidArgument},
		{"bad query filter", mlmd.LineageGraphQuery{Artifacts: &mlmd.ListOptions{FilterQuery: "invalid query syntax"}}, mlmd.InvalidArgument},
		{"bad listing options", mlmd.LineageGraphQuery{Artifacts: &mlmd.ListOptions{MaxResultSize: -1}}, mlmd.InvalidArgument},
		{"negative hops", mlmd.LineageGraphQuery{Artifacts: &mlmd.ListOptions{FilterQuery: "uri = 'uri://foo/bar/'"}, MaxNumHops: hops(-1)}, mlmd.InvalidArgument},
		{"no query node matches", mlmd.LineageGraphQuery{Artifacts: &mlmd.ListOptions{FilterQuery: "uri = 'uri://foo/bar/'"}}, mlmd.NotFound},
		{"bad boundary artifacts", mlmd.LineageGraphQuery{Artifacts: a4, BoundaryArtifacts: "invalid boundary query"}, mlmd.InvalidArgument},
		{"bad boundary executions", mlmd.LineageGraphQuery{Artifacts: a4, BoundaryExecutions: "invalid boundary query"}, mlmd.InvalidArgument},
	} {
		_, err := s.GetLineageGraph(t.Context(), c.q)
		if got := mlmd.CodeOf(err); got != c.code {
			t.Errorf("%s: got error %v (code %v), want code %v", c.what, err, got, c.code)
		}
	}
}

// graphFrom runs GetLineageGraph from artifacts by index, without a node
// limit unless size is given.
func (g *lgraph) graphFrom(arts []int, maxHops int64, size int64, boundaryArts, boundaryExecs string) mlmd.LineageGraph {
	g.t.Helper()
	var parts []string
	for _, i := range arts {
		parts = append(parts, fmt.Sprintf("id = %d", g.a[i]))
	}
	got, err := g.s.GetLineageGraph(g.t.Context(), mlmd.LineageGraphQuery{
		Artifacts:  &mlmd.ListOptions{FilterQuery: strings.Join(parts, " OR ")},
		MaxNumHops: hops(maxHops), MaxNodeSize: hops(size),
		BoundaryArtifacts: boundaryArts, BoundaryExecutions: boundaryExecs,
	})
	ok(g.t, err, "lineage graph")
	return got
}

// testGraphDiamond: MLMD's access-object QueryLineageGraph.
func testGraphDiamond(t *testing.T, s *mlmd.Store) {
	g := diamond(t, s)
	all := lshape{A: []int{0, 1}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}}}
	from0 := lshape{A: []int{0}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}}}
	g.wantShape("a0, 1 hop", g.graphFrom([]int{0}, 1, 0, "", ""), from0)
	g.wantShape("a0, 2 hops", g.graphFrom([]int{0}, 2, 0, "", ""), all)
	// MLMD keeps one of e0 and e1; gomlmd keeps the lowest id.
	g.wantShape("a0, 2 hops, 2 nodes", g.graphFrom([]int{0}, 2, 2, "", ""), lshape{A: []int{0}, E: []int{0}, Ev: [][2]int{{0, 0}}})
	g.wantShape("a0, 2 hops, 3 nodes", g.graphFrom([]int{0}, 2, 3, "", ""), from0)
	g.wantShape("a0, 2 hops, 4 nodes", g.graphFrom([]int{0}, 2, 4, "", ""), all)
	g.wantShape("a0 and a1, 0 hops", g.graphFrom([]int{0, 1}, 0, 0, "", ""), lshape{A: []int{0, 1}})
	g.wantShape("a0 and a1, 5 hops", g.graphFrom([]int{0, 1}, 5, 0, "", ""), all)
}

// testGraphBoundaryAliases: MLMD's QueryLineageGrapWithContextAliasInBoundaryArtifacts
// and QueryLineageGrapWithEventAliasInBoundaryArtifacts.
func testGraphBoundaryAliases(t *testing.T, s *mlmd.Store) {
	g := diamond(t, s)
	g.context()
	ok(t, s.PutAttributionsAndAssociations(t.Context(),
		[]mlmd.Attribution{{ArtifactID: g.a[0], ContextID: g.c[0]}, {ArtifactID: g.a[1], ContextID: g.c[0]}}, nil), "attributions")
	g.wantShape("context alias", g.graphFrom([]int{0}, 2, 0, fmt.Sprintf("NOT(contexts_0.id = %d)", g.c[0]), ""),
		lshape{A: []int{0}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}}})

	// a2 is an output of e1.
	g.bareNodes(1, 0)
	g.events(lev{2, 1, mlmd.EventOutput})
	g.wantShape("event alias", g.graphFrom([]int{0}, 2, 0, fmt.Sprintf("NOT(events_0.execution_id = %d)", g.e[1]), ""),
		lshape{A: []int{0, 1}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}}})
	g.wantShape("execution boundary by id", g.graphFrom([]int{0}, 1, 0, "", fmt.Sprintf("id != %d", g.e[0])),
		lshape{A: []int{0}, E: []int{1}, Ev: [][2]int{{0, 1}}})
	g.wantShape("execution boundary by event", g.graphFrom([]int{0}, 1, 0, "", fmt.Sprintf("events_0.artifact_id = %d", g.a[1])),
		lshape{A: []int{0}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}}})
	g.wantShape("execution boundary by id or event",
		g.graphFrom([]int{0}, 1, 0, "", fmt.Sprintf("id != %d OR events_0.artifact_id = %d", g.e[0], g.a[1])),
		lshape{A: []int{0}, E: []int{0, 1}, Ev: [][2]int{{0, 0}, {0, 1}}})
}

// testGraphArtifactsOnly: MLMD's QueryLineageGraphArtifactsOnly.
func testGraphArtifactsOnly(t *testing.T, s *mlmd.Store) {
	g := newLGraph(t, s)
	g.bareNodes(2, 0)
	g.wantShape("artifacts only", g.graphFrom([]int{0, 1}, 1, 0, "", ""), lshape{A: []int{0, 1}})
}

// testGraphBoundaryFanOut: MLMD's QueryLineageGraphWithBoundaryConditions:
// a0 is input to e1..e250, a1 is input to e0 and output of e1.
func testGraphBoundaryFanOut(t *testing.T, s *mlmd.Store) {
	g := newLGraph(t, s)
	g.bareNodes(2, 251)
	var evs []lev
	var allEvents [][2]int
	for i := 1; i <= 250; i++ {
		evs = append(evs, lev{0, i, mlmd.EventInput})
		allEvents = append(allEvents, [2]int{0, i})
	}
	evs = append(evs, lev{1, 0, mlmd.EventInput}, lev{1, 1, mlmd.EventOutput})
	allEvents = append(allEvents, [2]int{1, 0}, [2]int{1, 1})
	g.events(evs...)
	var allExecs []int
	for i := range 251 {
		allExecs = append(allExecs, i)
	}
	a1e1, a0e1 := [2]int{1, 1}, [2]int{0, 1}
	g.wantShape("boundary executions", g.graphFrom([]int{1}, 2, 0, "", "name != 'e0'"),
		lshape{A: []int{0, 1}, E: []int{1}, Ev: [][2]int{a1e1, a0e1}})
	g.wantShape("boundary executions, 3 nodes", g.graphFrom([]int{1}, 2, 3, "", "name != 'e0'"),
		lshape{A: []int{0, 1}, E: []int{1}, Ev: [][2]int{a1e1, a0e1}})
	g.wantShape("boundary artifacts", g.graphFrom([]int{1}, 3, 0, "uri != 'unknown_uri'", ""),
		lshape{A: []int{0, 1}, E: allExecs, Ev: allEvents})
	// 10 nodes: a1, e0 and e1, a0, then 6 of e2..e250 (the lowest ids).
	got := g.graphFrom([]int{1}, 3, 10, "uri != 'unknown_uri'", "")
	g.wantShape("boundary artifacts, 10 nodes", got, lshape{A: []int{0, 1}, E: []int{0, 1, 2, 3, 4, 5, 6, 7},
		Ev: [][2]int{{1, 0}, {1, 1}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0, 6}, {0, 7}}})
	g.wantShape("both boundaries", g.graphFrom([]int{1}, 2, 0, "uri != 'uri://foo/a0'", "name != 'e0'"),
		lshape{A: []int{1}, E: []int{1}, Ev: [][2]int{a1e1}})
	g.wantShape("boundary keeps one execution", g.graphFrom([]int{1}, 3, 0, "", "name = 'e1'"),
		lshape{A: []int{0, 1}, E: []int{1}, Ev: [][2]int{a1e1, a0e1}})
}
