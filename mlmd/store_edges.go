package mlmd

// Edges: events, attributions and associations, parent contexts.

import (
	"context"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// idSet is a set of node ids.
type idSet map[int64]bool

// firstMissing returns the first of ids that names no node of kind k (ids
// that are not positive name none), and false when they all exist, in
// one driver call, or none if c's prefetch checked them (c may be nil).
func firstMissing(ctx context.Context, tx driver.Tx, k Kind, ids []int64, c *callCache) (int64, bool, error) {
	if len(ids) == 0 {
		return 0, false, nil
	}
	if id, missing, known := c.missing(k, ids); known {
		return id, missing, nil
	}
	found, err := tx.FindNodeIDs(ctx, driver.Kind(k), driver.NodeQuery{IDs: ids})
	if err != nil {
		return 0, false, err
	}
	have := make(idSet, len(found))
	for _, id := range found {
		have[id] = true
	}
	for _, id := range ids {
		if !have[id] {
			return id, true, nil
		}
	}
	return 0, false, nil
}

// requireNodes checks that the nodes of kind k with the given ids exist,
// in one driver call, skipping the ids in known. A missing id is
// InvalidArgument, as MLMD reports dangling edge ends.
func requireNodes(ctx context.Context, tx driver.Tx, k Kind, ids []int64, known idSet, c *callCache) error {
	var want []int64
	for _, id := range dedupIDs(ids) {
		if !known[id] {
			want = append(want, id)
		}
	}
	id, missing, err := firstMissing(ctx, tx, k, want, c)
	if err != nil {
		return err
	}
	if missing {
		return invalid("no %s with id %d", k, id)
	}
	return nil
}

// checkEvent checks an event's fields (not the existence of its ends).
func checkEvent(e Event) error {
	switch {
	case e.ArtifactID <= 0:
		return invalid("no artifact id is given")
	case e.ExecutionID <= 0:
		return invalid("no execution id is given")
	case e.Type == EventUnknown:
		return invalid("no event type is given")
	case e.Type < EventUnknown || e.Type > EventPendingOutput:
		return invalid("unknown event type %d", int32(e.Type))
	case e.MillisecondsSinceEpoch < 0:
		return invalid("negative event time %d", e.MillisecondsSinceEpoch)
	}
	return nil
}

// insertEvents checks and inserts events: both ends must exist (those in
// the known sets were just written by the same call; c, if not nil, may
// have checked others), and a zero time becomes now.
func insertEvents(ctx context.Context, tx driver.Tx, events []Event, now int64, knownArtifacts, knownExecutions idSet, c *callCache) error {
	if len(events) == 0 {
		return nil
	}
	rows := make([]driver.EventRow, len(events))
	arts := make([]int64, len(events))
	exes := make([]int64, len(events))
	for i, e := range events {
		if err := stopped(ctx, i); err != nil {
			return err
		}
		if err := checkEvent(e); err != nil {
			return errcode.Annotate(err, "event %d", i)
		}
		if e.MillisecondsSinceEpoch == 0 {
			e.MillisecondsSinceEpoch = now
		}
		rows[i] = eventRow(e)
		arts[i], exes[i] = e.ArtifactID, e.ExecutionID
	}
	if err := requireNodes(ctx, tx, KindArtifact, arts, knownArtifacts, c); err != nil {
		return err
	}
	if err := requireNodes(ctx, tx, KindExecution, exes, knownExecutions, c); err != nil {
		return err
	}
	err := tx.InsertEvents(ctx, rows)
	if errcode.Of(err) == errcode.AlreadyExists {
		err = duplicateEventError(ctx, tx, rows, err)
	}
	return err
}

// insertLinks links artifacts (kind KindArtifact) or executions to
// contexts, skipping pairs that repeat or that c's prefetch found (c may
// be nil); the backend skips the other pairs that exist.
func insertLinks(ctx context.Context, tx driver.Tx, k Kind, rows []driver.LinkRow, c *callCache) error {
	seen := map[[2]int64]bool{}
	var out []driver.LinkRow
	for _, r := range rows {
		key := [2]int64{r.ContextID, r.NodeID}
		if !seen[key] && !c.linked(k, r.ContextID, r.NodeID) {
			seen[key] = true
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return tx.InsertLinks(ctx, driver.Kind(k), out)
}

// checkParentLinks rejects parent-context links that would make a cycle,
// taking the links in order (a link sees the earlier ones). It loads the
// stored ancestors of the contexts involved one level per driver call.
func checkParentLinks(ctx context.Context, tx driver.Tx, links []ParentContext) error {
	parents := map[int64][]int64{}
	loaded := idSet{}
	var frontier []int64
	for _, l := range links {
		frontier = append(frontier, l.ChildID, l.ParentID)
	}
	frontier = dedupIDs(frontier)
	for len(frontier) > 0 {
		rows, err := tx.GetParentContexts(ctx, frontier, nil)
		if err != nil {
			return err
		}
		for _, id := range frontier {
			loaded[id] = true
		}
		var next []int64
		for _, r := range rows {
			parents[r.ChildID] = append(parents[r.ChildID], r.ParentID)
			if !loaded[r.ParentID] {
				next = append(next, r.ParentID)
			}
		}
		frontier = dedupIDs(next)
	}
	for i, l := range links {
		// A cycle forms if the child is already an ancestor of the parent.
		seen := idSet{}
		stack := []int64{l.ParentID}
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if id == l.ChildID {
				return invalid("parent context %d: linking context %d to parent %d would make a cycle", i, l.ChildID, l.ParentID)
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			stack = append(stack, parents[id]...)
		}
		parents[l.ChildID] = append(parents[l.ChildID], l.ParentID)
	}
	return nil
}

// linkedContexts returns the contexts linked to the given ones: their
// parents (parents true) or their children, keyed by the given context.
func linkedContexts(ctx context.Context, tx driver.Tx, ids []int64, parents bool) (map[int64][]Context, error) {
	ids = dedupIDs(ids)
	if len(ids) == 0 {
		return map[int64][]Context{}, nil
	}
	var rows []driver.ParentContextRow
	var err error
	if parents {
		rows, err = tx.GetParentContexts(ctx, ids, nil)
	} else {
		rows, err = tx.GetParentContexts(ctx, nil, ids)
	}
	if err != nil {
		return nil, err
	}
	// ends returns the given context of a link and the linked one.
	ends := func(r driver.ParentContextRow) (given, linked int64) {
		if parents {
			return r.ChildID, r.ParentID
		}
		return r.ParentID, r.ChildID
	}
	linked := make([]int64, len(rows))
	for i, r := range rows {
		_, linked[i] = ends(r)
	}
	ns, err := getNodes(ctx, tx, KindContext, linked)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Context, len(ns))
	for _, n := range ns {
		byID[n.ID] = n.context()
	}
	out := map[int64][]Context{}
	for _, r := range rows {
		given, l := ends(r)
		if c, ok := byID[l]; ok {
			out[given] = append(out[given], c)
		}
	}
	return out, nil
}

// contextsOfNode returns the contexts an artifact or execution is linked
// to, ordered by id.
func contextsOfNode(ctx context.Context, tx driver.Tx, k Kind, id int64) ([]node, error) {
	links, err := tx.GetLinks(ctx, driver.Kind(k), []int64{id}, nil)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(links))
	for i, l := range links {
		ids[i] = l.ContextID
	}
	return getNodes(ctx, tx, KindContext, ids)
}

// contextScope returns the ContextID of a listing by context: contextID,
// or -1 (nothing) for ids that no context has.
func contextScope(contextID int64) int64 {
	if contextID <= 0 {
		return -1
	}
	return contextID
}

// ---- Public API -------------------------------------------------------------

// PutEvents inserts events. Errors: InvalidArgument when an artifact or
// execution id is missing or names no stored node, or the type is
// UNKNOWN; AlreadyExists when an event with the same artifact, execution
// and type is stored or given twice. A zero MillisecondsSinceEpoch is set
// to the current time.
func (s *Store) PutEvents(ctx context.Context, events []Event) error {
	return s.write(ctx, "PutEvents", func(tx driver.Tx, now int64) error {
		c := &callCache{}
		var arts, exes []int64
		for _, e := range events {
			arts, exes = append(arts, e.ArtifactID), append(exes, e.ExecutionID)
		}
		err := c.prefetch(ctx, tx, driver.Prefetch{NodeIDs: map[driver.Kind][]int64{
			driver.KindArtifact: dedupIDs(arts), driver.KindExecution: dedupIDs(exes)}})
		if err != nil {
			return err
		}
		return insertEvents(ctx, tx, events, now, nil, nil, c)
	})
}

// GetEventsByArtifactIDs returns the events of the given artifacts,
// ordered by event id.
func (s *Store) GetEventsByArtifactIDs(ctx context.Context, artifactIDs []int64) ([]Event, error) {
	return s.getEvents(ctx, "GetEventsByArtifactIDs", driver.KindArtifact, artifactIDs)
}

// GetEventsByExecutionIDs returns the events of the given executions,
// ordered by event id.
func (s *Store) GetEventsByExecutionIDs(ctx context.Context, executionIDs []int64) ([]Event, error) {
	return s.getEvents(ctx, "GetEventsByExecutionIDs", driver.KindExecution, executionIDs)
}

func (s *Store) getEvents(ctx context.Context, op string, k driver.Kind, ids []int64) ([]Event, error) {
	var out []Event
	err := s.read(ctx, op, func(tx driver.Tx) error {
		out = nil
		if ids = dedupIDs(ids); len(ids) == 0 {
			return nil
		}
		rows, err := tx.GetEvents(ctx, k, ids)
		if err != nil {
			return err
		}
		for i, r := range rows {
			if err := stopped(ctx, i); err != nil {
				return err
			}
			out = append(out, eventFromRow(r))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PutAttributionsAndAssociations links artifacts and executions to
// contexts; links that exist already are left alone. Errors:
// InvalidArgument when an id is missing or names no stored node.
func (s *Store) PutAttributionsAndAssociations(ctx context.Context, attributions []Attribution, associations []Association) error {
	return s.write(ctx, "PutAttributionsAndAssociations", func(tx driver.Tx, _ int64) error {
		var contexts, artifacts, executions []int64
		var attr, assoc []driver.LinkRow
		for i, a := range attributions {
			if a.ContextID <= 0 {
				return invalid("attribution %d: no context id is given", i)
			}
			if a.ArtifactID <= 0 {
				return invalid("attribution %d: no artifact id is given", i)
			}
			contexts = append(contexts, a.ContextID)
			artifacts = append(artifacts, a.ArtifactID)
			attr = append(attr, driver.LinkRow{ContextID: a.ContextID, NodeID: a.ArtifactID})
		}
		for i, a := range associations {
			if a.ContextID <= 0 {
				return invalid("association %d: no context id is given", i)
			}
			if a.ExecutionID <= 0 {
				return invalid("association %d: no execution id is given", i)
			}
			contexts = append(contexts, a.ContextID)
			executions = append(executions, a.ExecutionID)
			assoc = append(assoc, driver.LinkRow{ContextID: a.ContextID, NodeID: a.ExecutionID})
		}
		c := &callCache{}
		contexts, artifacts, executions = dedupIDs(contexts), dedupIDs(artifacts), dedupIDs(executions)
		err := c.prefetch(ctx, tx, driver.Prefetch{
			NodeIDs: map[driver.Kind][]int64{driver.KindContext: contexts, driver.KindArtifact: artifacts, driver.KindExecution: executions},
			Links: map[driver.Kind]driver.LinkQuery{
				driver.KindArtifact:  {ContextIDs: contexts, NodeIDs: artifacts},
				driver.KindExecution: {ContextIDs: contexts, NodeIDs: executions},
			},
		})
		if err != nil {
			return err
		}
		if err := requireNodes(ctx, tx, KindContext, contexts, nil, c); err != nil {
			return err
		}
		if err := requireNodes(ctx, tx, KindArtifact, artifacts, nil, c); err != nil {
			return err
		}
		if err := requireNodes(ctx, tx, KindExecution, executions, nil, c); err != nil {
			return err
		}
		if err := insertLinks(ctx, tx, KindArtifact, attr, c); err != nil {
			return err
		}
		return insertLinks(ctx, tx, KindExecution, assoc, c)
	})
}

// PutParentContexts links contexts to parent contexts. Errors:
// AlreadyExists for a link that exists (or is given twice),
// InvalidArgument for a link that misses an id, names a missing context,
// links a context to itself or would make a cycle.
func (s *Store) PutParentContexts(ctx context.Context, links []ParentContext) error {
	return s.write(ctx, "PutParentContexts", func(tx driver.Tx, _ int64) error {
		if len(links) == 0 {
			return nil
		}
		var ids []int64
		rows := make([]driver.ParentContextRow, len(links))
		for i, l := range links {
			if l.ChildID <= 0 || l.ParentID <= 0 {
				return invalid("parent context %d: missing parent or child id (parent %d, child %d)", i, l.ParentID, l.ChildID)
			}
			if l.ChildID == l.ParentID {
				return invalid("parent context %d: context %d cannot be its own parent", i, l.ChildID)
			}
			ids = append(ids, l.ChildID, l.ParentID)
			rows[i] = driver.ParentContextRow{ChildID: l.ChildID, ParentID: l.ParentID}
		}
		if err := requireNodes(ctx, tx, KindContext, ids, nil, nil); err != nil {
			return err
		}
		if err := checkParentLinks(ctx, tx, links); err != nil {
			return err
		}
		err := tx.InsertParentContexts(ctx, rows)
		if errcode.Of(err) == errcode.AlreadyExists {
			err = duplicateParentError(ctx, tx, rows, err)
		}
		return err
	})
}

// GetContextsByArtifact returns the contexts an artifact is attributed to,
// ordered by id; none for an artifact without contexts or an unknown id.
func (s *Store) GetContextsByArtifact(ctx context.Context, artifactID int64) ([]Context, error) {
	return readNodes(ctx, s, "GetContextsByArtifact", toContexts, func(tx driver.Tx) ([]node, error) {
		return contextsOfNode(ctx, tx, KindArtifact, artifactID)
	})
}

// GetContextsByExecution returns the contexts an execution is associated
// with, ordered by id; none for an execution without contexts.
func (s *Store) GetContextsByExecution(ctx context.Context, executionID int64) ([]Context, error) {
	return readNodes(ctx, s, "GetContextsByExecution", toContexts, func(tx driver.Tx) ([]node, error) {
		return contextsOfNode(ctx, tx, KindExecution, executionID)
	})
}

// GetArtifactsByContext lists the artifacts attributed to a context (see
// ListOptions).
func (s *Store) GetArtifactsByContext(ctx context.Context, contextID int64, opts *ListOptions) ([]Artifact, string, error) {
	return readPage(ctx, s, "GetArtifactsByContext", toArtifacts, KindArtifact, opts, true, func(tx driver.Tx, sp *listSpec) ([]node, string, error) {
		return listNodes(ctx, tx, KindArtifact, 0, contextScope(contextID), sp)
	})
}

// GetExecutionsByContext lists the executions associated with a context
// (see ListOptions).
func (s *Store) GetExecutionsByContext(ctx context.Context, contextID int64, opts *ListOptions) ([]Execution, string, error) {
	return readPage(ctx, s, "GetExecutionsByContext", toExecutions, KindExecution, opts, true, func(tx driver.Tx, sp *listSpec) ([]node, string, error) {
		return listNodes(ctx, tx, KindExecution, 0, contextScope(contextID), sp)
	})
}

// readLinkedContexts answers the getters of parent and child contexts:
// linkedContexts in a read transaction.
func (s *Store) readLinkedContexts(ctx context.Context, op string, ids []int64, parents bool) (map[int64][]Context, error) {
	var out map[int64][]Context
	err := s.read(ctx, op, func(tx driver.Tx) (err error) {
		out, err = linkedContexts(ctx, tx, ids, parents)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetParentContextsByContext returns the parents of a context, ordered by
// id.
func (s *Store) GetParentContextsByContext(ctx context.Context, contextID int64) ([]Context, error) {
	m, err := s.readLinkedContexts(ctx, "GetParentContextsByContext", []int64{contextID}, true)
	return m[contextID], err
}

// GetChildrenContextsByContext returns the children of a context, ordered
// by id.
func (s *Store) GetChildrenContextsByContext(ctx context.Context, contextID int64) ([]Context, error) {
	m, err := s.readLinkedContexts(ctx, "GetChildrenContextsByContext", []int64{contextID}, false)
	return m[contextID], err
}

// GetParentContextsByContexts returns the parents of each of the given
// contexts, keyed by child id; contexts without parents have no entry.
func (s *Store) GetParentContextsByContexts(ctx context.Context, contextIDs []int64) (map[int64][]Context, error) {
	return s.readLinkedContexts(ctx, "GetParentContextsByContexts", contextIDs, true)
}

// GetChildrenContextsByContexts returns the children of each of the given
// contexts, keyed by parent id; contexts without children have no entry.
func (s *Store) GetChildrenContextsByContexts(ctx context.Context, contextIDs []int64) (map[int64][]Context, error) {
	return s.readLinkedContexts(ctx, "GetChildrenContextsByContexts", contextIDs, false)
}
