package mlmd

// The compound writes: PutExecution and PutLineageSubgraph, each one
// transaction.

import (
	"context"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// reuseArtifactsByExternalID turns the new artifacts among items whose
// external id is stored into updates of the stored artifacts. With
// withinCall, a new artifact whose external id an earlier new item of the
// same call has becomes an update of that item's artifact (PutExecution
// looks each artifact up when it comes to it; PutLineageSubgraph looks
// them all up first).
func reuseArtifactsByExternalID(ctx context.Context, tx driver.Tx, items []upsertItem, withinCall bool) error {
	var ext []string
	for _, it := range items {
		if it.n.ID == 0 && it.n.ExternalID != "" {
			ext = append(ext, it.n.ExternalID)
		}
	}
	if len(ext) == 0 {
		return nil
	}
	ids, err := tx.FindNodeIDs(ctx, driver.KindArtifact, driver.NodeQuery{ExternalIDs: ext})
	if err != nil {
		return err
	}
	found, err := getNodes(ctx, tx, KindArtifact, ids)
	if err != nil {
		return err
	}
	byExt := make(map[string]int64, len(found))
	for _, n := range found {
		byExt[n.ExternalID] = n.ID
	}
	firstNew := map[string]int{}
	for i := range items {
		it := &items[i]
		if it.n.ID != 0 || it.n.ExternalID == "" {
			continue
		}
		if id, ok := byExt[it.n.ExternalID]; ok {
			it.n.ID = id
			continue
		}
		if withinCall {
			if j, ok := firstNew[it.n.ExternalID]; ok {
				it.sameAs = j
				continue
			}
			firstNew[it.n.ExternalID] = i
		}
	}
	return nil
}

type typeAndName struct {
	typeID int64
	name   string
}

// putContextsWithOptions upserts the contexts of PutExecution and
// PutLineageSubgraph and returns their ids in order. With reuse, a context
// without id whose type and name exist (stored, or earlier in the call)
// takes that context's id and is not updated. With forceReuse, a context
// with an id must exist (NotFound otherwise) and is not updated.
func putContextsWithOptions(ctx context.Context, tx driver.Tx, contexts []Context, reuse, forceReuse bool, now int64, tc *callCache) ([]int64, error) {
	ids := make([]int64, len(contexts))
	var forced []int64
	var lookups []driver.TypeName
	for i, c := range contexts {
		if c.ID != 0 && forceReuse {
			forced = append(forced, c.ID)
			continue
		}
		if c.TypeID == 0 {
			return nil, invalid("context %d is missing a type id", i)
		}
		if c.Name == "" {
			return nil, invalid("context %d is missing a name", i)
		}
		if reuse && c.ID == 0 {
			lookups = append(lookups, driver.TypeName{TypeID: c.TypeID, Name: c.Name})
		}
	}
	id, missing, err := firstMissing(ctx, tx, KindContext, forced, tc)
	if err != nil {
		return nil, err
	}
	if missing {
		return nil, errcode.New(errcode.NotFound, "context with id %d was not found", id)
	}
	existing := map[typeAndName]int64{}
	if len(lookups) > 0 {
		found, err := tx.FindNodeIDs(ctx, driver.KindContext, driver.NodeQuery{TypeNames: lookups})
		if err != nil {
			return nil, err
		}
		ns, err := getNodes(ctx, tx, KindContext, found)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			existing[typeAndName{n.TypeID, n.Name}] = n.ID
		}
	}
	var items []upsertItem
	itemOf := make([]int, len(contexts))
	aliasOf := make([]int, len(contexts))
	firstNew := map[typeAndName]int{}
	for i, c := range contexts {
		itemOf[i], aliasOf[i] = -1, -1
		if c.ID != 0 && forceReuse {
			ids[i] = c.ID
			continue
		}
		if reuse && c.ID == 0 {
			key := typeAndName{c.TypeID, c.Name}
			if id, ok := existing[key]; ok {
				ids[i] = id
				continue
			}
			if j, ok := firstNew[key]; ok {
				aliasOf[i] = j
				continue
			}
			firstNew[key] = i
		}
		itemOf[i] = len(items)
		items = append(items, newItem(contextNode(c)))
	}
	got, err := upsertNodes(ctx, tx, KindContext, items, now, tc)
	if err != nil {
		if reuse && errcode.Of(err) == errcode.AlreadyExists {
			// Another transaction created the same context first; MLMD
			// asks the caller to retry, which then reuses it.
			return nil, errcode.Wrap(errcode.Aborted, err, "concurrent creation of the same context; retry to reuse it")
		}
		return nil, err
	}
	for i := range contexts {
		if itemOf[i] >= 0 {
			ids[i] = got[itemOf[i]]
		}
	}
	for i := range contexts {
		if aliasOf[i] >= 0 {
			ids[i] = ids[aliasOf[i]]
		}
	}
	return ids, nil
}

