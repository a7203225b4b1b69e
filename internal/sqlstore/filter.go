package sqlstore

import (
	"github.com/gomlmd/gomlmd/filterlang"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// compileFilter translates a filter query in MLMD's filter language, over
// the nodes of kind, into SQL for ListNodes. It is the one place where the
// filter language meets the storage layer.
//
// ListNodes reads the node table as
//
//	SELECT table_0.id, ... FROM <node table> AS table_0 <joins> WHERE ... AND (<where>)
//
// so the SQL returned refers to the node table as table_0; joins, if not
// empty, is a sequence of JOIN clauses (to property tables or Type, under
// aliases of the compiler's choosing other than table_0) that match each
// node at most once, so that the listing needs no DISTINCT, which would
// keep the database from reading the node table in order and stopping
// after one page. where is a boolean expression. Neither may contain user
// text: every value of the query goes into args, which bind the ?
// placeholders of joins and then of where, in the order they appear. d
// tells the engine (d.Name()), for the few constructs that differ between
// SQLite and MySQL.
//
// It returns InvalidArgument for a query that does not parse or check.
// query is never empty.
func compileFilter(d Dialect, kind driver.Kind, query string) (joins, where string, args []any, err error) {
	var dialect filterlang.Dialect
	switch d.Name() {
	case "sqlite":
		dialect = filterlang.SQLite
	case "mysql":
		dialect = filterlang.MySQL
	default:
		return "", "", nil, errcode.New(errcode.Unimplemented, "sqlstore: filter queries are not supported on %s", d.Name())
	}
	compiled, err := filterlang.Build(query, filterlang.Kind(kind), dialect)
	if err != nil {
		// A *filterlang.Error has the code InvalidArgument and starts with
		// the line and column of the problem.
		return "", "", nil, errcode.Annotate(err, "invalid filter query")
	}
	if compiled.Distinct {
		// The joins could repeat a node: keep them inside a subquery, so
		// that what the caller joins never does. (filterlang writes
		// conditions on contexts, events and other neighbours as
		// subqueries already and joins only properties and the type, so
		// this does not happen today.)
		return "", "table_0.id IN (SELECT table_0.id FROM " + compiled.From() + " WHERE " + compiled.Where + ")", compiled.Args(), nil
	}
	return compiled.Joins, compiled.Where, compiled.Args(), nil
}
