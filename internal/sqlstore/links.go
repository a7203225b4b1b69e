package sqlstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Events.

func (t *tx) InsertEvents(ctx context.Context, rows []driver.EventRow) error {
	if len(rows) == 0 {
		return nil
	}
	vals := make([][]any, len(rows))
	for i, e := range rows {
		vals[i] = []any{e.ArtifactID, e.ExecutionID, int64(e.Type), e.MillisecondsSinceEpoch}
	}
	ids, err := t.insertRowsIDs(ctx, "insert events", "Event",
		[]string{"artifact_id", "execution_id", "type", "milliseconds_since_epoch"}, vals)
	if err != nil {
		return err
	}
	var steps [][]any
	for i, e := range rows {
		for _, s := range e.Path {
			if s.IsIndex {
				steps = append(steps, []any{ids[i], true, s.Index, nil})
			} else {
				steps = append(steps, []any{ids[i], false, nil, s.Key})
			}
		}
	}
	if len(steps) == 0 {
		return nil
	}
	return t.insertRows(ctx, "insert event paths", "EventPath",
		[]string{"event_id", "is_index_step", "step_index", "step_key"}, steps, "")
}

func (t *tx) GetEvents(ctx context.Context, kind driver.Kind, ids []int64) ([]driver.EventRow, error) {
	var byNode func(ctx context.Context, ids []int64) ([]EventRecord, error)
	switch kind {
	case driver.KindArtifact:
		byNode = t.q.EventsByArtifactIDs
	case driver.KindExecution:
		byNode = t.q.EventsByExecutionIDs
	default:
		return nil, errcode.New(errcode.InvalidArgument, "sqlstore: events are found by artifact or execution, not by kind %d", kind)
	}
	ids = uniqueIDs(ids)
	recs, err := inChunks(ids, func(ids []int64) ([]EventRecord, error) { return byNode(ctx, ids) })
	if err != nil {
		return nil, dbError(t.d, err, "read events")
	}
	if len(recs) == 0 {
		return nil, nil
	}
	slices.SortFunc(recs, func(a, b EventRecord) int { return cmp.Compare(a.ID, b.ID) })
	out := make([]driver.EventRow, len(recs))
	eventIDs := make([]int64, len(recs))
	byID := make(map[int64]*driver.EventRow, len(recs))
	for i, r := range recs {
		out[i] = driver.EventRow{
			ID:                     r.ID,
			ArtifactID:             r.ArtifactID,
			ExecutionID:            r.ExecutionID,
			Type:                   int32(r.Type),
			MillisecondsSinceEpoch: r.MillisecondsSinceEpoch.Int64,
		}
		eventIDs[i] = r.ID
		byID[r.ID] = &out[i]
	}
	steps, err := inChunks(eventIDs, func(ids []int64) ([]EventPathRecord, error) {
		return t.q.EventPathsByEventIDs(ctx, ids)
	})
	if err != nil {
		return nil, dbError(t.d, err, "read event paths")
	}
	for _, s := range steps {
		e := byID[s.EventID]
		if s.IsIndexStep {
			e.Path = append(e.Path, driver.StepRow{IsIndex: true, Index: s.StepIndex.Int64})
		} else {
			e.Path = append(e.Path, driver.StepRow{Key: s.StepKey.String})
		}
	}
	return out, nil
}

// Attributions and associations.

func (t *tx) InsertLinks(ctx context.Context, kind driver.Kind, rows []driver.LinkRow) error {
	nt, err := linkTableOf(kind)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	vals := make([][]any, len(rows))
	for i, r := range rows {
		vals[i] = []any{r.ContextID, r.NodeID}
	}
	return t.insertRows(ctx, "insert "+nt.linkTable+" rows", nt.linkTable,
		[]string{"context_id", nt.propKey}, vals, t.d.IgnoreDuplicates("context_id"))
}

func (t *tx) GetLinks(ctx context.Context, kind driver.Kind, nodeIDs, contextIDs []int64) ([]driver.LinkRow, error) {
	nt, err := linkTableOf(kind)
	if err != nil {
		return nil, err
	}
	recs, err := eitherIn(uniqueIDs(nodeIDs), uniqueIDs(contextIDs), func(nodes, contexts []int64) ([]LinkRecord, error) {
		return t.q.links(ctx, kind, nodes, contexts)
	})
	if err != nil {
		return nil, dbError(t.d, err, "read %s rows", nt.linkTable)
	}
	slices.SortFunc(recs, func(a, b LinkRecord) int { return cmp.Compare(a.ID, b.ID) })
	recs = slices.Compact(recs)
	if len(recs) == 0 {
		return nil, nil
	}
	out := make([]driver.LinkRow, len(recs))
	for i, r := range recs {
		out[i] = driver.LinkRow(r)
	}
	return out, nil
}

func linkTableOf(kind driver.Kind) (*nodeTable, error) {
	nt, err := tableOf(kind)
	if err != nil {
		return nil, err
	}
	if nt.linkTable == "" {
		return nil, errcode.New(errcode.InvalidArgument, "sqlstore: contexts have no attributions or associations of their own")
	}
	return nt, nil
}

// eitherIn runs a query of the form "a IN (as) OR b IN (bs)" over lists of
// any length: as one query when both fit, else one query per chunk of each
// list with the other list empty. The caller removes duplicate rows.
func eitherIn[R any](as, bs []int64, query func(as, bs []int64) ([]R, error)) ([]R, error) {
	if len(as) == 0 && len(bs) == 0 {
		return nil, nil
	}
	if len(as) <= idsPerQuery && len(bs) <= idsPerQuery {
		return query(as, bs)
	}
	byA, err := inChunks(as, func(as []int64) ([]R, error) { return query(as, nil) })
	if err != nil {
		return nil, err
	}
	byB, err := inChunks(bs, func(bs []int64) ([]R, error) { return query(nil, bs) })
	if err != nil {
		return nil, err
	}
	return append(byA, byB...), nil
}

// Parent contexts.

func (t *tx) InsertParentContexts(ctx context.Context, rows []driver.ParentContextRow) error {
	if len(rows) == 0 {
		return nil
	}
	vals := make([][]any, len(rows))
	for i, r := range rows {
		vals[i] = []any{r.ChildID, r.ParentID}
	}
	return t.insertRows(ctx, "insert parent contexts", "ParentContext",
		[]string{"context_id", "parent_context_id"}, vals, "")
}

func (t *tx) GetParentContexts(ctx context.Context, childIDs, parentIDs []int64) ([]driver.ParentContextRow, error) {
	recs, err := eitherIn(uniqueIDs(childIDs), uniqueIDs(parentIDs), func(children, parents []int64) ([]ParentContextRecord, error) {
		return t.q.parentContexts(ctx, children, parents)
	})
	if err != nil {
		return nil, dbError(t.d, err, "read parent contexts")
	}
	slices.SortFunc(recs, func(a, b ParentContextRecord) int {
		return cmp.Or(cmp.Compare(a.ContextID, b.ContextID), cmp.Compare(a.ParentContextID, b.ParentContextID))
	})
	recs = slices.Compact(recs)
	if len(recs) == 0 {
		return nil, nil
	}
	out := make([]driver.ParentContextRow, len(recs))
	for i, r := range recs {
		out[i] = driver.ParentContextRow{ChildID: r.ContextID, ParentID: r.ParentContextID}
	}
	return out, nil
}