// linkAll attributes every artifact and associates every execution with
// every context, skipping links that exist (c may know some of them).
func linkAll(ctx context.Context, tx driver.Tx, contextIDs, artifactIDs, executionIDs []int64, c *callCache) error {
	var attr, assoc []driver.LinkRow
	arts, exes := dedupIDs(artifactIDs), dedupIDs(executionIDs)
	for _, c := range dedupIDs(contextIDs) {
		// Every context makes a link to each artifact and execution.
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, a := range arts {
			attr = append(attr, driver.LinkRow{ContextID: c, NodeID: a})
		}
		for _, e := range exes {
			assoc = append(assoc, driver.LinkRow{ContextID: c, NodeID: e})
		}
	}
	if err := insertLinks(ctx, tx, KindArtifact, attr, c); err != nil {
		return err
	}
	return insertLinks(ctx, tx, KindExecution, assoc, c)
}

func idSetOf(ids []int64) idSet {
	s := make(idSet, len(ids))
	for _, id := range ids {
		s[id] = true
	}
	return s
}

// checkNodesTyped checks, before anything is written, that every node has
// a type id, that the types exist (NotFound otherwise) and that the
// properties match them: PutLineageSubgraph's up-front validation.
func checkNodesTyped(ctx context.Context, tx driver.Tx, k Kind, ns []node, tc *callCache) error {
	var ids []int64
	for i, n := range ns {
		if n.TypeID == 0 {
			return invalid("%s %d: the type id is missing", k, i)
		}
		ids = append(ids, n.TypeID)
	}
	types, err := tc.get(ctx, tx, driver.Kind(k), ids)
	if err != nil {
		return err
	}
	for i, n := range ns {
		if err := stopped(ctx, i); err != nil {
			return err
		}
		t, ok := types[n.TypeID]
		if !ok {
			return errcode.New(errcode.NotFound, "%s %d: no %s type with id %d", k, i, k, n.TypeID)
		}
		if err := checkPropertiesWithType(k, n, t, nil); err != nil {
			return errcode.Annotate(err, "%s %d (type %q)", k, i, t.Name)
		}
	}
	return nil
}

// ---- Public API -------------------------------------------------------------

// PutExecution records an execution with its artifacts, events and
// contexts in one transaction: it upserts the artifacts, then the
// execution, inserts the events (filling in the execution and artifact
// ids), upserts the contexts, and attributes the artifacts and associates
// the execution with every context. Nothing is written if any part fails.
//
// A pair with an Artifact upserts it (with
// ReuseArtifactIfAlreadyExistByExternalID, a new artifact whose external
// id exists updates that artifact instead); its Event, if any, must not
// name another artifact or execution (InvalidArgument). A pair without
// Artifact needs an Event with the ArtifactID of a stored artifact. A pair
// with neither yields -1 in ArtifactIDs. Contexts need a type id and a
// name (InvalidArgument); see PutExecutionOptions for the reuse rules.
// With ReuseContextIfAlreadyExist, a context that another transaction
// creates at the same time makes the call fail with Aborted: retry it.
func (s *Store) PutExecution(ctx context.Context, execution Execution, artifacts []ArtifactAndEvent, contexts []Context, opts *PutExecutionOptions) (PutExecutionResult, error) {
	if opts == nil {
		opts = &PutExecutionOptions{}
	}
	var res PutExecutionResult
	err := s.write(ctx, "PutExecution", func(tx driver.Tx, now int64) error {
		// What the call reads before it writes, in one lookup.
		tc := &callCache{}
		if err := tc.prefetch(ctx, tx, putExecutionReads(execution, artifacts, contexts, opts)); err != nil {
			return err
		}
		// 1. The artifacts.
		var items []upsertItem
		itemOf := make([]int, len(artifacts))
		for i, p := range artifacts {
			itemOf[i] = -1
			if p.Artifact != nil {
				itemOf[i] = len(items)
				items = append(items, newItem(artifactNode(*p.Artifact)))
			}
		}
		if opts.ReuseArtifactIfAlreadyExistByExternalID {
			if err := reuseArtifactsByExternalID(ctx, tx, items, true); err != nil {
				return err
			}
		}
		artIDs, err := upsertNodes(ctx, tx, KindArtifact, items, now, tc)
		if err != nil {
			return err
		}
		// 2. The execution.
		exe := newItem(executionNode(execution))
		exe.forceUpdateTime = opts.ForceUpdateTime
		exeIDs, err := upsertNodes(ctx, tx, KindExecution, []upsertItem{exe}, now, tc)
		if err != nil {
			return err
		}
		execID := exeIDs[0]
		// 3. The events.
		res = PutExecutionResult{ExecutionID: execID, ArtifactIDs: make([]int64, len(artifacts))}
		var events []Event
		for i, p := range artifacts {
			aid := int64(-1)
			if p.Artifact != nil {
				aid = artIDs[itemOf[i]]
			}
			if p.Event != nil {
				e := *p.Event
				if e.ExecutionID != 0 && e.ExecutionID != execID {
					return invalid("artifact and event %d: the event's execution id %d is not the execution's, %d", i, e.ExecutionID, execID)
				}
				e.ExecutionID = execID
				switch {
				case p.Artifact != nil:
					if e.ArtifactID != 0 && e.ArtifactID != aid {
						return invalid("artifact and event %d: the event's artifact id %d is not the artifact's, %d", i, e.ArtifactID, aid)
					}
					e.ArtifactID = aid
				case e.ArtifactID == 0:
					return invalid("artifact and event %d: without an artifact, the event must have an artifact id", i)
				default:
					aid = e.ArtifactID
				}
				events = append(events, e)
			}
			res.ArtifactIDs[i] = aid
		}
		if err := insertEvents(ctx, tx, events, now, idSetOf(artIDs), idSet{execID: true}, tc); err != nil {
			return err
		}
		// 4. The contexts, and the links to them.
		if res.ContextIDs, err = putContextsWithOptions(ctx, tx, contexts, opts.ReuseContextIfAlreadyExist, opts.ForceReuseContext, now, tc); err != nil {
			return err
		}
		return linkAll(ctx, tx, res.ContextIDs, res.ArtifactIDs, []int64{execID}, tc)
	})
	if err != nil {
		return PutExecutionResult{}, err
	}
	return res, nil
}

