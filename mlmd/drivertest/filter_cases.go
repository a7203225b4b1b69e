package drivertest

// Filter queries (ListOptions.FilterQuery) through the public listings.
//
// The cases are MLMD's filter-query tests, ported by meaning: the store
// test suite's three filter cases, the query builder's cases (which MLMD
// checks as SQL text; here each runs against a graph on which it selects a
// hand-computed set of nodes), the query resolver's accepted and rejected
// queries, the access-object tests' listings with filters, and the Python
// client's. UPSTREAM.md maps each upstream case to the Go case.
//
// Every accepted query is checked by checkFilter: the unpaged answer, the
// same answer paged two nodes at a time in every order and direction, and
// its restriction to each type (by-type listings) and to each context
// (by-context listings), also paged.

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
)

var filterCases = []testCase{
	{name: "Filters/ExecutionsByContextWithStateFilter", runWithClock: testFilterExecutionsByContextWithState},
	{name: "Filters/SpecialCharacters", runWithClock: testFilterSpecialChars},
	{name: "Filters/ContextNameLikeAPropertyPath", runWithClock: testFilterContextNameLikePath},
	{name: "Filters/ArtifactAttributes", runWithClock: testFilterArtifactAttributes},
	{name: "Filters/ExecutionAttributes", runWithClock: testFilterExecutionAttributes},
	{name: "Filters/ContextAttributes", runWithClock: testFilterContextAttributes},
	{name: "Filters/EventNeighbours", runWithClock: testFilterEventNeighbours},
	{name: "Filters/ContextNeighbours", runWithClock: testFilterContextNeighbours},
	{name: "Filters/ParentAndChildContexts", runWithClock: testFilterParentChildContexts},
	{name: "Filters/ParentContextAndProperty", runWithClock: testFilterParentContextAndProperty},
	{name: "Filters/Properties", runWithClock: testFilterProperties},
	{name: "Filters/ByTypeWithCustomProperty", runWithClock: testFilterByTypeWithCustomProperty},
	{name: "Filters/ByContextPagesOfOne", runWithClock: testFilterByContextPagesOfOne},
	{name: "Filters/ManyNodes", runWithClock: testFilterManyNodes},
	{name: "Filters/EmptyQuery", runWithClock: testFilterEmptyQuery},
	{name: "Filters/TokenBoundToFilter", runWithClock: testFilterTokenBoundToFilter},
	{name: "Filters/WritesBetweenPages", runWithClock: testFilterWritesBetweenPages},
}

// ---- the graph ---------------------------------------------------------------

// fgraph builds a graph through the public API and remembers each type
// and node under a label, so that cases can name them in queries and in
// expected answers.
type fgraph struct {
	t     *testing.T
	s     *mlmd.Store
	clock *Clock
	ids   map[string]int64
	// kindOf is the kind of each node label; typeOf its type label.
	kindOf map[string]nodeKind
	typeOf map[string]string
	// typeName is the name of each type label; typesOf lists the type
	// labels of each node kind, in creation order.
	typeName map[string]string
	typesOf  map[string][]string
	// nodesOf lists the node labels of each kind, in creation order.
	nodesOf map[string][]string
	// members lists the artifacts and executions linked to each context.
	members map[string]map[string]bool
	label   map[string]map[int64]string // kind → id → label
}

func newFGraph(t *testing.T, s *mlmd.Store, clock *Clock) *fgraph {
	return &fgraph{t: t, s: s, clock: clock,
		ids: map[string]int64{}, kindOf: map[string]nodeKind{}, typeOf: map[string]string{},
		typeName: map[string]string{}, typesOf: map[string][]string{}, nodesOf: map[string][]string{},
		members: map[string]map[string]bool{}, label: map[string]map[int64]string{}}
}

// tick moves the clock on, so that the next write gets later times.
func (g *fgraph) tick() { g.clock.Advance(time.Millisecond) }

func (g *fgraph) fresh(label string) {
	g.t.Helper()
	if _, dup := g.ids[label]; dup {
		g.t.Fatalf("label %q used twice", label)
	}
}

// typ puts a type of the kind k under label.
func (g *fgraph) typ(k nodeKind, label, name string, p map[string]mlmd.PropertyType) {
	g.t.Helper()
	g.fresh(label)
	g.ids[label] = mustType(g.t, g.s, k.types, gtype{Name: name, Props: p})
	g.typeName[label] = name
	g.typesOf[k.name] = append(g.typesOf[k.name], label)
}

// fnode is a node to put: its label, its type's label and its fields.
type fnode struct {
	label, typ string
	n          gnode
}

// put puts nodes of kind k in one call (so they share their times), then
// moves the clock on.
func (g *fgraph) put(k nodeKind, ns ...fnode) {
	g.t.Helper()
	var batch []gnode
	for _, n := range ns {
		g.fresh(n.label)
		tid, known := g.ids[n.typ]
		if !known {
			g.t.Fatalf("node %s: unknown type label %q", n.label, n.typ)
		}
		n.n.TypeID = tid
		batch = append(batch, k.named(n.n, n.label))
	}
	ids := mustPut(g.t, g.s, k, batch...)
	if g.label[k.name] == nil {
		g.label[k.name] = map[int64]string{}
	}
	for i, n := range ns {
		g.ids[n.label] = ids[i]
		g.kindOf[n.label] = k
		g.typeOf[n.label] = n.typ
		g.nodesOf[k.name] = append(g.nodesOf[k.name], n.label)
		g.label[k.name][ids[i]] = n.label
	}
	g.tick()
}

// update reads the labelled nodes (all of one kind), applies change to
// each and writes them back in one call, then moves the clock on.
func (g *fgraph) update(change func(n *gnode), labels ...string) {
	g.t.Helper()
	k := g.kindOf[labels[0]]
	var batch []gnode
	for _, l := range labels {
		n := mustGet(g.t, g.s, k, g.id(l))
		change(&n)
		batch = append(batch, n)
	}
	mustPut(g.t, g.s, k, batch...)
	g.tick()
}

// id returns the id of a labelled type or node.
func (g *fgraph) id(label string) int64 {
	g.t.Helper()
	return g.idIn(g.t, label)
}

// idIn is id for a subtest t of g.t.
func (g *fgraph) idIn(t *testing.T, label string) int64 {
	t.Helper()
	id, known := g.ids[label]
	if !known {
		t.Fatalf("unknown label %q", label)
	}
	return id
}

