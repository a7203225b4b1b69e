package sqlstore

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/gomlmd/gomlmd/filterlang"
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

// listPlan is a listing taken apart: the node table, its order, the
// compiled filter and the other conditions, from which listSQL and
// windowSQL write their statements.
type listPlan struct {
	table  string
	col    string // the order column
	desc   bool
	filter *filterlang.SQL // nil without a filter
	conds  []string        // the conditions other than the filter, on table_0
	args   []any           // the arguments of conds
	limit  int             // 0: no limit
	// inContext: the listing is restricted to one context's members.
	inContext bool
}

// planList checks q and takes it apart.
func planList(d Dialect, q driver.ListQuery) (*listPlan, error) {
	nt, err := tableOf(q.Kind)
	if err != nil {
		return nil, err
	}
	col, err := orderColumn(q.OrderBy)
	if err != nil {
		return nil, err
	}
	if q.Limit < 0 {
		return nil, errcode.New(errcode.InvalidArgument, "sqlstore: negative limit %d", q.Limit)
	}
	p := &listPlan{table: nt.table, col: col, desc: q.Desc, limit: q.Limit}
	if q.Filter != nil {
		if p.filter, err = compileFilterSQL(d, q.Kind, q.Filter); err != nil {
			return nil, err
		}
	}
	if q.TypeID != 0 {
		p.conds = append(p.conds, "table_0.type_id = ?")
		p.args = append(p.args, q.TypeID)
	}
	if q.ContextID != 0 {
		if nt.linkTable == "" {
			return nil, errcode.New(errcode.InvalidArgument, "sqlstore: contexts cannot be listed by context")
		}
		p.conds = append(p.conds, "table_0.id IN (SELECT "+nt.propKey+" FROM "+nt.linkTable+" WHERE context_id = ?)")
		p.args = append(p.args, q.ContextID)
		p.inContext = true
	}
	if q.After != nil {
		p.conds = append(p.conds, afterCond(col, q.Desc))
		if col == "id" {
			p.args = append(p.args, q.After.ID)
		} else {
			p.args = append(p.args, q.After.OrderValue, q.After.OrderValue, q.After.ID)
		}
	}
	return p, nil
}

// afterCond returns the condition of the nodes after a key in the order
// of col and id, ascending or descending. Its arguments are the key's id,
// when col is id, and else its order value twice and its id. The order
// value is also a bound of its own, col <= value (or >=), so that the
// database reads col's index from the key on rather than from its start.
func afterCond(col string, desc bool) string {
	cmp, cmpEq := ">", ">="
	if desc {
		cmp, cmpEq = "<", "<="
	}
	if col == "id" {
		return "table_0.id " + cmp + " ?"
	}
	c := "table_0." + col
	return c + " " + cmpEq + " ? AND (" + c + " " + cmp + " ? OR table_0.id " + cmp + " ?)"
}

// orderBy returns the ORDER BY clause of the listing, with a leading space.
func (p *listPlan) orderBy() string {
	dir := ""
	if p.desc {
		dir = " DESC"
	}
	s := " ORDER BY table_0." + p.col + dir
	if p.col != "id" {
		s += ", table_0.id" + dir
	}
	return s
}

// listSQL builds the keyset-paginated listing of q:
//
//	SELECT table_0.id, table_0.<col> FROM <table> AS table_0 <filter joins>
//	WHERE (<filter>) AND <type> AND <context> AND <after cursor (afterCond)>
//	ORDER BY table_0.<col> [DESC], table_0.id [DESC] LIMIT n
//
// Every value is a bound parameter.
func listSQL(d Dialect, q driver.ListQuery) (string, []any, error) {
	p, err := planList(d, q)
	if err != nil {
		return "", nil, err
	}
	query, args := p.sql()
	return query, args, nil
}

// sql writes the listing as listSQL describes it.
func (p *listPlan) sql() (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString("SELECT table_0.id, table_0." + p.col + " FROM " + p.table + " AS table_0")
	conds := p.conds
	if p.filter != nil {
		if p.filter.Joins != "" {
			b.WriteString(" " + p.filter.Joins)
		}
		// The filter's args bind its joins, then its where clause, which
		// is the first condition: they precede all other placeholders.
		conds = append([]string{"(" + p.filter.Where + ")"}, conds...)
		args = append(args, p.filter.Args()...)
	}
	if len(conds) > 0 {
		b.WriteString(" WHERE " + strings.Join(conds, " AND "))
	}
	args = append(args, p.args...)
	b.WriteString(p.orderBy())
	if p.limit > 0 {
		b.WriteString(" LIMIT ?")
		args = append(args, int64(p.limit))
	}
	return b.String(), args
}

