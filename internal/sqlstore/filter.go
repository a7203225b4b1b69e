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
//	SELECT DISTINCT table_0.id, ... FROM <node table> AS table_0 <joins> WHERE ... AND (<where>)
//
// so the SQL returned refers to the node table as table_0; joins, if not
// empty, is a sequence of JOIN clauses (for example to the property,
// Attribution/Association, Context or Event tables, under aliases of the
// compiler's choosing other than table_0), and where is a boolean
// expression. distinct reports whether the joins can match a node more
// than once, so that the listing must select DISTINCT ids (joins to
// properties and to the node's type cannot; conditions on one aliased
// neighbour alone are written as IN (SELECT ...) and need no join). Neither may contain user text: every value of the query goes
// into args, which bind the ? placeholders of joins and then of where, in
// the order they appear. d tells the engine (d.Name()), for the few
// constructs that differ between SQLite and MySQL.
//
// It returns InvalidArgument for a query that does not parse or check.
// query is never empty.
func compileFilter(d Dialect, kind driver.Kind, query string) (joins, where string, args []any, distinct bool, err error) {
	var dialect filterlang.Dialect
	switch d.Name() {
	case "sqlite":
		dialect = filterlang.SQLite
	case "mysql":
		dialect = filterlang.MySQL
	default:
		return "", "", nil, false, errcode.New(errcode.Unimplemented, "sqlstore: filter queries are not supported on %s", d.Name())
	}
	compiled, err := filterlang.Build(query, filterlang.Kind(kind), dialect)
	if err != nil {
		// A *filterlang.Error has the code InvalidArgument and starts with
		// the line and column of the problem.
		return "", "", nil, false, errcode.Annotate(err, "invalid filter query")
	}
	return compiled.Joins, compiled.Where, compiled.Args(), compiled.Distinct, nil
}
