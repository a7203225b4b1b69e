package sqlstore

import (
	"github.com/gomlmd/gomlmd/filterlang"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// compileFilter writes a checked filter query over the nodes of kind as
// SQL of the dialect, for ListNodes and the lineage walk. It is the one
// place where the filter language meets the storage layer.
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
// after one page. where is a boolean expression. Neither contains user
// text: every value of the query goes into args, which bind the ?
// placeholders of joins and then of where, in the order they appear.
//
// It returns InvalidArgument when f was checked against another kind.
func compileFilter(d Dialect, kind driver.Kind, f *driver.Filter) (joins, where string, args []any, err error) {
	compiled, err := compileFilterSQL(d, kind, f)
	if err != nil {
		return "", "", nil, err
	}
	return compiled.Joins, compiled.Where, compiled.Args(), nil
}

// compileFilterSQL is compileFilter, returning the compiled query whole.
func compileFilterSQL(d Dialect, kind driver.Kind, f *driver.Filter) (*filterlang.SQL, error) {
	if f.Kind() != kind {
		return nil, errcode.New(errcode.InvalidArgument,
			"sqlstore: a filter query over %ss given for %ss", f.Kind(), kind)
	}
	compiled, err := filterlang.Compile(f, d.FilterDialect())
	if err != nil {
		return nil, errcode.Annotate(err, "sqlstore: compile the filter query %q", f)
	}
	return compiled, nil
}