// link attributes artifacts and associates executions to a context.
func (g *fgraph) link(ctx string, nodes ...string) {
	g.t.Helper()
	var as []mlmd.Attribution
	var es []mlmd.Association
	for _, n := range nodes {
		switch g.kindOf[n].name {
		case artifacts.name:
			as = append(as, mlmd.Attribution{ArtifactID: g.id(n), ContextID: g.id(ctx)})
		case executions.name:
			es = append(es, mlmd.Association{ExecutionID: g.id(n), ContextID: g.id(ctx)})
		default:
			g.t.Fatalf("link %s to %s: not an artifact or execution", n, ctx)
		}
		if g.members[ctx] == nil {
			g.members[ctx] = map[string]bool{}
		}
		g.members[ctx][n] = true
	}
	ok(g.t, g.s.PutAttributionsAndAssociations(g.t.Context(), as, es), "link to "+ctx)
}

// parents makes each of parents a parent context of child.
func (g *fgraph) parents(child string, parents ...string) {
	g.t.Helper()
	var links []mlmd.ParentContext
	for _, p := range parents {
		links = append(links, mlmd.ParentContext{ChildID: g.id(child), ParentID: g.id(p)})
	}
	ok(g.t, g.s.PutParentContexts(g.t.Context(), links), "parent contexts of "+child)
}

// event records an event between an artifact and an execution; ms 0
// takes the store's clock.
func (g *fgraph) event(artifact, execution string, typ mlmd.EventType, ms int64) {
	g.t.Helper()
	ok(g.t, g.s.PutEvents(g.t.Context(), []mlmd.Event{{ArtifactID: g.id(artifact), ExecutionID: g.id(execution),
		Type: typ, MillisecondsSinceEpoch: ms}}), fmt.Sprintf("event %s-%s", artifact, execution))
}

// expand replaces the placeholders of a query: {label} by the id of a
// type or node, {ct:label} and {ut:label} by the create and last update
// time of a node.
func (g *fgraph) expand(t *testing.T, q string) string {
	t.Helper()
	var b strings.Builder
	for {
		i := strings.IndexByte(q, '{')
		if i < 0 {
			b.WriteString(q)
			return b.String()
		}
		j := strings.IndexByte(q[i:], '}')
		if j < 0 {
			t.Fatalf("unclosed placeholder in %q", q)
		}
		b.WriteString(q[:i])
		ph := q[i+1 : i+j]
		q = q[i+j+1:]
		what, label, timed := strings.Cut(ph, ":")
		if !timed {
			fmt.Fprint(&b, g.idIn(t, ph))
			continue
		}
		n := mustGet(t, g.s, g.kindOf[label], g.idIn(t, label))
		switch what {
		case "ct":
			fmt.Fprint(&b, n.Create)
		case "ut":
			fmt.Fprint(&b, n.Update)
		default:
			t.Fatalf("unknown placeholder {%s}", ph)
		}
	}
}

// names turns ids of kind k into labels, for messages.
func (g *fgraph) names(k nodeKind, ids []int64) string {
	var s []string
	for _, id := range ids {
		if l, known := g.label[k.name][id]; known {
			s = append(s, l)
		} else {
			s = append(s, fmt.Sprintf("#%d", id))
		}
	}
	return "[" + strings.Join(s, " ") + "]"
}

// ---- checks ------------------------------------------------------------------

// orders are the listing orders and directions every filter is paged in.
var orders = []struct {
	f    mlmd.OrderField
	desc bool
}{
	{mlmd.OrderUnspecified, false}, {mlmd.OrderUnspecified, true},
	{mlmd.OrderByID, false}, {mlmd.OrderByID, true},
	{mlmd.OrderByCreateTime, false}, {mlmd.OrderByCreateTime, true},
	{mlmd.OrderByUpdateTime, false}, {mlmd.OrderByUpdateTime, true},
}

// orderName names an order for messages.
func orderName(f mlmd.OrderField, desc bool) string {
	name := map[mlmd.OrderField]string{mlmd.OrderUnspecified: "unspecified", mlmd.OrderByID: "id",
		mlmd.OrderByCreateTime: "create time", mlmd.OrderByUpdateTime: "update time"}[f]
	if name == "" {
		name = fmt.Sprint(int32(f))
	}
	if desc {
		return name + " desc"
	}
	return name + " asc"
}

// filterRow is one accepted query and the labels of the nodes it selects
// (space-separated, in any order). kind is A, E or C.
type filterRow struct {
	kind  string
	query string
	want  string
}

func kindByLetter(t *testing.T, letter string) nodeKind {
	switch letter {
	case "A":
		return artifacts
	case "E":
		return executions
	case "C":
		return contexts
	}
	t.Fatalf("unknown kind %q", letter)
	return nodeKind{}
}

// checkRows runs checkFilter on each row, each as a subtest.
func (g *fgraph) checkRows(rows []filterRow) {
	g.t.Helper()
	for _, r := range rows {
		k := kindByLetter(g.t, r.kind)
		g.t.Run(k.name+"/"+r.query, func(t *testing.T) {
			g.checkFilter(t, k, r.query, strings.Fields(r.want)...)
		})
	}
}

// sortedIDs returns the ids of the labels, ascending.
func (g *fgraph) sortedIDs(t *testing.T, labels []string) []int64 {
	t.Helper()
	ids := make([]int64, 0, len(labels))
	for _, l := range labels {
		ids = append(ids, g.idIn(t, l))
	}
	slices.Sort(ids)
	if len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Fatalf("a label is listed twice in %v", labels)
	}
	return ids
}