// A page whose filter joins properties or the type may be searched in two
// steps (see ListNodes and windowed): first among the next window nodes
// of the listing, window being windowPerRow times the page's rows (and at
// least minWindow), read in order; then, if that did not fill the page,
// in the whole table. Pages of more than maxWindowedLimit rows (the
// unpaged listings, bounded by a row limit) skip the first step.
//
// The window costs a key lookup per node it reads, which a filter that
// few nodes meet pays on top of the whole-table search; when the window
// does not fill the page, fewer than one node in windowPerRow matches
// near the listing's start, and the whole-table search, which collects
// and sorts the matches, is likely cheap. On a 100k-node store a window
// of 1050 nodes (a page of 20 and the row that tells whether there is a
// next page) costs about a millisecond on SQLite and a few on MariaDB.
const (
	windowPerRow     = 50
	minWindow        = 500
	maxWindowedLimit = 1000
)

// windowed reports whether ListNodes searches the page of p in a window
// first on the dialect d: for a filter that joins properties or the type,
// on SQLite and MySQL. PostgreSQL's planner, which estimates how many rows
// a condition on a property matches from the values of the query, picks
// well between reading the nodes in order and starting from the
// property's index, and needs no window. Nor does a listing of one
// context's members (Kubeflow's tasks of a run, the explorer's members of a
// context): the database starts from the context's links, which are few
// next to the table, and a window would cost a second statement whenever
// the filter matches fewer members than the page holds.
func (p *listPlan) windowed(d Dialect) bool {
	if d == nil || p.filter == nil || p.filter.Joins == "" || p.limit <= 0 || p.limit > maxWindowedLimit || p.inContext {
		return false
	}
	return d.FilterDialect() != filterlang.PostgreSQL
}

// windowSQL writes the listing restricted to the first window nodes of
// the listing without its filter, read in order, with the filter's joins
// written so that the database keeps the node table outermost
// (filterlang's NodeFirstJoins). On SQLite the window is the node table's
// rows:
//
//	SELECT table_0.id, table_0.<col> FROM (SELECT * FROM <table> AS table_0
//	WHERE <type> AND <context> AND <after cursor> ORDER BY ... LIMIT window)
//	AS table_0 <filter joins as CROSS JOIN> WHERE (<filter>) ORDER BY ... LIMIT n
//
// which SQLite reads in order and stops at the page's end. MySQL would
// read the whole table to sort the rows of such a window; its window is
// the nodes' ids, read from the order column's index, and the nodes are
// joined to it:
//
//	SELECT table_0.id, table_0.<col> FROM (SELECT table_0.id FROM <table>
//	AS table_0 WHERE ... ORDER BY ... LIMIT window) AS window_0
//	STRAIGHT_JOIN <table> AS table_0 ON table_0.id = window_0.id
//	<filter joins as STRAIGHT_JOIN> WHERE (<filter>) ORDER BY ... LIMIT n
//
// Its cost is bounded by the window whatever the filter matches, and its
// answer is the listing's first page if it has n rows: the window is a
// prefix of the listing in its order.
func (p *listPlan) windowSQL(d filterlang.Dialect, window int) (string, []any) {
	var b strings.Builder
	args := append([]any(nil), p.args...)
	where := ""
	if len(p.conds) > 0 {
		where = " WHERE " + strings.Join(p.conds, " AND ")
	}
	b.WriteString("SELECT table_0.id, table_0." + p.col + " FROM ")
	if d == filterlang.SQLite {
		b.WriteString("(SELECT * FROM " + p.table + " AS table_0" + where + p.orderBy() + " LIMIT ?) AS table_0 ")
	} else {
		b.WriteString("(SELECT table_0.id FROM " + p.table + " AS table_0" + where + p.orderBy() + " LIMIT ?) AS window_0 " +
			"STRAIGHT_JOIN " + p.table + " AS table_0 ON table_0.id = window_0.id ")
	}
	args = append(args, int64(window))
	b.WriteString(p.filter.NodeFirstJoins() + " WHERE (" + p.filter.Where + ")" + p.orderBy() + " LIMIT ?")
	args = append(args, p.filter.Args()...)
	args = append(args, int64(p.limit))
	return b.String(), args
}

// window returns the window of a page of limit rows (see windowSQL).
func window(limit int) int { return max(minWindow, limit*windowPerRow) }