// putExecutionReads is what PutExecution reads before it writes: the
// types it names; the stored execution it updates and the stored contexts
// it updates (or, with ForceReuseContext, whose existence it checks); the
// existence of the artifacts its events name without an Artifact; and the
// links it would add between stored nodes, which it need not add again.
func putExecutionReads(execution Execution, artifacts []ArtifactAndEvent, contexts []Context, opts *PutExecutionOptions) driver.Prefetch {
	q := driver.Prefetch{TypeIDs: []int64{execution.TypeID}, Nodes: map[driver.Kind][]int64{}, NodeIDs: map[driver.Kind][]int64{}}
	var storedArtifacts, storedContexts []int64
	for _, p := range artifacts {
		switch {
		case p.Artifact != nil:
			q.TypeIDs = append(q.TypeIDs, p.Artifact.TypeID)
			if p.Artifact.ID > 0 {
				storedArtifacts = append(storedArtifacts, p.Artifact.ID)
			}
		case p.Event != nil && p.Event.ArtifactID > 0:
			q.NodeIDs[driver.KindArtifact] = append(q.NodeIDs[driver.KindArtifact], p.Event.ArtifactID)
			storedArtifacts = append(storedArtifacts, p.Event.ArtifactID)
		}
	}
	for _, c := range contexts {
		q.TypeIDs = append(q.TypeIDs, c.TypeID)
		if c.ID <= 0 {
			continue
		}
		storedContexts = append(storedContexts, c.ID)
		if opts.ForceReuseContext {
			q.NodeIDs[driver.KindContext] = append(q.NodeIDs[driver.KindContext], c.ID)
		} else {
			q.Nodes[driver.KindContext] = append(q.Nodes[driver.KindContext], c.ID)
		}
	}
	if execution.ID > 0 {
		q.Nodes[driver.KindExecution] = []int64{execution.ID}
	}
	if len(storedContexts) > 0 {
		q.Links = map[driver.Kind]driver.LinkQuery{driver.KindArtifact: {ContextIDs: storedContexts, NodeIDs: storedArtifacts}}
		if execution.ID > 0 {
			q.Links[driver.KindExecution] = driver.LinkQuery{ContextIDs: storedContexts, NodeIDs: []int64{execution.ID}}
		}
	}
	return q
}

