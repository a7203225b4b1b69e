package mlmd

// The lineage walk of GetLineageSubgraph, two ways with one answer:
//
//   - traced: one driver.LineageTx.TraceLineage call returns every reached
//     node with its distance and the events the expansions followed; the
//     store then picks the events MLMD returns (see pickEvents);
//   - hop by hop: MLMD's own algorithm, one GetEvents call per hop for the
//     whole frontier, on any driver.Tx.
//
// Both then read the nodes, links and types of the answer in batches.

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// lineageMask is a parsed read mask of GetLineageSubgraph.
type lineageMask struct {
	artifactTypes, executionTypes, contextTypes bool
	artifacts, executions, contexts             bool
	events, attributions, associations          bool
}

func fullLineageMask() lineageMask { return parseLineageMask(nil) }

// parseLineageMask reads a read mask; an empty one selects every field,
// unknown paths select nothing (as in MLMD).
func parseLineageMask(paths []string) lineageMask {
	if len(paths) == 0 {
		paths = LineageSubgraphReadMask
	}
	var m lineageMask
	for _, p := range paths {
		switch p {
		case "artifact_types":
			m.artifactTypes = true
		case "execution_types":
			m.executionTypes = true
		case "context_types":
			m.contextTypes = true
		case "artifacts":
			m.artifacts = true
		case "executions":
			m.executions = true
		case "contexts":
			m.contexts = true
		case "events":
			m.events = true
		case "attributions":
			m.attributions = true
		case "associations":
			m.associations = true
		}
	}
	return m
}

// traceBidirectionalMaxHops is the largest MaxNumHops for which a
// bidirectional walk is traced in the database. A bidirectional walk can
// reach a node again and again by going back and forth, so the recursive
// query holds each node up to MaxNumHops/2 times; beyond this limit the
// walk goes hop by hop, which reads each node once. (On the benchmark's
// 100,000-node store, tracing is 2 to 4 times faster up to 14 hops, even
// at 20, and 2 to 3 times slower at 30.) Upstream and downstream walks
// are always traced. A variable for tests.
var traceBidirectionalMaxHops = 16

// subgraphPlan is a checked LineageSubgraphQuery.
type subgraphPlan struct {
	startKind   Kind
	startFilter *driver.Filter
	// startIDs, if not nil, are the starting nodes in place of startFilter
	// (the helpers start from one artifact by id: no filter to parse).
	startIDs []int64
	maxHops  int
	dir      LineageDirection
	// ending is indexed by Kind (execution, artifact); nil for none.
	ending [2]*EndingNodes
	// endingFilter holds the checked filter queries of ending, nil where
	// ending is nil or its query is empty.
	endingFilter [2]*driver.Filter
	mask         lineageMask
	idsOnly      bool
	// walk, if not "", makes the walk "traced" (where the driver can) or
	// "hops" (hop by hop), for tests that compare the two (Store.walk).
	walk string
}

// planSubgraph checks a query, with MLMD's messages.
func planSubgraph(q LineageSubgraphQuery) (*subgraphPlan, error) {
	p := &subgraphPlan{
		maxHops: MaxLineageHops,
		dir:     q.Direction,
		mask:    parseLineageMask(q.ReadMask),
		idsOnly: q.NodeIDsOnly,
	}
	var startFilter string
	switch {
	case q.StartingArtifacts != nil && q.StartingExecutions != nil:
		return nil, invalid("starting artifacts and starting executions are both given; give one")
	case q.StartingArtifacts != nil:
		p.startKind, startFilter = KindArtifact, q.StartingArtifacts.FilterQuery
	case q.StartingExecutions != nil:
		p.startKind, startFilter = KindExecution, q.StartingExecutions.FilterQuery
	default:
		return nil, invalid("Missing arguments for listing starting nodes.")
	}
	if startFilter == "" {
		return nil, invalid("Cannot list starting nodes if `filter_query` is unspecified.")
	}
	var err error
	if p.startFilter, err = checkFilter(startFilter, p.startKind); err != nil {
		return nil, errcode.Annotate(err, "starting %ss", p.startKind)
	}
	if q.MaxNumHops != nil {
		if *q.MaxNumHops < 0 {
			return nil, invalid("max_num_hops cannot be negative: max_num_hops = %d", *q.MaxNumHops)
		}
		p.maxHops = int(min(*q.MaxNumHops, MaxLineageHops))
	}
	if p.dir < DirectionUnspecified || p.dir > Bidirectional {
		return nil, invalid("unknown lineage direction %d", int32(p.dir))
	}
	if p.dir == DirectionUnspecified {
		p.dir = Bidirectional
	}
	p.ending[KindArtifact] = q.EndingArtifacts
	p.ending[KindExecution] = q.EndingExecutions
	for k, e := range p.ending {
		if e != nil && e.FilterQuery != "" {
			if p.endingFilter[k], err = checkFilter(e.FilterQuery, Kind(k)); err != nil {
				return nil, errcode.Annotate(err, "ending %ss", Kind(k))
			}
		}
	}
	return p, nil
}

