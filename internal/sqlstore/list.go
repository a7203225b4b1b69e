package sqlstore

import (
	"context"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// orderColumn returns the column of a node table that f orders by.
func orderColumn(f driver.OrderField) (string, error) {
	switch f {
	case driver.OrderByID, 0:
		return "id", nil
	case driver.OrderByCreateTime:
		return "create_time_since_epoch", nil
	case driver.OrderByUpdateTime:
		return "last_update_time_since_epoch", nil
	}
	return "", errcode.New(errcode.InvalidArgument, "sqlstore: unknown order field %d", f)
}

// listSQL builds the keyset-paginated listing of q:
//
//	SELECT table_0.id, table_0.<col> FROM <table> AS table_0 <filter joins>
//	WHERE <type> AND <context> AND (<filter>) AND <after cursor>
//	ORDER BY table_0.<col> [DESC], table_0.id [DESC] LIMIT n
//
// Every value is a bound parameter.
func listSQL(d Dialect, q driver.ListQuery) (string, []any, error) {
	nt, err := tableOf(q.Kind)
	if err != nil {
		return "", nil, err
	}
	col, err := orderColumn(q.OrderBy)
	if err != nil {
		return "", nil, err
	}
	if q.Limit < 0 {
		return "", nil, errcode.New(errcode.InvalidArgument, "sqlstore: negative limit %d", q.Limit)
	}
	var joins string
	var conds []string
	var joinArgs, args []any
	if q.Filter != nil {
		j, w, fargs, err := compileFilter(d, q.Kind, q.Filter)
		if err != nil {
			return "", nil, err
		}
		joins = j
		if w != "" {
			conds = append(conds, "("+w+")")
		}
		// The filter's args bind its joins, then its where clause, which
		// is the first condition: they precede all other placeholders.
		joinArgs = fargs
	}
	if q.TypeID != 0 {
		conds = append(conds, "table_0.type_id = ?")
		args = append(args, q.TypeID)
	}
	if q.ContextID != 0 {
		if nt.linkTable == "" {
			return "", nil, errcode.New(errcode.InvalidArgument, "sqlstore: contexts cannot be listed by context")
		}
		conds = append(conds, "table_0.id IN (SELECT "+nt.propKey+" FROM "+nt.linkTable+" WHERE context_id = ?)")
		args = append(args, q.ContextID)
	}
	cmpOp, dir := ">", ""
	if q.Desc {
		cmpOp, dir = "<", " DESC"
	}
	if q.After != nil {
		if col == "id" {
			conds = append(conds, "table_0.id "+cmpOp+" ?")
			args = append(args, q.After.ID)
		} else {
			conds = append(conds, "(table_0."+col+" "+cmpOp+" ? OR (table_0."+col+" = ? AND table_0.id "+cmpOp+" ?))")
			args = append(args, q.After.OrderValue, q.After.OrderValue, q.After.ID)
		}
	}

	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString("table_0.id, table_0." + col + " FROM " + nt.table + " AS table_0")
	if joins != "" {
		b.WriteString(" " + joins)
	}
	if len(conds) > 0 {
		b.WriteString(" WHERE " + strings.Join(conds, " AND "))
	}
	b.WriteString(" ORDER BY table_0." + col + dir)
	if col != "id" {
		b.WriteString(", table_0.id" + dir)
	}
	if q.Limit > 0 {
		b.WriteString(" LIMIT ?")
		args = append(args, int64(q.Limit))
	}
	return b.String(), append(joinArgs, args...), nil
}

func (t *tx) ListNodes(ctx context.Context, q driver.ListQuery) ([]driver.NodeKey, error) {
	query, args, err := listSQL(t.d, q)
	if err != nil {
		return nil, err
	}
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbError(t.d, err, "list nodes")
	}
	defer rows.Close()
	var keys []driver.NodeKey
	for rows.Next() {
		var k driver.NodeKey
		if err := rows.Scan(&k.ID, &k.OrderValue); err != nil {
			return nil, dbError(t.d, err, "list nodes")
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(t.d, err, "list nodes")
	}
	return keys, nil
}