// checkFilter checks that query (with placeholders) selects exactly the
// nodes want of kind k: in one page and in pages of two in every order,
// and, restricted to each type and each context, through the by-type and
// by-context listings.
func (g *fgraph) checkFilter(t *testing.T, k nodeKind, query string, want ...string) {
	t.Helper()
	q := g.expand(t, query)
	for _, l := range want {
		if g.kindOf[l].name != k.name {
			t.Fatalf("want %s: not of kind %s", l, k.name)
		}
	}
	wantIDs := g.sortedIDs(t, want)
	var wantNs []gnode
	if len(wantIDs) > 0 {
		var err error
		wantNs, err = k.byID(t, g.s, wantIDs)
		ok(t, err, "read the wanted nodes")
	}

	// One page, in the default order (by id).
	got, tok, err := k.list(t, g.s, &mlmd.ListOptions{MaxResultSize: mlmd.MaxListResultSize, FilterQuery: q})
	if err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	if !slices.Equal(nodeIDs(got), wantIDs) {
		t.Fatalf("%q:\n got %s\nwant %s", q, g.names(k, nodeIDs(got)), g.names(k, wantIDs))
	}
	if tok != "" {
		t.Errorf("%q: one page of %d nodes has a next-page token", q, len(got))
	}
	wantNodes(t, got, wantNs, 0, "listed nodes")

	// Pages of two, in every order.
	list := func(o *mlmd.ListOptions) ([]gnode, string, error) { return k.list(t, g.s, o) }
	for _, o := range orders {
		ids := pageAll(t, list, mlmd.ListOptions{MaxResultSize: 2, OrderBy: o.f, Desc: o.desc, FilterQuery: q}, len(wantIDs)+2)
		if w := wantOrder(wantNs, o.f, o.desc); !slices.Equal(ids, w) {
			t.Errorf("%q, by %s, pages of 2:\n got %s\nwant %s", q, orderName(o.f, o.desc), g.names(k, ids), g.names(k, w))
		}
	}

	within := func(in func(l string) bool) []gnode {
		var sub []gnode
		for _, n := range wantNs {
			if in(g.label[k.name][n.ID]) {
				sub = append(sub, n)
			}
		}
		return sub
	}
	// Restricted to each type.
	for i, tl := range g.typesOf[k.name] {
		o := orders[(i+4)%len(orders)]
		sub := within(func(l string) bool { return g.typeOf[l] == tl })
		byType := func(lo *mlmd.ListOptions) ([]gnode, string, error) {
			return k.byType(t, g.s, g.typeName[tl], "", lo)
		}
		ids := pageAll(t, byType, mlmd.ListOptions{MaxResultSize: 2, OrderBy: o.f, Desc: o.desc, FilterQuery: q}, len(sub)+2)
		if w := wantOrder(sub, o.f, o.desc); !slices.Equal(ids, w) {
			t.Errorf("%q, type %s, by %s:\n got %s\nwant %s", q, g.typeName[tl], orderName(o.f, o.desc), g.names(k, ids), g.names(k, w))
		}
	}
	// Restricted to each context.
	if k.byContext == nil {
		return
	}
	for i, cl := range g.nodesOf[contexts.name] {
		o := orders[(i+2)%len(orders)]
		sub := within(func(l string) bool { return g.members[cl][l] })
		byContext := func(lo *mlmd.ListOptions) ([]gnode, string, error) {
			return k.byContext(t, g.s, g.idIn(t, cl), lo)
		}
		ids := pageAll(t, byContext, mlmd.ListOptions{MaxResultSize: 2, OrderBy: o.f, Desc: o.desc, FilterQuery: q}, len(sub)+2)
		if w := wantOrder(sub, o.f, o.desc); !slices.Equal(ids, w) {
			t.Errorf("%q, context %s, by %s:\n got %s\nwant %s", q, cl, orderName(o.f, o.desc), g.names(k, ids), g.names(k, w))
		}
	}
}

// wantListed checks one listing call whose answer is fixed in order, as
// MLMD's access-object tests check theirs: ids in order, full nodes, and
// no token.
func (g *fgraph) wantListed(t *testing.T, k nodeKind, got []gnode, tok string, err error, what string, want ...string) {
	t.Helper()
	ok(t, err, what)
	ids := make([]int64, len(want))
	for i, l := range want {
		ids[i] = g.idIn(t, l)
	}
	if !slices.Equal(nodeIDs(got), ids) {
		t.Errorf("%s:\n got %s\nwant %s", what, g.names(k, nodeIDs(got)), g.names(k, ids))
		return
	}
	if tok != "" {
		t.Errorf("%s: unexpected next-page token", what)
	}
	if len(ids) > 0 {
		ns, err := k.byID(t, g.s, ids)
		ok(t, err, "read back")
		byID := map[int64]gnode{}
		for _, n := range ns {
			byID[n.ID] = n
		}
		for i, n := range got {
			wantNode(t, n, byID[n.ID], 0, fmt.Sprintf("%s[%d]", what, i))
		}
	}
}

// newestFirst is the listing of MLMD's access-object filter tests: at most
// 10 nodes, newest first.
func newestFirst(q string) *mlmd.ListOptions {
	return &mlmd.ListOptions{MaxResultSize: 10, OrderBy: mlmd.OrderByCreateTime, Desc: true, FilterQuery: q}
}

// ---- metadata_store_test_suite.cc --------------------------------------------

// putExecutionInContext puts an execution and a context with PutExecution,
// as the upstream suite does, and records both in g.
func (g *fgraph) putExecutionInContext(t *testing.T, exec, execName string, state mlmd.ExecutionState, ctx, ctxName string) {
	t.Helper()
	ct, et := g.id("context_type"), g.id("execution_type")
	var cs []mlmd.Context
	if _, known := g.ids[ctx]; known {
		c := mustGet(t, g.s, contexts, g.id(ctx))
		cs = []mlmd.Context{toContext(c)}
	} else {
		cs = []mlmd.Context{{TypeID: ct, Name: ctxName}}
	}
	r, err := g.s.PutExecution(t.Context(), mlmd.Execution{TypeID: et, Name: execName, LastKnownState: state}, nil, cs, nil)
	ok(t, err, "PutExecution "+execName)
	for _, x := range []struct {
		k          nodeKind
		label, typ string
		id         int64
	}{{executions, exec, "execution_type", r.ExecutionID}, {contexts, ctx, "context_type", r.ContextIDs[0]}} {
		if _, known := g.ids[x.label]; known {
			continue
		}
		g.ids[x.label] = x.id
		g.kindOf[x.label] = x.k
		g.typeOf[x.label] = x.typ
		g.nodesOf[x.k.name] = append(g.nodesOf[x.k.name], x.label)
		if g.label[x.k.name] == nil {
			g.label[x.k.name] = map[int64]string{}
		}
		g.label[x.k.name][x.id] = x.label
	}
	if g.members[ctx] == nil {
		g.members[ctx] = map[string]bool{}
	}
	g.members[ctx][exec] = true
	g.tick()
}

func suiteTypes(g *fgraph) {
	g.typ(contexts, "context_type", "context_type", nil)
	g.typ(executions, "execution_type", "execution_type", nil)
}