// followed returns the event types a walk in direction dir follows from a
// node of kind from; nil means every type.
func followed(dir LineageDirection, from Kind) []int32 {
	inputs := []int32{int32(EventDeclaredInput), int32(EventInput), int32(EventInternalInput)}
	outputs := []int32{int32(EventDeclaredOutput), int32(EventOutput), int32(EventInternalOutput), int32(EventPendingOutput)}
	switch {
	case dir == Bidirectional:
		return nil
	case (dir == Upstream) == (from == KindArtifact):
		// Upstream from an artifact: to the executions that output it;
		// downstream from an execution: to its outputs.
		return outputs
	default:
		return inputs
	}
}

func follows(types []int32, t int32) bool { return types == nil || slices.Contains(types, t) }

func otherKind(k Kind) Kind {
	if k == KindArtifact {
		return KindExecution
	}
	return KindArtifact
}

// endOf returns the id of the node of kind k that an event links.
func endOf(ev driver.EventRow, k Kind) int64 {
	if k == KindExecution {
		return ev.ExecutionID
	}
	return ev.ArtifactID
}

// walkResult is the outcome of a walk: the ids of the nodes and the
// events to return.
type walkResult struct {
	ids    [2][]int64 // by Kind (execution, artifact), sorted
	events []driver.EventRow
}

// run answers the query in tx.
func (p *subgraphPlan) run(ctx context.Context, tx driver.Tx) (LineageGraph, error) {
	lt, ok := optional[driver.LineageTx](tx)
	trace := ok && p.traceable()
	switch p.walk {
	case "traced":
		trace = ok && p.canTrace()
	case "hops":
		trace = false
	}
	var w walkResult
	var err error
	if trace {
		w, err = p.traced(ctx, lt)
	} else {
		w, err = p.hopByHop(ctx, tx)
	}
	if err != nil {
		return LineageGraph{}, err
	}
	return p.assemble(ctx, tx, w)
}

// noStartErr is the error for a starting filter that matches nothing.
func (p *subgraphPlan) noStartErr() error {
	if p.startIDs != nil {
		return errcode.New(errcode.NotFound, "no %s with id %v", p.startKind, p.startIDs)
	}
	return errcode.New(errcode.NotFound, "Cannot find qualified nodes to start the traversal: no %s matches %q", p.startKind, p.startFilter)
}

// traceable says whether the walk can be traced in the database, see
// traceBidirectionalMaxHops. An EndingNodes with an empty filter (every
// node of the kind ends) has no filter query to hand to the driver; such
// a walk is at most two hops long anyway.
func (p *subgraphPlan) traceable() bool {
	return p.canTrace() && (p.dir != Bidirectional || p.maxHops <= traceBidirectionalMaxHops)
}

// canTrace says whether the driver can be handed the walk at all.
func (p *subgraphPlan) canTrace() bool {
	for _, e := range p.ending {
		if e != nil && e.FilterQuery == "" {
			return false
		}
	}
	return true
}

func (p *subgraphPlan) includes(k Kind) bool {
	return p.ending[k] != nil && p.ending[k].IncludeEndingNodes
}

