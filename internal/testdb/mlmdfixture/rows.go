package mlmdfixture

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// sqlLiteral writes a value as SQL text valid on every engine: NULL,
// numbers, and strings in single quotes (quotes doubled).
func sqlLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	}
	panic(fmt.Sprintf("mlmdfixture: no SQL literal for %T", v))
}

// orNull is s, or NULL when s is empty.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

type rowWriter struct {
	d     dialect
	stmts []string
}

// insert adds an INSERT of one row; cols and vals pair up.
func (w *rowWriter) insert(table string, kv ...any) {
	var cols, vals []string
	for i := 0; i < len(kv); i += 2 {
		cols = append(cols, w.d.q(kv[i].(string)))
		vals = append(vals, sqlLiteral(kv[i+1]))
	}
	w.stmts = append(w.stmts, "INSERT INTO "+w.d.q(table)+" ("+strings.Join(cols, ", ")+") VALUES ("+strings.Join(vals, ", ")+")")
}

var nodeTables = map[int]struct{ table, props, owner string }{
	kindArtifact:  {"Artifact", "ArtifactProperty", "artifact_id"},
	kindExecution: {"Execution", "ExecutionProperty", "execution_id"},
	kindContext:   {"Context", "ContextProperty", "context_id"},
}

// Rows returns the INSERT statements that fill the tables of DDL(e, v) in
// an empty database. They name no ids: a fresh database gives the ids the
// fixture expects (1, 2, ... per table), and its sequences end where a
// database that MLMD wrote would have them.
func Rows(e Engine, v int) ([]string, error) {
	if err := checkArgs(e, v); err != nil {
		return nil, err
	}
	w := &rowWriter{d: dialect{e, v}}
	for _, t := range types {
		if t.since > v {
			continue
		}
		kindCol := "type_kind"
		if v < 2 {
			kindCol = "is_artifact_type"
		}
		kv := []any{"name", t.name, kindCol, t.kind}
		if t.kind == kindExecution {
			kv = append(kv, "input_type", orNull(t.input), "output_type", orNull(t.output))
		}
		if v >= 6 {
			kv = append(kv, "version", orNull(t.version), "description", orNull(t.description))
		}
		if v >= 9 {
			kv = append(kv, "external_id", orNull(t.externalID))
		}
		w.insert("Type", kv...)
		for _, p := range t.props {
			if p.since <= v {
				w.insert("TypeProperty", "type_id", t.id, "name", p.name, "data_type", int(p.t))
			}
		}
		if t.parent != 0 && v >= 6 {
			w.insert("ParentType", "type_id", t.id, "parent_type_id", t.parent)
		}
	}
	base := timeBase(e, v)
	for _, n := range nodes {
		if n.since > v {
			continue
		}
		tab := nodeTables[n.kind]
		kv := []any{"type_id", n.typeID}
		switch n.kind {
		case kindArtifact:
			kv = append(kv, "uri", orNull(n.uri))
		case kindContext:
			kv = append(kv, "name", n.name)
		}
		if v >= 5 {
			state := map[int]string{kindArtifact: "state", kindExecution: "last_known_state"}[n.kind]
			if state != "" {
				var s any
				if n.state != 0 {
					s = n.state
				}
				kv = append(kv, state, s, "name", orNull(n.name))
			}
			kv = append(kv, "create_time_since_epoch", base+n.create, "last_update_time_since_epoch", base+n.update)
		}
		if v >= 9 {
			kv = append(kv, "external_id", orNull(n.externalID))
		}
		w.insert(tab.table, kv...)
		for _, p := range n.props {
			if p.since > v {
				continue
			}
			col, val := storedValue(p.v)
			w.insert(tab.props, tab.owner, n.id, "name", p.name, "is_custom_property", p.custom, col, val)
		}
	}
	for _, ev := range events {
		if ev.since > v {
			continue
		}
		var ms any
		if ev.millis >= 0 {
			ms = eventBase + ev.millis
		}
		w.insert("Event", "artifact_id", ev.artifact, "execution_id", ev.exe, "type", int(ev.t), "milliseconds_since_epoch", ms)
		for _, s := range ev.path {
			if s.IsKey {
				w.insert("EventPath", "event_id", ev.id, "is_index_step", false, "step_key", s.Key)
			} else {
				w.insert("EventPath", "event_id", ev.id, "is_index_step", true, "step_index", s.Index)
			}
		}
	}
	for _, l := range attributions {
		if l.since <= v {
			w.insert("Attribution", "context_id", l.a, "artifact_id", l.b)
		}
	}
	for _, l := range associations {
		if l.since <= v {
			w.insert("Association", "context_id", l.a, "execution_id", l.b)
		}
	}
	for _, l := range parentContexts {
		if l.since <= v {
			w.insert("ParentContext", "context_id", l.a, "parent_context_id", l.b)
		}
	}
	if v >= 1 {
		w.insert("MLMDEnv", "schema_version", v)
	}
	return w.stmts, nil
}

// RowCounts returns how many rows each table of the fixture at version v
// holds (the same on every engine).
func RowCounts(v int) map[string]int {
	c := map[string]int{}
	for _, t := range types {
		if t.since > v {
			continue
		}
		c["Type"]++
		for _, p := range t.props {
			if p.since <= v {
				c["TypeProperty"]++
			}
		}
		if t.parent != 0 && v >= 6 {
			c["ParentType"]++
		}
	}
	for _, n := range nodes {
		if n.since > v {
			continue
		}
		tab := nodeTables[n.kind]
		c[tab.table]++
		for _, p := range n.props {
			if p.since <= v {
				c[tab.props]++
			}
		}
	}
	for _, ev := range events {
		if ev.since <= v {
			c["Event"]++
			c["EventPath"] += len(ev.path)
		}
	}
	for table, ls := range map[string][]link{"Attribution": attributions, "Association": associations, "ParentContext": parentContexts} {
		for _, l := range ls {
			if l.since <= v {
				c[table]++
			}
		}
	}
	if v >= 1 {
		c["MLMDEnv"] = 1
	}
	return c
}

// Build creates the fixture of engine e at schema version v in db, which
// must be empty: MLMD's tables of that version, then their rows. It
// checks that every table got the ids the fixture expects.
func Build(ctx context.Context, db *sql.DB, e Engine, v int) error {
	ddl, err := DDL(e, v)
	if err != nil {
		return err
	}
	rows, err := Rows(e, v)
	if err != nil {
		return err
	}
	for _, s := range slices.Concat(ddl, rows) {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("mlmdfixture: %s fixture version %d: %s: %w", e, v, s, err)
		}
	}
	d := dialect{e, v}
	counts := RowCounts(v)
	for _, table := range []string{"Type", "Artifact", "Execution", "Context", "Event", "Association", "Attribution"} {
		n := counts[table]
		if n == 0 {
			continue
		}
		var lo, hi, cnt int
		q := "SELECT MIN(" + d.q("id") + "), MAX(" + d.q("id") + "), COUNT(*) FROM " + d.q(table)
		if err := db.QueryRowContext(ctx, q).Scan(&lo, &hi, &cnt); err != nil {
			return fmt.Errorf("mlmdfixture: %s fixture version %d: %s: %w", e, v, q, err)
		}
		if lo != 1 || hi != n || cnt != n {
			return fmt.Errorf("mlmdfixture: %s fixture version %d: %s ids run %d..%d (%d rows), want 1..%d: the database was not empty", e, v, table, lo, hi, cnt, n)
		}
	}
	return nil
}