// testFilterExecutionsByContextWithState: upstream's
// GetExecutionsByContextWithFilterStateQuery. The filter matches both
// executions; each by-context listing keeps only its own.
func testFilterExecutionsByContextWithState(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	suiteTypes(g)
	g.put(contexts, fnode{"context1", "context_type", gnode{}}, fnode{"context2", "context_type", gnode{}})
	g.putExecutionInContext(t, "execution1", "execution1", mlmd.ExecutionStateNew, "context1", "")
	g.putExecutionInContext(t, "execution2", "execution2", mlmd.ExecutionStateRunning, "context2", "")
	q := " last_known_state = NEW OR last_known_state = RUNNING "
	for _, c := range []struct{ ctx, want string }{{"context1", "execution1"}, {"context2", "execution2"}} {
		got, tok, err := executions.byContext(t, s, g.id(c.ctx), &mlmd.ListOptions{FilterQuery: q})
		g.wantListed(t, executions, got, tok, err, "executions of "+c.ctx, c.want)
	}
	g.checkFilter(t, executions, q, "execution1", "execution2")
}

// testFilterSpecialChars: upstream's GetExecutionFilterWithSpecialChars.
// A single quote inside a double-quoted string is a plain character;
// inside a single-quoted string it ends the string.
func testFilterSpecialChars(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	suiteTypes(g)
	g.put(contexts, fnode{"c", "context_type", gnode{Name: "context_name_with_'"}})
	g.putExecutionInContext(t, "e", "exe_name_with_'", mlmd.ExecutionStateUnknown, "c", "")
	// A second execution in another context, that no query selects.
	g.putExecutionInContext(t, "other", "exe_name_with_", mlmd.ExecutionStateUnknown, "c2", "context_name_with_")
	g.checkRows([]filterRow{
		{"E", ` name = "exe_name_with_'" `, "e"},
		{"E", ` contexts_1.name = "context_name_with_'" `, "e"},
		{"E", "\n      contexts_1.name = \"context_name_with_'\" AND name = \"exe_name_with_'\"", "e"},
		// The same through escapes in single quotes.
		{"E", ` name = 'exe_name_with_\'' `, "e"},
		{"E", ` contexts_1.name LIKE 'context_name_with_%' `, "e other"},
	})
	for _, k := range []nodeKind{executions} {
		checkFilterError(t, g, k, "\n      name = 'exe_name_with_''", "2:30: unterminated string literal (missing closing ')")
	}
}

// testFilterContextNameLikePath: upstream's
// GetExecutionWithFilterContextQuery. A string that looks like a property
// path is only a string.
func testFilterContextNameLikePath(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	suiteTypes(g)
	g.typ(contexts, "component", "component", nil)
	g.putExecutionInContext(t, "e", "execution_name'", mlmd.ExecutionStateUnknown, "c", "properties.component.component")
	g.putExecutionInContext(t, "other", "other", mlmd.ExecutionStateUnknown, "c2", "component")
	g.checkRows([]filterRow{
		{"E", "(contexts_0.type = 'context_type') AND (contexts_0.name = 'properties.component.component')", "e"},
		{"E", "(contexts_0.type = 'context_type') AND (contexts_0.name = 'component')", "other"},
	})
}

// ---- metadata_access_object_test.cc -----------------------------------------

// testFilterArtifactAttributes: upstream's ListArtifactsFilterAttributeQuery.
func testFilterArtifactAttributes(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(artifacts, "t1", "t1", nil)
	for i := 0; i < 3; i++ {
		g.put(artifacts, fnode{fmt.Sprintf("a%d", i), "t1", gnode{URI: fmt.Sprintf("uri_%d", i),
			Name: fmt.Sprintf("artifact_%d", i), ExternalID: fmt.Sprintf("artifact_%d", i)}})
	}
	list := func(q string, want ...string) {
		t.Helper()
		q = g.expand(t, q)
		got, tok, err := artifacts.list(t, s, newestFirst(q))
		g.wantListed(t, artifacts, got, tok, err, q, want...)
	}
	list(" NOT(id = {a1}) ", "a2", "a0")
	list("uri = 'uri_1' and type_id = {t1} and \n create_time_since_epoch = {ct:a1}", "a1")
	list("uri LIKE 'uri_%' OR state = LIVE", "a2", "a1", "a0")
	list("uri LIKE 'uri_%' and type_id = {t1} AND state IS NULL", "a2", "a1", "a0")
	list("uri LIKE 'uri_%' and type = 't1'", "a2", "a1", "a0")
	old := g.expand(t, "{ut:a2}")
	g.update(func(n *gnode) { n.State = int32(mlmd.ArtifactStateLive) }, "a2")
	list("uri LIKE 'uri_%' and type = 't1' \n AND last_update_time_since_epoch > "+old, "a2")
	list("uri LIKE 'uri_%' and type = 't1' \n AND state = LIVE", "a2")
	list("uri LIKE 'uri_%' and type = 't1' \n AND (state = LIVE OR state = DELETED) ", "a2")
	list("uri LIKE 'uri_%' and type = 't1' and state != LIVE", "a1", "a0")
	list("uri LIKE 'uri_%' and type = 't1' and name = 'artifact_0'", "a0")
	list("external_id = 'artifact_0'", "a0")
	g.checkRows([]filterRow{
		{"A", "state = LIVE OR last_update_time_since_epoch = {ut:a2}", "a2"},
		{"A", "uri LIKE 'uri_%' AND state IS NULL", "a0 a1"},
	})
}

// testFilterExecutionAttributes: upstream's
// ListExecutionsFilterAttributeQuery. Executions without a state are "not
// COMPLETE".
func testFilterExecutionAttributes(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(executions, "t1", "t1", nil)
	for i := 0; i < 3; i++ {
		g.put(executions, fnode{fmt.Sprintf("e%d", i), "t1", gnode{Name: fmt.Sprintf("execution_%d", i), ExternalID: fmt.Sprintf("execution_%d", i)}})
	}
	list := func(q string, want ...string) {
		t.Helper()
		q = g.expand(t, q)
		got, tok, err := executions.list(t, s, newestFirst(q))
		g.wantListed(t, executions, got, tok, err, q, want...)
	}
	list("id = {e2}", "e2")
	list("id != {e2} OR last_known_state = COMPLETE", "e1", "e0")
	list("type_id = {t1} AND last_known_state != COMPLETE", "e2", "e1", "e0")
	list("type_id = {t1} AND create_time_since_epoch = {ct:e2}", "e2")
	list("type = 't1' AND type_id = {t1}", "e2", "e1", "e0")
	old := g.expand(t, "{ut:e2}")
	g.update(func(n *gnode) { n.State = int32(mlmd.ExecutionStateComplete) }, "e2")
	list("type = 't1' AND type_id = {t1} AND \n last_update_time_since_epoch > "+old, "e2")
	list("type = 't1' AND type_id = {t1} AND \n last_known_state = COMPLETE", "e2")
	list("type = 't1' AND type_id = {t1} AND \n (last_known_state = COMPLETE OR last_known_state = NEW) ", "e2")
	list("type = 't1' AND type_id = {t1} AND \n last_known_state != COMPLETE", "e1", "e0")
	list("type = 't1' AND type_id = {t1} AND \n name = 'execution_0'", "e0")
	list("external_id = 'execution_0'", "e0")
	g.checkRows([]filterRow{{"E", "id != {e2} OR last_known_state = COMPLETE", "e0 e1 e2"}})
}