// traced walks with one TraceLineage call and applies MLMD's rules to its
// answer.
func (p *subgraphPlan) traced(ctx context.Context, tx driver.LineageTx) (walkResult, error) {
	q := driver.LineageTrace{
		StartKind:           driver.Kind(p.startKind),
		StartIDs:            p.startIDs,
		StartFilter:         p.startFilter,
		StartLimit:          MaxLineageStartingNodes,
		MaxHops:             p.maxHops,
		ArtifactEventTypes:  followed(p.dir, KindArtifact),
		ExecutionEventTypes: followed(p.dir, KindExecution),
		WithEvents:          p.mask.events,
	}
	q.EndingArtifacts = p.endingFilter[KindArtifact]
	q.EndingExecutions = p.endingFilter[KindExecution]
	res, err := tx.TraceLineage(ctx, q)
	if err != nil {
		return walkResult{}, err
	}
	if len(res.Nodes) == 0 {
		// The start nodes are reached, whatever else is: there are none.
		return walkResult{}, p.noStartErr()
	}
	var w walkResult
	reached := [2]map[int64]driver.TracedNode{{}, {}}
	for _, n := range res.Nodes {
		k := Kind(n.Kind)
		reached[k][n.ID] = n
		if !n.Ending || p.includes(k) {
			w.ids[k] = append(w.ids[k], n.ID)
		}
	}
	w.events = p.pickEvents(res.Events, reached)
	return w, nil
}

// pickEvents chooses, among the events followed from expanded nodes, the
// ones MLMD returns. MLMD looks at the events of the nodes it expands, hop
// by hop, and keeps an event from an expanded node X to a node Y when Y
// is new, or Y is an ending node and ending nodes of Y's kind are
// included, or Y was reached before and the walk is directional. So an
// event to a node that is not an ending node is always kept: either Y is
// new, or the walk is directional, or (bidirectional) Y was reached before
// X, at a lower distance, and so was expanded itself and kept the event
// from its side, where X was new. What remains is the rule for ending
// nodes.
func (p *subgraphPlan) pickEvents(events []driver.EventRow, reached [2]map[int64]driver.TracedNode) []driver.EventRow {
	var out []driver.EventRow
	for _, ev := range events {
		keep := false
		for _, from := range []Kind{KindArtifact, KindExecution} {
			x, ok := reached[from][endOf(ev, from)]
			if !ok || x.Ending || x.Hops >= p.maxHops || !follows(followed(p.dir, from), ev.Type) {
				continue
			}
			to := otherKind(from)
			if y, ok := reached[to][endOf(ev, to)]; ok && (!y.Ending || p.includes(to)) {
				keep = true
			}
		}
		if keep {
			out = append(out, ev)
		}
	}
	return out
}

// matcher finds the nodes that match filter queries, through the driver
// where it can, else by listing every match once per query.
type matcher struct {
	tx     driver.Tx
	listed map[string]map[int64]bool
}

// match returns those of ids whose node of kind k matches filter.
func (m *matcher) match(ctx context.Context, k Kind, filter *driver.Filter, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	if lt, ok := optional[driver.LineageTx](m.tx); ok {
		found, err := lt.MatchNodeIDs(ctx, filter, ids)
		for _, id := range found {
			out[id] = true
		}
		return out, err
	}
	key := fmt.Sprintf("%d\x00%s", k, filter.String())
	all, ok := m.listed[key]
	if !ok {
		keys, err := m.tx.ListNodes(ctx, driver.ListQuery{Kind: driver.Kind(k), Filter: filter, OrderBy: driver.OrderByID})
		if err != nil {
			return nil, err
		}
		all = make(map[int64]bool, len(keys))
		for _, key := range keys {
			all[key.ID] = true
		}
		if m.listed == nil {
			m.listed = map[string]map[int64]bool{}
		}
		m.listed[key] = all
	}
	for _, id := range ids {
		if all[id] {
			out[id] = true
		}
	}
	return out, nil
}

// endingOf returns those of ids that are ending nodes of kind k.
func (p *subgraphPlan) endingOf(ctx context.Context, m *matcher, k Kind, ids []int64) (map[int64]bool, error) {
	e := p.ending[k]
	switch {
	case e == nil || len(ids) == 0:
		return map[int64]bool{}, nil
	case e.FilterQuery == "":
		all := make(map[int64]bool, len(ids))
		for _, id := range ids {
			all[id] = true
		}
		return all, nil
	}
	found, err := m.match(ctx, k, p.endingFilter[k], ids)
	if err != nil {
		return nil, errcode.Annotate(err, "ending %ss", k)
	}
	return found, nil
}

