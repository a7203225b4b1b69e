package mlmdio

import (
	"context"
	"maps"
	"slices"

	"github.com/gomlmd/gomlmd/mlmd"
)

// Selection chooses part of a store to export: the nodes that filter
// queries match, and their closure, so that the stream imports into an
// empty store with every included node's provenance complete:
//
//   - the seeds: the artifacts, executions and contexts the filter
//     queries match (an empty query matches none of its kind);
//   - the member artifacts and executions of the seed contexts;
//   - everything upstream of an included artifact or execution: the
//     executions that output it, their inputs, and so on;
//   - the contexts of every included artifact and execution, and their
//     parent contexts, transitively.
//
// Events, attributions, associations and parent-context links are
// exported when both their ends are included. Every type is exported.
type Selection struct {
	Artifacts, Executions, Contexts string
}

// closure holds the ids of a selection.
type closure struct {
	ids map[string]map[int64]bool // by KindArtifact, KindExecution, KindContext
}

func (c *closure) has(kind string, id int64) bool {
	if c == nil {
		return true
	}
	return c.ids[kind][id]
}

// sorted returns the ids of a kind, ascending.
func (c *closure) sorted(kind string) []int64 {
	return slices.Sorted(maps.Keys(c.ids[kind]))
}

// chunks splits ids into pages of the export's page size.
func chunks(ids []int64) [][]int64 {
	var out [][]int64
	for start := 0; start < len(ids); start += pageSize {
		out = append(out, ids[start:min(start+pageSize, len(ids))])
	}
	return out
}

// selectClosure computes the closure of a selection. Its memory is
// proportional to the closure.
func selectClosure(ctx context.Context, s *mlmd.Store, sel Selection) (*closure, error) {
	c := &closure{ids: map[string]map[int64]bool{KindArtifact: {}, KindExecution: {}, KindContext: {}}}
	var newA, newX, newC []int64
	add := func(kind string, id int64, frontier *[]int64) {
		if !c.ids[kind][id] {
			c.ids[kind][id] = true
			*frontier = append(*frontier, id)
		}
	}
	filtered := func(q string) *mlmd.ListOptions {
		return &mlmd.ListOptions{MaxResultSize: pageSize, OrderBy: mlmd.OrderByID, FilterQuery: q}
	}
	// Seeds.
	if sel.Artifacts != "" {
		if err := listIDs(ctx, s.GetArtifacts, filtered(sel.Artifacts), func(a mlmd.Artifact) { add(KindArtifact, a.ID, &newA) }); err != nil {
			return nil, err
		}
	}
	if sel.Executions != "" {
		if err := listIDs(ctx, s.GetExecutions, filtered(sel.Executions), func(x mlmd.Execution) { add(KindExecution, x.ID, &newX) }); err != nil {
			return nil, err
		}
	}
	if sel.Contexts != "" {
		if err := listIDs(ctx, s.GetContexts, filtered(sel.Contexts), func(x mlmd.Context) { add(KindContext, x.ID, &newC) }); err != nil {
			return nil, err
		}
	}
	// Members of the seed contexts.
	for _, id := range newC {
		byCtxA := func(ctx context.Context, o *mlmd.ListOptions) ([]mlmd.Artifact, string, error) {
			return s.GetArtifactsByContext(ctx, id, o)
		}
		byCtxX := func(ctx context.Context, o *mlmd.ListOptions) ([]mlmd.Execution, string, error) {
			return s.GetExecutionsByContext(ctx, id, o)
		}
		if err := listIDs(ctx, byCtxA, filtered(""), func(a mlmd.Artifact) { add(KindArtifact, a.ID, &newA) }); err != nil {
			return nil, err
		}
		if err := listIDs(ctx, byCtxX, filtered(""), func(x mlmd.Execution) { add(KindExecution, x.ID, &newX) }); err != nil {
			return nil, err
		}
	}
	// Upstream, until nothing new is found; every included node is
	// visited once, so also record its contexts.
	var nodesA, nodesX []int64
	for len(newA) > 0 || len(newX) > 0 {
		frontierA, frontierX := newA, newX
		newA, newX = nil, nil
		nodesA, nodesX = append(nodesA, frontierA...), append(nodesX, frontierX...)
		for _, part := range chunks(frontierA) {
			evs, err := s.GetEventsByArtifactIDs(ctx, part)
			if err != nil {
				return nil, err
			}
			for _, ev := range evs {
				if ev.Type.IsOutput() {
					add(KindExecution, ev.ExecutionID, &newX)
				}
			}
		}
		for _, part := range chunks(frontierX) {
			evs, err := s.GetEventsByExecutionIDs(ctx, part)
			if err != nil {
				return nil, err
			}
			for _, ev := range evs {
				if ev.Type.IsInput() {
					add(KindArtifact, ev.ArtifactID, &newA)
				}
			}
		}
	}
	// Contexts of the included nodes, then their ancestors.
	newC = nil
	for _, id := range nodesA {
		cs, err := s.GetContextsByArtifact(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, x := range cs {
			add(KindContext, x.ID, &newC)
		}
	}
	for _, id := range nodesX {
		cs, err := s.GetContextsByExecution(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, x := range cs {
			add(KindContext, x.ID, &newC)
		}
	}
	ancestors := c.sorted(KindContext)
	for len(ancestors) > 0 {
		var next []int64
		for _, part := range chunks(ancestors) {
			parents, err := s.GetParentContextsByContexts(ctx, part)
			if err != nil {
				return nil, err
			}
			for _, ps := range parents {
				for _, p := range ps {
					add(KindContext, p.ID, &next)
				}
			}
		}
		ancestors = next
	}
	return c, nil
}

// listIDs pages through a listing and calls each with every node.
func listIDs[T any](ctx context.Context, get func(context.Context, *mlmd.ListOptions) ([]T, string, error), opts *mlmd.ListOptions, each func(T)) error {
	return pagesFrom(ctx, opts, listAll(ctx, get), func(ns []T) error {
		for _, n := range ns {
			each(n)
		}
		return nil
	})
}

// eachPage calls page with every page of the nodes of a kind that the
// export includes: the listing's pages for the whole store, pages of ids
// for a selection.
func eachPage[T any](e *exporter, kind string, list func(context.Context, *mlmd.ListOptions) ([]T, string, error),
	byID func(context.Context, []int64) ([]T, error), page func([]T) error) error {
	if e.sel == nil {
		return pages(e.ctx, listAll(e.ctx, list), page)
	}
	for _, part := range chunks(e.sel.sorted(kind)) {
		ns, err := byID(e.ctx, part)
		if err != nil {
			return err
		}
		if len(ns) > 0 {
			if err := page(ns); err != nil {
				return err
			}
		}
	}
	return nil
}