// testFilterContextAttributes: upstream's ListContextsFilterAttributeQuery.
func testFilterContextAttributes(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(contexts, "t1", "t1", props("p1", mlmd.PropertyInt))
	for i := 0; i < 3; i++ {
		l := fmt.Sprintf("c%d", i)
		g.put(contexts, fnode{l, "t1", gnode{Name: l, ExternalID: l}})
	}
	list := func(q string, want ...string) {
		t.Helper()
		q = g.expand(t, q)
		got, tok, err := contexts.list(t, s, newestFirst(q))
		g.wantListed(t, contexts, got, tok, err, q, want...)
	}
	list("id = {c0} ", "c0")
	list("type_id = {t1} AND name IS NOT NULL", "c2", "c1", "c0")
	list("id IN ({c0}, {c2}) ", "c2", "c0")
	list("type = 't1' AND type_id = {t1}", "c2", "c1", "c0")
	list("type = 't1' AND type_id != {t1}")
	list("(type = 't1' AND name = 'c2') OR (type = 't1' AND name = 'c1')", "c2", "c1")
	old := g.expand(t, "{ut:c2}")
	g.update(func(n *gnode) { n.Props = pv("p1", i64(1)) }, "c2")
	list("type = 't1' AND type_id = {t1} \n AND last_update_time_since_epoch > "+old, "c2")
	list("type = 't1' AND type_id = {t1} \n AND name = 'c0'", "c0")
	list("external_id = 'c0' ", "c0")
	g.checkRows([]filterRow{{"C", "properties.p1.int_value = 1 OR id IN ({c0}, {c1})", "c2"}})
}

// testFilterEventNeighbours: upstream's ListNodesFilterEventQuery.
// a0 -INPUT-> e0 -OUTPUT-> a1; e0 -OUTPUT at 1 ms-> a2.
func testFilterEventNeighbours(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(artifacts, "at1", "at1", nil)
	for i := 0; i < 3; i++ {
		g.put(artifacts, fnode{fmt.Sprintf("a%d", i), "at1", gnode{URI: fmt.Sprintf("uri_%d", i), Name: fmt.Sprintf("artifact_%d", i)}})
	}
	g.typ(executions, "et1", "et1", nil)
	g.put(executions, fnode{"e0", "et1", gnode{Name: "execution_0"}})
	g.event("a0", "e0", mlmd.EventInput, 0)
	g.event("a1", "e0", mlmd.EventOutput, 0)
	g.event("a2", "e0", mlmd.EventOutput, 1)
	listA := func(o *mlmd.ListOptions, want ...string) {
		t.Helper()
		o.FilterQuery = g.expand(t, o.FilterQuery)
		got, tok, err := artifacts.list(t, s, o)
		g.wantListed(t, artifacts, got, tok, err, o.FilterQuery, want...)
	}
	listE := func(q string, want ...string) {
		t.Helper()
		q = g.expand(t, q)
		got, tok, err := executions.list(t, s, newestFirst(q))
		g.wantListed(t, executions, got, tok, err, q, want...)
	}
	listA(newestFirst("events_0.type = INPUT"), "a0")
	listA(&mlmd.ListOptions{MaxResultSize: 10, OrderBy: mlmd.OrderByCreateTime, FilterQuery: "events_0.type = INPUT OR events_0.type = OUTPUT"}, "a0", "a1", "a2")
	listA(newestFirst("uri = 'uri_0' AND events_0.type = INPUT"), "a0")
	listA(newestFirst("uri = 'uri_0' AND events_0.execution_id = {e0}"), "a0")
	listA(newestFirst("events_0.type = OUTPUT AND events_0.milliseconds_since_epoch = 1"), "a2")
	listE("events_0.artifact_id = {a0}", "e0")
	listE("events_0.artifact_id = {a0} AND events_0.type = OUTPUT")
	listE("events_0.artifact_id = {a1} AND events_0.type = OUTPUT", "e0")
	g.checkRows([]filterRow{
		{"A", "events_0.type = OUTPUT AND events_0.milliseconds_since_epoch > 1", "a1"},
		{"A", "events_x.execution_id = {e0} AND NOT events_x.type = INPUT", "a1 a2"},
	})
}