// hopByHop is MLMD's walk: from the frontier, one GetEvents call per hop.
func (p *subgraphPlan) hopByHop(ctx context.Context, tx driver.Tx) (walkResult, error) {
	starts, err := p.startNodes(ctx, tx)
	if err != nil {
		return walkResult{}, err
	}
	if len(starts) == 0 {
		return walkResult{}, p.noStartErr()
	}
	w := &hopWalk{p: p, m: &matcher{tx: tx}, visited: [2]map[int64]bool{{}, {}}, ending: [2]map[int64]bool{{}, {}}, seen: map[int64]bool{}}
	from := p.startKind
	if w.ending[from], err = p.endingOf(ctx, w.m, from, starts); err != nil {
		return walkResult{}, err
	}
	frontier := w.enter(from, starts)
	for hop := 0; hop < p.maxHops && len(frontier) > 0; hop++ {
		if frontier, err = w.hop(ctx, tx, from, frontier); err != nil {
			return walkResult{}, err
		}
		from = otherKind(from)
	}
	return w.result(), nil
}

// startNodes returns the ids of the starting nodes: those of startIDs that
// exist, or the first MaxLineageStartingNodes matches of startFilter.
func (p *subgraphPlan) startNodes(ctx context.Context, tx driver.Tx) ([]int64, error) {
	var starts []int64
	if p.startIDs != nil {
		found, err := getNodes(ctx, tx, p.startKind, p.startIDs)
		if err != nil {
			return nil, err
		}
		for _, n := range found {
			starts = append(starts, n.ID)
		}
		return starts, nil
	}
	keys, err := tx.ListNodes(ctx, driver.ListQuery{
		Kind:    p.startKind,
		Filter:  p.startFilter,
		OrderBy: driver.OrderByID,
		Limit:   MaxLineageStartingNodes,
	})
	if err != nil {
		return nil, errcode.Annotate(err, "starting %ss", p.startKind)
	}
	for _, k := range keys {
		starts = append(starts, k.ID)
	}
	return starts, nil
}

// hopWalk is the state of MLMD's hop-by-hop walk: the nodes reached, by
// kind (execution, artifact), and the events kept.
type hopWalk struct {
	p       *subgraphPlan
	m       *matcher
	visited [2]map[int64]bool // reached and expanded (or to be)
	ending  [2]map[int64]bool // reached ending nodes, never expanded
	events  []driver.EventRow
	seen    map[int64]bool // ids of events
}

// enter marks the nodes of kind k that are not ending nodes as visited and
// returns them: the next frontier.
func (w *hopWalk) enter(k Kind, ids []int64) []int64 {
	var frontier []int64
	for _, id := range ids {
		if !w.ending[k][id] {
			frontier = append(frontier, id)
			w.visited[k][id] = true
		}
	}
	return frontier
}

// hop expands the frontier, nodes of kind from, by one hop along the
// followed events, keeps the events MLMD keeps, and returns the next
// frontier.
func (w *hopWalk) hop(ctx context.Context, tx driver.Tx, from Kind, frontier []int64) ([]int64, error) {
	p, to := w.p, otherKind(from)
	rows, err := tx.GetEvents(ctx, from, frontier)
	if err != nil {
		return nil, err
	}
	types := followed(p.dir, from)
	var cands []int64
	candSet := map[int64]bool{}
	for _, ev := range rows {
		y := endOf(ev, to)
		if follows(types, ev.Type) && !w.visited[to][y] && !w.ending[to][y] && !candSet[y] {
			candSet[y] = true
			cands = append(cands, y)
		}
	}
	newEnding, err := p.endingOf(ctx, w.m, to, cands)
	if err != nil {
		return nil, err
	}
	maps.Copy(w.ending[to], newEnding)
	for _, ev := range rows {
		if !follows(types, ev.Type) || w.seen[ev.ID] {
			continue
		}
		y := endOf(ev, to)
		var keep bool
		switch {
		case w.ending[to][y]:
			keep = p.includes(to)
		case w.visited[to][y]:
			keep = p.dir != Bidirectional
		default:
			keep = true // new this hop
		}
		if keep {
			w.seen[ev.ID] = true
			w.events = append(w.events, ev)
		}
	}
	return w.enter(to, cands), nil
}