// ListNodes lists the keys of the nodes of q.
//
// A page with a filter that joins properties or the type is, on SQLite
// and MySQL (see windowed), searched first in a window of the listing
// (windowSQL), and only if that does not fill it in the whole table. The
// planners cannot tell how many nodes a property condition matches: they
// start from the property's index and sort every node that matches,
// which is quick when few do and slow when most do (the whole table
// sorted for a page of 20). The window answers the common case, a
// condition that many nodes meet, by reading the nodes in order; a
// condition that few nodes meet costs one window more than before.
func (t *tx) ListNodes(ctx context.Context, q driver.ListQuery) ([]driver.NodeKey, error) {
	p, err := planList(t.d, q)
	if err != nil {
		return nil, err
	}
	if p.windowed(t.d) {
		query, args := p.windowSQL(t.d.FilterDialect(), window(p.limit))
		keys, err := t.listKeys(ctx, query, args)
		if err != nil || len(keys) == p.limit {
			return keys, err
		}
	}
	query, args := p.sql()
	return t.listKeys(ctx, query, args)
}

// listKeys runs a listing statement and returns the keys it reads.
func (t *tx) listKeys(ctx context.Context, query string, args []any) ([]driver.NodeKey, error) {
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

var _ driver.PageTx = (*tx)(nil)

// ListNodePage answers q and reads the page's nodes, see driver.PageTx.
// A page that one statement lists (listSQL) is read in one statement: the
// listing becomes a WITH clause named page, and the node read joins its
// tables to it, however many nodes the page holds (a listing without a
// limit too). A page searched in a window first (see ListNodes) is listed
// first and its nodes read after, in a transaction: in a read of one
// statement (see runOneStatement) it refuses itself before it sends
// anything.
func (t *tx) ListNodePage(ctx context.Context, q driver.ListQuery) ([]driver.NodeKey, []driver.NodeRow, error) {
	p, err := planList(t.d, q)
	if err != nil {
		return nil, nil, err
	}
	if p.windowed(t.d) {
		if t.needsTransaction() {
			return nil, nil, errSecondStatement
		}
		keys, err := t.ListNodes(ctx, q)
		if err != nil || len(keys) == 0 {
			return keys, nil, err
		}
		ids := make([]int64, len(keys))
		for i, k := range keys {
			ids[i] = k.ID
		}
		rows, err := t.GetNodes(ctx, q.Kind, ids)
		return keys, rows, err
	}
	nt, err := tableOf(q.Kind)
	if err != nil {
		return nil, nil, err
	}
	query, args := p.sql()
	rows, err := t.readNodes(ctx, nt, "WITH page (id, order_value) AS ("+query+") ", args, pageRows(nt, pageJoin(t.d)), pageSize(p.limit))
	if err != nil {
		return nil, nil, dbError(t.d, err, "list %ss", nt.noun)
	}
	keys := make([]driver.NodeKey, len(rows))
	for i, r := range rows {
		keys[i] = driver.NodeKey{ID: r.ID, OrderValue: orderValue(q.OrderBy, r)}
	}
	// The listing's order: by the order value, then by id, both
	// descending when q.Desc, as orderBy writes it.
	slices.SortFunc(keys, func(a, b driver.NodeKey) int {
		c := cmp.Compare(a.OrderValue, b.OrderValue)
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if q.Desc {
			return -c
		}
		return c
	})
	return keys, rows, nil
}

// pageSize is how many nodes to make room for in the answer of a page of
// limit rows (0: no limit).
func pageSize(limit int) int {
	if limit <= 0 || limit > idsPerQuery {
		return idsPerQuery
	}
	return limit
}

// orderValue returns the value of r's column that f orders by.
func orderValue(f driver.OrderField, r driver.NodeRow) int64 {
	switch f {
	case driver.OrderByCreateTime:
		return r.CreateTimeSinceEpoch
	case driver.OrderByUpdateTime:
		return r.LastUpdateTimeSinceEpoch
	}
	return r.ID
}

// pageJoin returns the join that keeps a page outermost in a node read of
// the dialect d: MySQL's STRAIGHT_JOIN and SQLite's CROSS JOIN fix the
// order of the tables, and PostgreSQL's planner needs no hint.
func pageJoin(d Dialect) string {
	switch d.FilterDialect() {
	case filterlang.MySQL:
		return "STRAIGHT_JOIN"
	case filterlang.SQLite:
		return "CROSS JOIN"
	}
	return "JOIN"
}