// testFilterContextNeighbours: upstream's ListNodesFilterContextNeighborQuery.
// [a1, e2] are in c0; [a0, e0] are in c0, c1 and c2.
func testFilterContextNeighbours(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(artifacts, "at", "artifact_type", nil)
	g.typ(executions, "et", "execution_type", nil)
	g.typ(contexts, "ct", "context_type", nil)
	for i := 0; i < 3; i++ {
		g.put(artifacts, fnode{fmt.Sprintf("a%d", i), "at", gnode{URI: fmt.Sprintf("uri_%d", i)}})
		g.put(executions, fnode{fmt.Sprintf("e%d", i), "et", gnode{}})
		g.put(contexts, fnode{fmt.Sprintf("c%d", i), "ct", gnode{}})
	}
	g.link("c0", "a1", "e2")
	for _, c := range []string{"c0", "c1", "c2"} {
		g.link(c, "a0", "e0")
	}
	list := func(k nodeKind, asc bool, q string, want ...string) {
		t.Helper()
		q = g.expand(t, q)
		got, tok, err := k.list(t, s, &mlmd.ListOptions{MaxResultSize: 10, OrderBy: mlmd.OrderByCreateTime, Desc: !asc, FilterQuery: q})
		g.wantListed(t, k, got, tok, err, q, want...)
	}
	list(contexts, true, "artifacts_c.id = {a1}", "c0")
	list(contexts, true, "artifacts_c.id = {a0}", "c0", "c1", "c2")
	list(contexts, true, "artifacts_c.id = {a0} and name = 'c0'", "c0")
	list(contexts, true, "executions_c.id = {e2}", "c0")
	list(contexts, true, "executions_c.id = {e0}", "c0", "c1", "c2")
	list(contexts, true, "executions_c.id = {e0} and name = 'c0'", "c0")
	list(contexts, true, "executions_c.id = {e0} and artifacts_a.id = {a1}", "c0")
	list(artifacts, true, "uri IS NOT NULL AND type = 'artifact_type' AND \ncontexts_c.name = 'c0' AND contexts_c.type = 'context_type' \n", "a0", "a1")
	list(artifacts, false, "contexts_c.name LIKE '%' AND contexts_c.type = 'context_type' \n", "a1", "a0")
	list(artifacts, false, "contexts_c.create_time_since_epoch = {ct:c1} AND \ncontexts_c.last_update_time_since_epoch = {ut:c1}", "a0")
	list(executions, false, "type = 'execution_type' AND contexts_c.id = {c0} AND \ncontexts_c.name = 'c0' AND contexts_c.type = 'context_type' \n", "e2", "e0")
	list(executions, false, "contexts_c.create_time_since_epoch < {ct:c1} AND \ncontexts_c.last_update_time_since_epoch < {ut:c1}", "e2", "e0")
	// c0 has e0 and e2, c1 has e0 and e1, c2 has e0.
	g.link("c1", "e1")
	list(executions, false, " contexts_a.id = {c0} OR contexts_a.id = {c1}", "e2", "e1", "e0")
	list(executions, false, "(contexts_1.type = 'context_type' AND contexts_1.name = 'c2') OR (contexts_2.type = 'context_type' AND contexts_2.name = 'c1')", "e1", "e0")
	list(executions, false, "(contexts_1.type='context_type' AND contexts_1.name='c2') AND (contexts_2.type='context_type' AND contexts_2.name='c1') AND (contexts_3.type='context_type' AND contexts_3.name='c0') ", "e0")
	g.checkRows([]filterRow{
		{"E", "contexts_1.name = 'c1' AND contexts_2.name != 'c1'", "e0"},
		{"A", "contexts_c.name = 'c0' AND NOT uri = 'uri_0'", "a1"},
		// Both neighbours must exist: c2 has no execution e1 and no
		// artifact a1; c1 has e1 (and an artifact, a0).
		{"C", "executions_e.id = {e1} OR artifacts_a.id = {a1}", "c0 c1"},
	})
}

// testFilterParentChildContexts: upstream's ListContextNodesWithParentChildQuery.
// p1 is the parent of c1, c2 and c3; p2 of c1 and c2.
func testFilterParentChildContexts(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(contexts, "pt1", "parent_context_type_1", nil)
	g.typ(contexts, "pt2", "parent_context_type_2", nil)
	g.typ(contexts, "ct", "child_context_type", nil)
	g.put(contexts, fnode{"p1", "pt1", gnode{}})
	g.put(contexts, fnode{"p2", "pt2", gnode{}})
	for _, c := range []string{"c1", "c2", "c3"} {
		g.put(contexts, fnode{c, "ct", gnode{}})
		g.parents(c, "p1")
	}
	g.parents("c1", "p2")
	g.parents("c2", "p2")
	list := func(q string, want ...string) {
		t.Helper()
		q = g.expand(t, q)
		got, tok, err := contexts.list(t, s, newestFirst(q))
		g.wantListed(t, contexts, got, tok, err, q, want...)
	}
	list("parent_contexts_c.id = {p1}", "c3", "c2", "c1")
	list("parent_contexts_c.id = {p2}", "c2", "c1")
	list("parent_contexts_c.type = 'parent_context_type_1'", "c3", "c2", "c1")
	list("parent_contexts_c.type = 'parent_context_type_2'", "c2", "c1")
	list("parent_contexts_c.name = 'p1'", "c3", "c2", "c1")
	list("parent_contexts_c.name = 'p2'", "c2", "c1")
	list("child_contexts_c.id = {c1}", "p2", "p1")
	list("child_contexts_c.id = {c3}", "p1")
	list("child_contexts_c.type = 'child_context_type'", "p2", "p1")
	list("child_contexts_c.name = 'c1'", "p2", "p1")
	list("child_contexts_c.name = 'c3'", "p1")
	g.checkRows([]filterRow{
		{"C", "parent_contexts_a.id = {p1} AND parent_contexts_b.id = {p2}", "c1 c2"},
		{"C", "parent_contexts_a.id = {p1} AND NOT name = 'c1'", "c2 c3"},
		{"C", "child_contexts_a.name = 'c3' OR child_contexts_a.name = 'c2'", "p1 p2"},
	})
}

// testFilterParentContextAndProperty: upstream's
// ListContextNodesWithParentChildAndPropertiesQuery.
func testFilterParentContextAndProperty(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(contexts, "pt1", "parent_context_type_1", nil)
	g.typ(contexts, "ct", "child_context_type", nil)
	g.put(contexts, fnode{"p1", "pt1", gnode{}})
	for i, v := range []string{"foo", "foo", "bar"} {
		g.put(contexts, fnode{fmt.Sprintf("c%d", i+1), "ct", gnode{Custom: pv("custom_property_1", str(v))}})
	}
	g.parents("c1", "p1")
	g.parents("c3", "p1")
	q := "parent_contexts_c.type = 'parent_context_type_1' \n AND custom_properties.custom_property_1.string_value = 'foo'"
	got, tok, err := contexts.list(t, s, newestFirst(q))
	g.wantListed(t, contexts, got, tok, err, q, "c1")
	g.checkFilter(t, contexts, q, "c1")
}