// PutLineageSubgraph records executions, artifacts, contexts and the events
// between them in one transaction, attributing and associating every node
// with every context. Nothing is written if any part fails.
//
// Every node needs a type id (InvalidArgument) of an existing type
// (NotFound), with properties that match it. An edge's index out of the
// range of its slice is OutOfRange; an event id that contradicts the node
// at the index, or is given for a node without id, is InvalidArgument.
// Contexts upsert as in PutExecution (ReuseContextIfAlreadyExist);
// ReuseArtifactIfAlreadyExistByExternalID makes a new artifact whose
// external id is stored update that artifact.
func (s *Store) PutLineageSubgraph(ctx context.Context, g LineageSubgraph, opts *PutLineageSubgraphOptions) (PutLineageSubgraphResult, error) {
	if opts == nil {
		opts = &PutLineageSubgraphOptions{}
	}
	var res PutLineageSubgraphResult
	err := s.write(ctx, "PutLineageSubgraph", func(tx driver.Tx, now int64) error {
		if err := checkEventEdges(g); err != nil {
			return err
		}
		tc := &callCache{}
		arts := mapSlice(g.Artifacts, artifactNode)
		exes := mapSlice(g.Executions, executionNode)
		ctxs := mapSlice(g.Contexts, contextNode)
		var typeIDs []int64
		for _, ns := range [][]node{arts, exes, ctxs} {
			for _, n := range ns {
				typeIDs = append(typeIDs, n.TypeID)
			}
		}
		if err := tc.prefetchTypes(ctx, tx, typeIDs); err != nil {
			return err
		}
		for _, kn := range []struct {
			k  Kind
			ns []node
		}{{KindArtifact, arts}, {KindExecution, exes}, {KindContext, ctxs}} {
			for i, n := range kn.ns {
				if err := stopped(ctx, i); err != nil {
					return err
				}
				if err := checkNodeValues(kn.k, n); err != nil {
					return errcode.Annotate(err, "%s %d", kn.k, i)
				}
			}
			if err := checkNodesTyped(ctx, tx, kn.k, kn.ns, tc); err != nil {
				return err
			}
		}
		res = PutLineageSubgraphResult{}
		var err error
		// 1. The contexts.
		if res.ContextIDs, err = putContextsWithOptions(ctx, tx, g.Contexts, opts.ReuseContextIfAlreadyExist, false, now, tc); err != nil {
			return err
		}
		// 2. The artifacts.
		items := mapSlice(arts, newItem)
		if opts.ReuseArtifactIfAlreadyExistByExternalID {
			if err := reuseArtifactsByExternalID(ctx, tx, items, false); err != nil {
				return err
			}
		}
		if res.ArtifactIDs, err = upsertNodes(ctx, tx, KindArtifact, items, now, tc); err != nil {
			return err
		}
		// 3. The executions.
		if res.ExecutionIDs, err = upsertNodes(ctx, tx, KindExecution, mapSlice(exes, newItem), now, tc); err != nil {
			return err
		}
		// 4. The links.
		if err := linkAll(ctx, tx, res.ContextIDs, res.ArtifactIDs, res.ExecutionIDs, nil); err != nil {
			return err
		}
		// 5. The events.
		events := make([]Event, len(g.EventEdges))
		for i, edge := range g.EventEdges {
			e := edge.Event
			if e.ExecutionID == 0 {
				e.ExecutionID = res.ExecutionIDs[edge.ExecutionIndex]
			}
			if e.ArtifactID == 0 {
				e.ArtifactID = res.ArtifactIDs[edge.ArtifactIndex]
			}
			events[i] = e
		}
		return insertEvents(ctx, tx, events, now, idSetOf(res.ArtifactIDs), idSetOf(res.ExecutionIDs), nil)
	})
	if err != nil {
		return PutLineageSubgraphResult{}, err
	}
	return res, nil
}

// checkEventEdges validates the edges of a subgraph against its nodes, as
// MLMD does before anything else. A negative index means "none": the
// event must then name the node by id.
func checkEventEdges(g LineageSubgraph) error {
	exes := mapSlice(g.Executions, func(e Execution) int64 { return e.ID })
	arts := mapSlice(g.Artifacts, func(a Artifact) int64 { return a.ID })
	for i, edge := range g.EventEdges {
		if err := checkEdgeEnd(i, KindExecution, edge.ExecutionIndex, edge.Event.ExecutionID, exes); err != nil {
			return err
		}
		if err := checkEdgeEnd(i, KindArtifact, edge.ArtifactIndex, edge.Event.ArtifactID, arts); err != nil {
			return err
		}
	}
	return nil
}

// checkEdgeEnd checks one end of event edge i: the index of a node among
// the subgraph's nodes of its kind, whose ids are ids, and the id the
// event names (0 for none).
func checkEdgeEnd(i int, k Kind, index int, eventID int64, ids []int64) error {
	switch {
	case index < 0:
		if eventID == 0 {
			return invalid("event edge %d has neither an %s index nor an event %s id", i, k, k)
		}
	case index >= len(ids):
		return errcode.New(errcode.OutOfRange, "event edge %d: %s index %d is outside [0, %d)", i, k, index, len(ids))
	case eventID == 0:
	case ids[index] == 0:
		return invalid("event edge %d: the %s at index %d has no id, but the event names %s %d", i, k, index, k, eventID)
	case ids[index] != eventID:
		return invalid("event edge %d: the %s at index %d has id %d, but the event names %s %d", i, k, index, ids[index], k, eventID)
	}
	return nil
}
