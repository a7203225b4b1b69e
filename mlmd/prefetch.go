package mlmd

// One read before a call writes: the types the call names, the stored
// nodes it updates, which nodes it refers to exist, which links it would
// add exist. A backend with driver.PrefetchTx answers them in one
// statement; the call's steps then take their answers from the callCache
// instead of asking the backend one by one. Without PrefetchTx only the
// types are read up front, and the steps ask as before.
//
// Each answer is taken at most once: a step that reads the same thing a
// second time, after the call may have written it, asks the backend.

import (
	"cmp"
	"context"
	"slices"

	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// prefetchedReads are the answers of a prefetch that steps have not taken
// yet.
type prefetchedReads struct {
	// nodes are the stored nodes read whole, by kind and id; asked are the
	// ids read, found or not.
	nodes      map[Kind]map[int64]node
	nodesAsked map[Kind]idSet
	// found are the ids of existing nodes, existsAsked the ids checked.
	found       map[Kind]idSet
	existsAsked map[Kind]idSet
	// links are the existing links by kind, linkContexts and linkNodes
	// the contexts and nodes asked about.
	links        map[Kind]map[[2]int64]bool
	linkContexts map[Kind]idSet
	linkNodes    map[Kind]idSet
}

// prefetch reads q: in one driver call with driver.PrefetchTx, or only
// its types (in one driver call) without.
func (c *callCache) prefetch(ctx context.Context, tx driver.Tx, q driver.Prefetch) error {
	q.TypeIDs = slices.DeleteFunc(dedupIDs(q.TypeIDs), func(id int64) bool { return c.prefetched[id] })
	pt, ok := optional[driver.PrefetchTx](tx)
	if !ok || (len(q.Nodes) == 0 && len(q.NodeIDs) == 0 && len(q.Links) == 0) {
		if len(q.TypeIDs) == 0 {
			return nil
		}
		rows, err := tx.FindTypes(ctx, driver.TypeQuery{IDs: q.TypeIDs, AnyKind: true})
		if err != nil {
			return err
		}
		c.addTypes(q.TypeIDs, rows)
		return nil
	}
	got, err := pt.Prefetch(ctx, q)
	if err != nil {
		return err
	}
	c.addTypes(q.TypeIDs, got.Types)
	r := &c.reads
	for dk, ids := range q.Nodes {
		k := Kind(dk)
		if r.nodes == nil {
			r.nodes, r.nodesAsked = map[Kind]map[int64]node{}, map[Kind]idSet{}
		}
		if r.nodes[k] == nil {
			r.nodes[k], r.nodesAsked[k] = map[int64]node{}, idSet{}
		}
		for _, id := range ids {
			r.nodesAsked[k][id] = true
		}
		for _, row := range got.Nodes[dk] {
			n, err := nodeFromRow(row)
			if err != nil {
				return err
			}
			r.nodes[k][n.ID] = n
		}
	}
	for dk, ids := range q.NodeIDs {
		k := Kind(dk)
		if r.found == nil {
			r.found, r.existsAsked = map[Kind]idSet{}, map[Kind]idSet{}
		}
		if r.found[k] == nil {
			r.found[k], r.existsAsked[k] = idSet{}, idSet{}
		}
		for _, id := range ids {
			r.existsAsked[k][id] = true
		}
		for _, id := range got.NodeIDs[dk] {
			r.found[k][id] = true
		}
	}
	for dk, lq := range q.Links {
		k := Kind(dk)
		if r.links == nil {
			r.links, r.linkContexts, r.linkNodes = map[Kind]map[[2]int64]bool{}, map[Kind]idSet{}, map[Kind]idSet{}
		}
		r.links[k], r.linkContexts[k], r.linkNodes[k] = map[[2]int64]bool{}, idSetOf(lq.ContextIDs), idSetOf(lq.NodeIDs)
		for _, l := range got.Links[dk] {
			r.links[k][[2]int64{l.ContextID, l.NodeID}] = true
		}
	}
	return nil
}

// takeNodes returns the prefetched stored nodes of kind k with the given
// ids, ordered by id, and true if all of them were prefetched; it forgets
// them.
func (c *callCache) takeNodes(k Kind, ids []int64) ([]node, bool) {
	if c == nil || c.reads.nodesAsked[k] == nil {
		return nil, false
	}
	ids = dedupIDs(ids)
	for _, id := range ids {
		if !c.reads.nodesAsked[k][id] {
			return nil, false
		}
	}
	var out []node
	for _, id := range ids {
		if n, ok := c.reads.nodes[k][id]; ok {
			out = append(out, n)
		}
		delete(c.reads.nodes[k], id)
		delete(c.reads.nodesAsked[k], id)
	}
	slices.SortFunc(out, func(a, b node) int { return cmp.Compare(a.ID, b.ID) })
	return out, true
}

// missing returns, if the prefetch checked all of ids, the first of them
// that names no node of kind k (false when all exist) and true.
func (c *callCache) missing(k Kind, ids []int64) (id int64, missing, known bool) {
	if c == nil || c.reads.existsAsked[k] == nil {
		return 0, false, false
	}
	for _, id := range ids {
		if !c.reads.existsAsked[k][id] {
			return 0, false, false
		}
	}
	for _, id := range ids {
		if !c.reads.found[k][id] {
			return id, true, true
		}
	}
	return 0, false, true
}

// linked reports whether the prefetch found the link of kind k between a
// context and a node. A link it did not ask about is not known to exist.
func (c *callCache) linked(k Kind, contextID, nodeID int64) bool {
	return c != nil && c.reads.links[k][[2]int64{contextID, nodeID}]
}

// getNodes is getNodes, answered from the prefetch when it read the ids.
func (c *callCache) getNodes(ctx context.Context, tx driver.Tx, k Kind, ids []int64) ([]node, error) {
	if ns, ok := c.takeNodes(k, ids); ok {
		return ns, nil
	}
	return getNodes(ctx, tx, k, ids)
}