// testFilterProperties: upstream's List{Artifacts,Executions,Contexts}FilterPropertyQuery.
// Node i has p1 = i, p2 = i.0, p3 = "0i", p4 = (i even), and custom
// properties whose names need backquotes.
func testFilterProperties(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			g.t = t
			tl := "test_type_" + k.name
			g.typ(k, tl, "test_type", props("p1", mlmd.PropertyInt, "p2", mlmd.PropertyDouble, "p3", mlmd.PropertyString, "p4", mlmd.PropertyBool))
			var ls []string
			for i := 0; i < 5; i++ {
				l := fmt.Sprintf("%s_%d", k.name, i)
				ls = append(ls, l)
				g.put(k, fnode{l, tl, gnode{Name: fmt.Sprintf("test_%d", i),
					Props: pv("p1", i64(int64(i)), "p2", f64(float64(i)), "p3", str(fmt.Sprintf("0%d", i)), "p4", boolean(i%2 == 0)),
					Custom: pv(fmt.Sprintf("custom_property_%d", i), str("foo"), fmt.Sprintf("custom_property %d", i), f64(1),
						fmt.Sprintf("custom_property:%d", i), i64(1), fmt.Sprintf("custom_property-%d", i), boolean(true))}})
			}
			list := func(q string, want ...int) {
				t.Helper()
				var wl []string
				for _, i := range want {
					wl = append(wl, ls[i])
				}
				got, tok, err := k.list(t, s, newestFirst(q))
				g.wantListed(t, k, got, tok, err, q, wl...)
			}
			list("properties.p1.int_value = 0", 0)
			list("(properties.p1.int_value + 2) * 1 = 2", 0)
			list("properties.p2.double_value > 2.0", 4, 3)
			list("properties.p2.double_value > 2.0 / 1.0 - (-0.5)", 4, 3)
			list("properties.p3.string_value LIKE '0%'", 4, 3, 2, 1, 0)
			list("properties.p4.bool_value = true", 4, 2, 0)
			list("custom_properties.custom_property_0.int_value IS NULL AND custom_properties.custom_property_0.double_value IS NULL AND custom_properties.custom_property_0.string_value = 'foo'", 0)
			list("properties.unknown.int_value > 0 OR custom_properties.some_property.string_value = '0'")
			list("properties.p1.int_value = 0 AND custom_properties.`custom_property:0`.int_value > 0 AND custom_properties.`custom_property 0`.double_value > 0 ", 0)
			list("custom_properties.`custom_property-3`.bool_value", 3)
			n := func(i int) string { return ls[i] }
			kl := strings.ToUpper(k.name[:1])
			g.checkRows([]filterRow{
				{kl, "properties.p1.int_value >= 1 AND properties.p4.bool_value", n(2) + " " + n(4)},
				{kl, "properties.p2.double_value / 2 = 1.5 OR properties.p3.string_value = '01'", n(1) + " " + n(3)},
				{kl, "custom_properties.`custom_property 4`.double_value = 1 AND custom_properties.`custom_property-4`.bool_value", n(4)},
				// Every property a query names must exist, even under OR:
				// no node has both of these custom properties.
				{kl, "custom_properties.`custom_property 4`.double_value = 1 OR custom_properties.`custom_property-1`.bool_value = TRUE", ""},
			})
		})
	}
}

// testFilterByTypeWithCustomProperty: upstream's
// FindArtifactsByTypeIdsFilterPropertyQuery.
func testFilterByTypeWithCustomProperty(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(artifacts, "t1", "test_type1", nil)
	g.put(artifacts, fnode{"a1", "t1", gnode{URI: "testuri://testing/uri1", Custom: pv("custom_property_1", i64(1))}})
	g.put(artifacts, fnode{"a2", "t1", gnode{URI: "testuri://testing/uri1", Custom: pv("custom_property_1", i64(2))}})
	g.typ(artifacts, "t2", "test_type2", nil)
	g.put(artifacts, fnode{"a3", "t2", gnode{URI: "testuri://testing/uri1", Custom: pv("custom_property_1", i64(3))}})
	q := "custom_properties.custom_property_1.int_value = 1 OR custom_properties.custom_property_1.int_value = 2 OR custom_properties.custom_property_1.int_value = 3"
	o := &mlmd.ListOptions{MaxResultSize: 10, OrderBy: mlmd.OrderByCreateTime, FilterQuery: q}
	got, tok, err := artifacts.byType(t, s, "test_type1", "", o)
	g.wantListed(t, artifacts, got, tok, err, "test_type1", "a1", "a2")
	got, tok, err = artifacts.byType(t, s, "test_type2", "", o)
	g.wantListed(t, artifacts, got, tok, err, "test_type2", "a3")
	g.checkFilter(t, artifacts, q, "a1", "a2", "a3")
}

// testFilterByContextPagesOfOne: upstream's GetAssociationFilterStateQuery:
// a by-context listing with a filter, one node per page.
func testFilterByContextPagesOfOne(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(executions, "et", "execution_type", nil)
	g.typ(contexts, "ct", "context_type", nil)
	g.put(executions, fnode{"e1", "et", gnode{State: int32(mlmd.ExecutionStateNew)}})
	g.put(executions, fnode{"e2", "et", gnode{State: int32(mlmd.ExecutionStateRunning)}})
	g.put(contexts, fnode{"c1", "ct", gnode{Name: "context_1"}}, fnode{"c2", "ct", gnode{Name: "context_2"}})
	g.link("c1", "e1")
	g.link("c2", "e2")
	q := "last_known_state = NEW OR last_known_state = RUNNING"
	for _, c := range []struct{ ctx, want string }{{"c1", "e1"}, {"c2", "e2"}} {
		got, tok, err := executions.byContext(t, s, g.id(c.ctx), nil)
		g.wantListed(t, executions, got, tok, err, c.ctx+" without options", c.want)
		got, tok, err = executions.byContext(t, s, g.id(c.ctx), &mlmd.ListOptions{MaxResultSize: 1, OrderBy: mlmd.OrderByCreateTime, Desc: true, FilterQuery: q})
		g.wantListed(t, executions, got, tok, err, c.ctx+" with the filter", c.want)
	}
	g.checkFilter(t, executions, q, "e1", "e2")
}

// ---- metadata_store_test.py --------------------------------------------------

// testFilterManyNodes: the Python client's test_get_nodes_by_filter_query:
// 200 nodes with a custom property p = i.
func testFilterManyNodes(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			g.t = t
			tl := "t_" + k.name
			g.typ(k, tl, "test_type", nil)
			var ns []fnode
			for i := 0; i < 200; i++ {
				l := fmt.Sprintf("%s_node_%d", k.name, i)
				ns = append(ns, fnode{l, tl, gnode{Name: fmt.Sprintf("node_%d", i), Custom: pv("p", i64(int64(i)))}})
			}
			g.put(k, ns[:100]...)
			g.put(k, ns[100:]...)
			q := "custom_properties.p.int_value < 21 AND name LIKE 'node_2%'"
			got, tok, err := k.list(t, s, &mlmd.ListOptions{OrderBy: mlmd.OrderByID, FilterQuery: q})
			g.wantListed(t, k, got, tok, err, q, k.name+"_node_2", k.name+"_node_20")
			g.checkFilter(t, k, q, k.name+"_node_2", k.name+"_node_20")
			// Pages of 20 (the default size) over a filter that keeps 150.
			var want []string
			for i := 50; i < 200; i++ {
				want = append(want, fmt.Sprintf("%s_node_%d", k.name, i))
			}
			ids := pageAll(t, func(o *mlmd.ListOptions) ([]gnode, string, error) { return k.list(t, s, o) },
				mlmd.ListOptions{OrderBy: mlmd.OrderByCreateTime, Desc: true, FilterQuery: "custom_properties.p.int_value >= 50"}, 10)
			if len(ids) != 150 {
				t.Fatalf("p >= 50: got %d nodes, want 150", len(ids))
			}
			// Newest first: the second call's nodes, then the first's,
			// each tie broken by id, largest first.
			wantIDs := g.sortedIDs(t, want)
			slices.Reverse(wantIDs)
			if !slices.Equal(ids, wantIDs) {
				t.Errorf("p >= 50, newest first, pages of 20:\n got %s\nwant %s", g.names(k, ids), g.names(k, wantIDs))
			}
		})
	}
}

