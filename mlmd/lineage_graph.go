package mlmd

// GetLineageGraph: MLMD's older lineage query, hop by hop with a node
// budget, one GetEvents call per hop for the whole frontier.

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// graphPlan is a checked LineageGraphQuery.
type graphPlan struct {
	list     *listSpec // the query nodes
	maxHops  int
	boundary [2]*driver.Filter // by Kind (execution, artifact); nil for none
	// quota is the most nodes to return; math.MaxInt64 for no limit.
	quota int64
}

func planGraph(q LineageGraphQuery) (*graphPlan, error) {
	p := &graphPlan{maxHops: MaxLineageGraphHops, quota: DefaultLineageGraphNodeSize}
	if q.Artifacts == nil {
		return nil, invalid("Missing query_nodes conditions")
	}
	var err error
	if p.list, err = planListing(KindArtifact, q.Artifacts); err != nil {
		return nil, err
	}
	if q.MaxNumHops != nil {
		if *q.MaxNumHops < 0 {
			return nil, invalid("max_num_hops cannot be negative: max_num_hops = %d", *q.MaxNumHops)
		}
		p.maxHops = int(min(*q.MaxNumHops, MaxLineageGraphHops))
	}
	if q.MaxNodeSize != nil {
		p.quota = *q.MaxNodeSize
	}
	if p.quota <= 0 {
		p.quota = math.MaxInt64
	}
	for k, b := range map[Kind]string{KindArtifact: q.BoundaryArtifacts, KindExecution: q.BoundaryExecutions} {
		if b == "" {
			continue
		}
		if p.boundary[k], err = checkFilter(b, k); err != nil {
			return nil, errcode.Annotate(err, "boundary %ss", k)
		}
	}
	return p, nil
}

func (p *graphPlan) run(ctx context.Context, tx driver.Tx) (LineageGraph, error) {
	var g LineageGraph
	query, _, err := listNodes(ctx, tx, KindArtifact, 0, 0, p.list)
	if err != nil {
		return g, errcode.Annotate(err, "query nodes")
	}
	if len(query) == 0 {
		return g, errcode.New(errcode.NotFound, "The query_nodes condition does not match any nodes to do traversal.")
	}
	if int64(len(query)) > p.quota {
		query = query[:p.quota]
	}
	quota := p.quota
	if quota != math.MaxInt64 {
		quota -= int64(len(query))
	}
	m := &matcher{tx: tx}
	visited := [2]map[int64]bool{{}, {}}
	found := [2][]int64{}
	frontier := make([]int64, len(query))
	for i, n := range query {
		frontier[i] = n.ID
	}
	var events []driver.EventRow
	from := KindArtifact
	for hop := 0; hop < p.maxHops && quota > 0; hop++ {
		to := otherKind(from)
		for _, id := range frontier {
			visited[from][id] = true
		}
		rows, err := tx.GetEvents(ctx, driver.Kind(from), frontier)
		if err != nil {
			return g, err
		}
		var cands []int64
		for _, ev := range rows {
			if y := endOf(ev, to); !visited[to][y] {
				cands = append(cands, y)
			}
		}
		slices.Sort(cands)
		cands = slices.Compact(cands)
		if b := p.boundary[to]; b != nil && len(cands) > 0 {
			keep, err := m.match(ctx, to, b, cands)
			if err != nil {
				return g, errcode.Annotate(err, "boundary %ss", to)
			}
			cands = slices.DeleteFunc(cands, func(id int64) bool { return !keep[id] })
		}
		if int64(len(cands)) > quota {
			cands = cands[:quota]
		}
		if len(cands) == 0 {
			break
		}
		for _, ev := range rows {
			if _, ok := slices.BinarySearch(cands, endOf(ev, to)); ok {
				events = append(events, ev)
			}
		}
		found[to] = append(found[to], cands...)
		quota -= int64(len(cands))
		frontier = cands
		from = to
	}

	// The nodes: the query nodes as listed, and the found ones.
	arts := make([]node, 0, len(query)+len(found[KindArtifact]))
	arts = append(arts, query...)
	more, err := getNodes(ctx, tx, KindArtifact, found[KindArtifact])
	if err != nil {
		return g, err
	}
	arts = append(arts, more...)
	slices.SortFunc(arts, func(a, b node) int { return cmp.Compare(a.ID, b.ID) })
	g.Artifacts = toArtifacts(arts)
	execs, err := getNodes(ctx, tx, KindExecution, found[KindExecution])
	if err != nil {
		return g, err
	}
	g.Executions = toExecutions(execs)
	slices.SortFunc(events, func(a, b driver.EventRow) int { return cmp.Compare(a.ID, b.ID) })
	for _, ev := range events {
		g.Events = append(g.Events, eventFromRow(ev))
	}
	err = assembleTypes(ctx, tx, &g, lineageMask{artifactTypes: true, executionTypes: true, contextTypes: true}, false)
	return g, err
}
