package sqlstore

// Lineage: the optional driver.LineageTx, which answers a lineage walk in
// one recursive query instead of one query per hop.

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

var _ driver.LineageTx = (*tx)(nil)

// MatchNodeIDs returns those of ids whose node matches filter, one query
// per chunk of ids.
func (t *tx) MatchNodeIDs(ctx context.Context, filter *driver.Filter, ids []int64) ([]int64, error) {
	if filter == nil {
		return nil, errcode.New(errcode.InvalidArgument, "sqlstore: MatchNodeIDs needs a filter query")
	}
	kind := filter.Kind()
	nt, err := tableOf(kind)
	if err != nil {
		return nil, err
	}
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	joins, where, fargs, err := compileFilter(t.d, kind, filter)
	if err != nil {
		return nil, err
	}
	head := "SELECT DISTINCT table_0.id FROM " + nt.table + " AS table_0"
	if joins != "" {
		head += " " + joins
	}
	head += " WHERE "
	if where != "" {
		head += "(" + where + ") AND "
	}
	out, err := inChunks(ids, func(part []int64) ([]int64, error) {
		args := append(slices.Clip(fargs), int64sAsArgs(part)...)
		return t.queryIDs(ctx, head+"table_0.id IN ("+placeholders(len(part))+")", args)
	})
	if err != nil {
		return nil, dbError(t.d, err, "match %ss against a filter query", nt.noun)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// queryIDs runs a query of one id column.
func (t *tx) queryIDs(ctx context.Context, query string, args []any) ([]int64, error) {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func int64sAsArgs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// TraceLineage answers the walk with one recursive query for a start
// filter or per chunk of start ids (one for up to idsPerQuery start
// nodes), plus the queries of the events' paths. The query is
//
//	WITH RECURSIVE
//	  end_a(id) AS (<the artifacts the ending filter matches>),
//	  end_e(id) AS (<the executions the ending filter matches>),
//	  walk(k, id, d, e) AS (
//	    <start nodes at distance 0>
//	    UNION <executions one event away from an expanded artifact>
//	    UNION <artifacts one event away from an expanded execution>),
//	  reached(k, id, d, e) AS (SELECT k, id, MIN(d), MAX(e) FROM walk GROUP BY k, id)
//	SELECT <the reached nodes>
//	UNION ALL <the events followed from expanded artifacts>
//	UNION ALL <the events followed from expanded executions>
//
// where k is the node's kind, d a distance it is reached at and e whether
// it is an ending node. walk holds (node, distance) pairs, so a node
// reached along paths of several lengths appears more than once; the
// distances are bounded by MaxHops, which bounds the walk.
func (t *tx) TraceLineage(ctx context.Context, q driver.LineageTrace) (driver.LineageTraceResult, error) {
	var res driver.LineageTraceResult
	parts, ending, err := t.planTrace(q)
	if err != nil || len(parts) == 0 {
		return res, err
	}
	nodes, events, err := t.runTrace(ctx, q, parts, ending)
	if err != nil {
		return res, err
	}
	res.Nodes = make([]driver.TracedNode, 0, len(nodes))
	for _, n := range nodes {
		res.Nodes = append(res.Nodes, *n)
	}
	slices.SortFunc(res.Nodes, func(a, b driver.TracedNode) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	if len(events) == 0 {
		return res, nil
	}
	res.Events, err = t.withPaths(ctx, events)
	return res, err
}

// planTrace checks q and compiles its filters: the start nodes, as chunks
// of StartIDs or one filter query (none when there are no start ids), and
// the ending filters by kind.
func (t *tx) planTrace(q driver.LineageTrace) ([]startNodes, [2]*compiledFilter, error) {
	var ending [2]*compiledFilter // by kind: execution, artifact
	if q.StartKind != driver.KindArtifact && q.StartKind != driver.KindExecution {
		return nil, ending, errcode.New(errcode.InvalidArgument, "sqlstore: a lineage walk starts from artifacts or executions, not kind %d", q.StartKind)
	}
	if q.MaxHops < 0 {
		return nil, ending, errcode.New(errcode.InvalidArgument, "sqlstore: negative MaxHops %d", q.MaxHops)
	}
	if q.StartLimit < 0 {
		return nil, ending, errcode.New(errcode.InvalidArgument, "sqlstore: negative StartLimit %d", q.StartLimit)
	}
	var parts []startNodes
	if q.StartFilter != nil {
		joins, where, args, err := compileFilter(t.d, q.StartKind, q.StartFilter)
		if err != nil {
			return nil, ending, err
		}
		parts = []startNodes{{filter: &compiledFilter{joins: joins, where: where, args: args}, limit: q.StartLimit}}
	} else {
		starts := uniqueIDs(q.StartIDs)
		for start := 0; start < len(starts); start += idsPerQuery {
			parts = append(parts, startNodes{ids: starts[start:min(start+idsPerQuery, len(starts))]})
		}
	}
	if len(parts) == 0 {
		return nil, ending, nil
	}
	for k, f := range map[driver.Kind]*driver.Filter{driver.KindArtifact: q.EndingArtifacts, driver.KindExecution: q.EndingExecutions} {
		if f == nil {
			continue
		}
		joins, where, args, err := compileFilter(t.d, k, f)
		if err != nil {
			return nil, ending, err
		}
		ending[k] = &compiledFilter{joins: joins, where: where, args: args}
	}
	return parts, ending, nil
}

// tracedKey names a node reached by a trace.
type tracedKey struct {
	k  driver.Kind
	id int64
}

// runTrace runs the trace query of each part and gathers the nodes it
// reaches, each at its shortest distance, and the events it follows,
// without their paths.
func (t *tx) runTrace(ctx context.Context, q driver.LineageTrace, parts []startNodes, ending [2]*compiledFilter) (map[tracedKey]*driver.TracedNode, map[int64]*driver.EventRow, error) {
	nodes := map[tracedKey]*driver.TracedNode{}
	events := map[int64]*driver.EventRow{}
	_, oneRef := t.d.(OneRecursiveReference)
	for _, part := range parts {
		query, args := traceSQL(q, part, ending, oneRef)
		rows, err := t.tx.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, nil, dbError(t.d, err, "trace lineage")
		}
		err = func() error {
			defer rows.Close()
			for rows.Next() {
				var r, c1, c2, c3, c4 int64
				var c5 sql.NullInt64
				if err := rows.Scan(&r, &c1, &c2, &c3, &c4, &c5); err != nil {
					return err
				}
				if r == 0 {
					key := tracedKey{driver.Kind(c1), c2}
					n := nodes[key]
					if n == nil {
						n = &driver.TracedNode{Kind: key.k, ID: key.id, Hops: int(c3), Ending: c4 != 0}
						nodes[key] = n
					}
					n.Hops = min(n.Hops, int(c3))
					continue
				}
				if _, ok := events[c1]; !ok {
					events[c1] = &driver.EventRow{ID: c1, ArtifactID: c2, ExecutionID: c3, Type: int32(c4), MillisecondsSinceEpoch: c5.Int64}
				}
			}
			return rows.Err()
		}()
		if err != nil {
			return nil, nil, dbError(t.d, err, "trace lineage")
		}
	}
	return nodes, events, nil
}

// withPaths reads the paths of events and returns the events in id order.
func (t *tx) withPaths(ctx context.Context, events map[int64]*driver.EventRow) ([]driver.EventRow, error) {
	ids := make([]int64, 0, len(events))
	for id := range events {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	steps, err := inChunks(ids, func(part []int64) ([]EventPathRecord, error) {
		return t.q.EventPathsByEventIDs(ctx, part)
	})
	if err != nil {
		return nil, dbError(t.d, err, "read event paths")
	}
	for _, s := range steps {
		e := events[s.EventID]
		if s.IsIndexStep {
			e.Path = append(e.Path, driver.StepRow{IsIndex: true, Index: s.StepIndex.Int64})
		} else {
			e.Path = append(e.Path, driver.StepRow{Key: s.StepKey.String})
		}
	}
	out := make([]driver.EventRow, 0, len(events))
	for _, id := range ids {
		out = append(out, *events[id])
	}
	return out, nil
}

// startNodes are the start nodes of one trace query: ids, or the nodes
// that a filter matches, at most limit of them (0: no limit).
type startNodes struct {
	ids    []int64
	filter *compiledFilter
	limit  int
}

// compiledFilter is a filter query compiled for the node table aliased
// table_0.
type compiledFilter struct {
	joins, where string
	args         []any
}

// sqlBuilder accumulates SQL text and its arguments in order.
type sqlBuilder struct {
	b    strings.Builder
	args []any
}

func (s *sqlBuilder) add(text string, args ...any) {
	s.b.WriteString(text)
	s.args = append(s.args, args...)
}

// traceSQL builds the query of TraceLineage for some start nodes, see
// there.
//
// With oneRef (see OneRecursiveReference) the two steps are one SELECT
// that names walk once and joins a LATERAL union of both steps.
func traceSQL(q driver.LineageTrace, starts startNodes, ending [2]*compiledFilter, oneRef bool) (string, []any) {
	var s sqlBuilder
	s.add("WITH RECURSIVE ")
	endCTE := [2]string{driver.KindExecution: "end_e", driver.KindArtifact: "end_a"}
	tables := [2]string{driver.KindExecution: "Execution", driver.KindArtifact: "Artifact"}
	for _, k := range []driver.Kind{driver.KindArtifact, driver.KindExecution} {
		f := ending[k]
		if f == nil {
			continue
		}
		s.add(endCTE[k] + "(id) AS (SELECT table_0.id FROM " + tables[k] + " AS table_0")
		if f.joins != "" {
			s.add(" " + f.joins)
		}
		if f.where != "" {
			s.add(" WHERE " + f.where)
		}
		s.add("), ", f.args...)
	}
	// isEnding is the e column of a node of kind k whose id is col.
	isEnding := func(k driver.Kind, col string) string {
		if ending[k] == nil {
			return "0"
		}
		return "CASE WHEN " + col + " IN (SELECT id FROM " + endCTE[k] + ") THEN 1 ELSE 0 END"
	}
	typeFilter := func(types []int32) (string, []any) {
		if types == nil {
			return "", nil
		}
		if len(types) == 0 {
			return " AND 1 = 0", nil
		}
		args := make([]any, len(types))
		for i, ty := range types {
			args[i] = int64(ty)
		}
		return " AND ev.type IN (" + placeholders(len(types)) + ")", args
	}
	aTypes, aArgs := typeFilter(q.ArtifactEventTypes)
	eTypes, eArgs := typeFilter(q.ExecutionEventTypes)
	maxHops := int64(q.MaxHops)

	s.add("walk(k, id, d, e) AS (SELECT " + strconv.Itoa(int(q.StartKind)) + ", n.id, 0, " + isEnding(q.StartKind, "n.id"))
	if f := starts.filter; f != nil {
		// A derived table, which both engines allow to have a LIMIT.
		s.add(" FROM (SELECT DISTINCT table_0.id FROM " + tables[q.StartKind] + " AS table_0")
		if f.joins != "" {
			s.add(" " + f.joins)
		}
		if f.where != "" {
			s.add(" WHERE " + f.where)
		}
		s.add(" ORDER BY table_0.id", f.args...)
		if starts.limit > 0 {
			s.add(" LIMIT ?", int64(starts.limit))
		}
		s.add(") AS n")
	} else {
		s.add(" FROM "+tables[q.StartKind]+" AS n WHERE n.id IN ("+placeholders(len(starts.ids))+")", int64sAsArgs(starts.ids)...)
	}
	if oneRef {
		s.add(" UNION SELECT x.k, x.id, w.d + 1, x.e FROM walk AS w CROSS JOIN LATERAL (" +
			"SELECT 0 AS k, ev.execution_id AS id, " + isEnding(driver.KindExecution, "ev.execution_id") + " AS e" +
			" FROM Event AS ev WHERE w.k = 1 AND ev.artifact_id = w.id" + aTypes)
		s.add(" UNION ALL SELECT 1, ev.artifact_id, "+isEnding(driver.KindArtifact, "ev.artifact_id")+
			" FROM Event AS ev WHERE w.k = 0 AND ev.execution_id = w.id"+eTypes, aArgs...)
		s.add(") AS x WHERE w.e = 0 AND w.d < ?", append(slices.Clone(eArgs), maxHops)...)
	} else {
		s.add(" UNION SELECT 0, ev.execution_id, w.d + 1, "+isEnding(driver.KindExecution, "ev.execution_id")+
			" FROM walk AS w JOIN Event AS ev ON ev.artifact_id = w.id WHERE w.k = 1 AND w.e = 0 AND w.d < ?"+aTypes,
			append([]any{maxHops}, aArgs...)...)
		s.add(" UNION SELECT 1, ev.artifact_id, w.d + 1, "+isEnding(driver.KindArtifact, "ev.artifact_id")+
			" FROM walk AS w JOIN Event AS ev ON ev.execution_id = w.id WHERE w.k = 0 AND w.e = 0 AND w.d < ?"+eTypes,
			append([]any{maxHops}, eArgs...)...)
	}
	s.add("), reached(k, id, d, e) AS (SELECT k, id, MIN(d), MAX(e) FROM walk GROUP BY k, id)")
	s.add(" SELECT 0, k, id, d, e, 0 FROM reached")
	if q.WithEvents {
		s.add(" UNION ALL SELECT 1, ev.id, ev.artifact_id, ev.execution_id, ev.type, ev.milliseconds_since_epoch"+
			" FROM reached AS x JOIN Event AS ev ON ev.artifact_id = x.id WHERE x.k = 1 AND x.e = 0 AND x.d < ?"+aTypes,
			append([]any{maxHops}, aArgs...)...)
		s.add(" UNION ALL SELECT 1, ev.id, ev.artifact_id, ev.execution_id, ev.type, ev.milliseconds_since_epoch"+
			" FROM reached AS x JOIN Event AS ev ON ev.execution_id = x.id WHERE x.k = 0 AND x.e = 0 AND x.d < ?"+eTypes,
			append([]any{maxHops}, eArgs...)...)
	}
	return s.b.String(), s.args
}

// OneRecursiveReference is an optional interface of a Dialect whose
// recursive CTEs may name themselves once only (PostgreSQL): the lineage
// walk then takes both steps, artifact to execution and back, in one
// recursive SELECT.
type OneRecursiveReference interface {
	OneRecursiveReference()
}