// testFilterEmptyQuery: an empty FilterQuery is no filter (as in MLMD,
// which ignores an empty filter_query); a query of blanks is an error.
func testFilterEmptyQuery(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(artifacts, "t", "t", nil)
	g.put(artifacts, fnode{"a", "t", gnode{}}, fnode{"b", "t", gnode{}})
	g.checkFilter(t, artifacts, "", "a", "b")
	checkFilterError(t, g, artifacts, " \n\t ", "empty query")
}

// testFilterTokenBoundToFilter: a next-page token continues only the
// listing it came from, filter included. (MLMD compares only the order of
// the listing a token came from, and would page another filter's listing
// from the token's position.)
func testFilterTokenBoundToFilter(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(artifacts, "t", "t", props("p", mlmd.PropertyInt))
	g.typ(contexts, "ct", "ct", nil)
	for i := 0; i < 6; i++ {
		g.put(artifacts, fnode{fmt.Sprintf("a%d", i), "t", gnode{Props: pv("p", i64(int64(i)))}})
	}
	g.put(contexts, fnode{"c", "ct", gnode{}})
	g.link("c", "a0", "a1", "a2", "a3", "a4", "a5")
	const q = "properties.p.int_value >= 1"
	first := func(list func(o *mlmd.ListOptions) ([]gnode, string, error)) string {
		t.Helper()
		got, tok, err := list(&mlmd.ListOptions{MaxResultSize: 2, FilterQuery: q})
		ok(t, err, "first page")
		if want := []int64{g.id("a1"), g.id("a2")}; !slices.Equal(nodeIDs(got), want) || tok == "" {
			t.Fatalf("first page: got %s and token %q, want [a1 a2] and a token", g.names(artifacts, nodeIDs(got)), tok)
		}
		return tok
	}
	listings := []struct {
		name string
		list func(o *mlmd.ListOptions) ([]gnode, string, error)
	}{
		{"all", func(o *mlmd.ListOptions) ([]gnode, string, error) { return artifacts.list(t, s, o) }},
		{"by type", func(o *mlmd.ListOptions) ([]gnode, string, error) { return artifacts.byType(t, s, "t", "", o) }},
		{"by context", func(o *mlmd.ListOptions) ([]gnode, string, error) { return artifacts.byContext(t, s, g.id("c"), o) }},
	}
	for _, l := range listings {
		tok := first(l.list)
		for _, other := range []string{"", "properties.p.int_value >= 2", "properties.p.int_value >= 0"} {
			_, _, err := l.list(&mlmd.ListOptions{MaxResultSize: 2, FilterQuery: other, NextPageToken: tok})
			wantCode(t, err, mlmd.InvalidArgument, fmt.Sprintf("%s: token of %q with filter %q", l.name, q, other))
		}
		got, tok, err := l.list(&mlmd.ListOptions{MaxResultSize: 2, FilterQuery: q, NextPageToken: tok})
		ok(t, err, l.name+": second page")
		if want := []int64{g.id("a3"), g.id("a4")}; !slices.Equal(nodeIDs(got), want) || tok == "" {
			t.Errorf("%s: second page: got %s and token %q, want [a3 a4] and a token", l.name, g.names(artifacts, nodeIDs(got)), tok)
		}
	}
}

// testFilterWritesBetweenPages: the filter is evaluated on every page, on
// the store as it is then. Nodes before the position of the token never
// come back; nodes after it come if they match at the time.
func testFilterWritesBetweenPages(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(artifacts, "t", "t", props("p", mlmd.PropertyInt))
	for i := 0; i < 8; i++ {
		g.put(artifacts, fnode{fmt.Sprintf("a%d", i), "t", gnode{Props: pv("p", i64(int64(i%2)))}})
	}
	set := func(v int64, labels ...string) {
		g.update(func(n *gnode) { n.Props = pv("p", i64(v)) }, labels...)
	}
	const q = "properties.p.int_value = 1"
	o := &mlmd.ListOptions{MaxResultSize: 2, OrderBy: mlmd.OrderByCreateTime, FilterQuery: q}
	got, tok, err := artifacts.list(t, s, o)
	g.wantPage(t, got, tok, err, "page 1", true, "a1", "a3")
	// a0 (before the token) starts matching, a5 (after it) stops, a6
	// (after it) starts, and a new matching node comes last.
	set(1, "a0", "a6")
	set(0, "a5")
	g.put(artifacts, fnode{"a8", "t", gnode{Props: pv("p", i64(1))}})
	o.NextPageToken = tok
	got, tok, err = artifacts.list(t, s, o)
	g.wantPage(t, got, tok, err, "page 2", true, "a6", "a7")
	o.NextPageToken = tok
	got, tok, err = artifacts.list(t, s, o)
	g.wantPage(t, got, tok, err, "page 3", false, "a8")
	g.checkFilter(t, artifacts, q, "a0", "a1", "a3", "a6", "a7", "a8")
}

// wantPage checks one page of artifacts, in order, and whether it has a
// next-page token.
func (g *fgraph) wantPage(t *testing.T, got []gnode, tok string, err error, what string, more bool, want ...string) {
	t.Helper()
	ok(t, err, what)
	ids := make([]int64, len(want))
	for i, l := range want {
		ids[i] = g.idIn(t, l)
	}
	if !slices.Equal(nodeIDs(got), ids) {
		t.Fatalf("%s:\n got %s\nwant %s", what, g.names(artifacts, nodeIDs(got)), g.names(artifacts, ids))
	}
	if (tok != "") != more {
		t.Fatalf("%s: token %q, want one: %t", what, tok, more)
	}
}