// result returns the walk's nodes and events, ordered by id.
func (w *hopWalk) result() walkResult {
	var r walkResult
	for _, k := range []Kind{KindExecution, KindArtifact} {
		ids := slices.Collect(maps.Keys(w.visited[k]))
		if w.p.includes(k) {
			ids = append(ids, slices.Collect(maps.Keys(w.ending[k]))...)
		}
		slices.Sort(ids)
		r.ids[k] = ids
	}
	slices.SortFunc(w.events, func(a, b driver.EventRow) int { return cmp.Compare(a.ID, b.ID) })
	r.events = w.events
	return r
}

// assemble reads what the mask asks for about the walk's nodes.
func (p *subgraphPlan) assemble(ctx context.Context, tx driver.Tx, w walkResult) (LineageGraph, error) {
	var g LineageGraph
	arts, execs := w.ids[KindArtifact], w.ids[KindExecution]
	if p.mask.artifacts {
		ns, err := p.nodes(ctx, tx, KindArtifact, arts)
		if err != nil {
			return g, err
		}
		g.Artifacts = toArtifacts(ns)
	}
	if p.mask.executions {
		ns, err := p.nodes(ctx, tx, KindExecution, execs)
		if err != nil {
			return g, err
		}
		g.Executions = toExecutions(ns)
	}
	if p.mask.events {
		g.Events = mapSlice(w.events, eventFromRow)
	}
	if err := p.assembleContexts(ctx, tx, &g, arts, execs); err != nil {
		return g, err
	}
	if err := assembleTypes(ctx, tx, &g, p.mask, true); err != nil {
		return g, err
	}
	return g, nil
}

// nodes returns the nodes of kind k with the given ids (sorted and
// distinct), read from the store or, with NodeIDsOnly, with their ids
// only.
func (p *subgraphPlan) nodes(ctx context.Context, tx driver.Tx, k Kind, ids []int64) ([]node, error) {
	if !p.idsOnly {
		return getNodes(ctx, tx, k, ids)
	}
	ns := make([]node, len(ids))
	for i, id := range ids {
		ns[i] = node{ID: id}
	}
	return ns, nil
}

// assembleContexts fills the contexts of the nodes and their links.
func (p *subgraphPlan) assembleContexts(ctx context.Context, tx driver.Tx, g *LineageGraph, arts, execs []int64) error {
	var contextIDs []int64
	if p.mask.contexts || p.mask.attributions {
		links, err := tx.GetLinks(ctx, driver.KindArtifact, arts, nil)
		if err != nil {
			return err
		}
		for _, l := range links {
			contextIDs = append(contextIDs, l.ContextID)
			if p.mask.attributions {
				g.Attributions = append(g.Attributions, Attribution{ArtifactID: l.NodeID, ContextID: l.ContextID})
			}
		}
	}
	if p.mask.contexts || p.mask.associations {
		links, err := tx.GetLinks(ctx, driver.KindExecution, execs, nil)
		if err != nil {
			return err
		}
		for _, l := range links {
			contextIDs = append(contextIDs, l.ContextID)
			if p.mask.associations {
				g.Associations = append(g.Associations, Association{ExecutionID: l.NodeID, ContextID: l.ContextID})
			}
		}
	}
	if !p.mask.contexts {
		return nil
	}
	contextIDs = dedupIDs(contextIDs)
	slices.Sort(contextIDs)
	ns, err := p.nodes(ctx, tx, KindContext, contextIDs)
	if err != nil {
		return err
	}
	g.Contexts = toContexts(ns)
	return nil
}

// assembleTypes fills the types the mask asks for: every type of the
// store, with MLMD's system base types if withSystem.
func assembleTypes(ctx context.Context, tx driver.Tx, g *LineageGraph, m lineageMask, withSystem bool) error {
	var err error
	if m.artifactTypes {
		if g.ArtifactTypes, err = queryTypes(ctx, tx, allTypes(driver.KindArtifact, withSystem), artifactTypeFromRow); err != nil {
			return err
		}
	}
	if m.executionTypes {
		if g.ExecutionTypes, err = queryTypes(ctx, tx, allTypes(driver.KindExecution, withSystem), executionTypeFromRow); err != nil {
			return err
		}
	}
	if m.contextTypes {
		g.ContextTypes, err = queryTypes(ctx, tx, allTypes(driver.KindContext, withSystem), contextTypeFromRow)
	}
	return err
}
