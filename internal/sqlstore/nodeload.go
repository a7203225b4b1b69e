package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Nodes are read with their type's name and their property rows in one
// statement, as types are (see typeload.go): a tagged UNION ALL of the
// node rows and the property rows, so that a read of nodes is one round
// trip. Each branch reads its table by its primary key and sorts nothing;
// the few properties of each node are put in key order here.

// nodeSource is which nodes a node read reads, as the FROM and WHERE
// clauses of its two branches: those of the nodes (with the type, as t)
// and those of their property rows (as p).
type nodeSource struct{ nodes, props string }

// idList reads the nodes of nt with n ids, given twice: once per branch.
func idList(nt *nodeTable, n int) nodeSource {
	ph := placeholders(n)
	return nodeSource{
		nodes: " FROM " + nt.table + " n LEFT JOIN Type t ON t.id = n.type_id WHERE n.id IN (" + ph + ")",
		props: " FROM " + nt.propTable + " p WHERE p." + nt.propKey + " IN (" + ph + ")",
	}
}

// pageRows reads the nodes of nt whose ids a WITH clause's page holds,
// joined with join (the dialect's join that keeps the page outermost: the
// database reads the page first and looks each of its nodes up).
func pageRows(nt *nodeTable, join string) nodeSource {
	return nodeSource{
		nodes: " FROM page " + join + " " + nt.table + " n ON n.id = page.id LEFT JOIN Type t ON t.id = n.type_id",
		props: " FROM page " + join + " " + nt.propTable + " p ON p." + nt.propKey + " = page.id",
	}
}

// nodesSQL returns the statement that reads the nodes of nt that src
// names.
func nodesSQL(nt *nodeTable, src nodeSource) string {
	uri, state := nodeColumns(nt)
	return "SELECT 0, n.id, n.type_id, " + uri + ", " + state + ", n.name, n.external_id, n.create_time_since_epoch, n.last_update_time_since_epoch, t.name," +
		" NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL" + src.nodes +
		" UNION ALL SELECT 1, p." + nt.propKey + ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL," +
		" p.name, p.is_custom_property, p.int_value, p.double_value, p.string_value, p.byte_value, p.proto_value, p.bool_value" + src.props
}

// nodeColumns returns the columns of nt's uri and state, or NULL for a
// table without them.
func nodeColumns(nt *nodeTable) (uri, state string) {
	uri, state = "NULL", "NULL"
	if nt.hasURI {
		uri = "n.uri"
	}
	if nt.stateCol != "" {
		state = "n." + nt.stateCol
	}
	return uri, state
}

// loadNodes reads the nodes of nt with the given ids (at most idsPerQuery)
// and their properties, in one statement: nodesSQL, or overlaidNodesSQL
// where the dialect has DynamicColumns.
func (t *tx) loadNodes(ctx context.Context, nt *nodeTable, ids []int64) ([]driver.NodeRow, error) {
	args := make([]any, 2*len(ids))
	for i, id := range ids {
		args[i], args[len(ids)+i] = id, id
	}
	return t.readNodes(ctx, nt, "", idList(nt, len(ids)), args, len(ids))
}

// readNodes runs the node read of src, after the WITH clause with (empty,
// or naming what src reads), and returns its nodes ordered by id; size is
// how many nodes are expected, to size the answer.
func (t *tx) readNodes(ctx context.Context, nt *nodeTable, with string, src nodeSource, args []any, size int) ([]driver.NodeRow, error) {
	query, scan := with+nodesSQL(nt, src), scanBeside
	if _, ok := t.d.(DynamicColumns); ok {
		query, scan = with+overlaidNodesSQL(nt, src), newOverlaidScanner()
	}
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]driver.NodeRow, 0, size)
	var props []PropertyRecord
	for rows.Next() {
		tag, n, p, err := scan(rows)
		if err != nil {
			return nil, err
		}
		switch tag {
		case 0:
			out = append(out, n)
		case 1:
			props = append(props, p)
		default:
			return nil, errcode.New(errcode.Internal, "sqlstore: read %ss: unknown row tag %d", nt.noun, tag)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b driver.NodeRow) int { return cmp.Compare(a.ID, b.ID) })
	if err := t.attachProperties(nt, out, props); err != nil {
		return nil, err
	}
	return out, nil
}

// A nodeScanner reads a row of a node read: its tag, and the node (tag 0)
// or the property row (tag 1) it holds.
type nodeScanner func(rows *sql.Rows) (tag int64, n driver.NodeRow, p PropertyRecord, err error)

// scanBeside scans a row of nodesSQL.
func scanBeside(rows *sql.Rows) (tag int64, n driver.NodeRow, p PropertyRecord, err error) {
	var id int64
	var typeID, state, createTime, updateTime sql.NullInt64
	var uri, name, externalID, typeName sql.NullString
	var pname sql.NullString
	var custom sql.NullBool
	if err := rows.Scan(&tag, &id, &typeID, &uri, &state, &name, &externalID, &createTime, &updateTime, &typeName,
		&pname, &custom, &p.IntValue, &p.DoubleValue, &p.StringValue, &p.ByteValue, &p.ProtoValue, &p.BoolValue); err != nil {
		return 0, n, p, err
	}
	if tag == 1 {
		p.NodeID, p.Name, p.IsCustomProperty = id, pname.String, custom.Bool
		return tag, n, p, nil
	}
	n = driver.NodeRow{
		ID: id, TypeID: typeID.Int64, TypeName: typeName.String, Name: name.String,
		URI: uri.String, ExternalID: externalID.String, State: int32(state.Int64),
		CreateTimeSinceEpoch: createTime.Int64, LastUpdateTimeSinceEpoch: updateTime.Int64,
	}
	return tag, n, p, nil
}

// attachProperties gives the nodes of nt in out, ordered by id, their
// property rows among props, in the order of the property tables' key.
func (t *tx) attachProperties(nt *nodeTable, out []driver.NodeRow, props []PropertyRecord) error {
	for _, r := range props {
		i, ok := slices.BinarySearchFunc(out, r.NodeID, func(n driver.NodeRow, id int64) int { return cmp.Compare(n.ID, id) })
		if !ok {
			continue // a property row of a node deleted meanwhile
		}
		p, err := propertyRow(t.d, r)
		if err != nil {
			return errcode.Annotate(err, "sqlstore: %s %d", nt.noun, r.NodeID)
		}
		out[i].Properties = append(out[i].Properties, p)
	}
	for i := range out {
		slices.SortFunc(out[i].Properties, func(a, b driver.PropertyRow) int {
			if c := strings.Compare(a.Name, b.Name); c != 0 {
				return c
			}
			switch {
			case a.IsCustom == b.IsCustom:
				return 0
			case a.IsCustom:
				return 1
			}
			return -1
		})
	}
	return nil
}

// DynamicColumns is an optional interface of a Dialect whose engine types
// each value, not each column (SQLite): a UNION ALL may then put values of
// different types in one column, and loadNodes lays the property rows over
// the node rows' columns (overlaidNodesSQL) instead of beside them. Each
// row then carries 10 values instead of 18, which is most of the cost of
// a read of many nodes on an engine that runs in the process.
type DynamicColumns interface {
	DynamicColumns()
}

// overlaidNodesSQL is nodesSQL with the property rows in the node rows'
// columns: tag 0, id, type_id, uri, state, name, external_id, create and
// update times, type name; tag 1, node id, is_custom_property, name, then
// the value columns int, double, string, proto and bool, and a NULL.
func overlaidNodesSQL(nt *nodeTable, src nodeSource) string {
	uri, state := nodeColumns(nt)
	return "SELECT 0, n.id, n.type_id, " + uri + ", " + state + ", n.name, n.external_id, n.create_time_since_epoch, n.last_update_time_since_epoch, t.name" + src.nodes +
		" UNION ALL SELECT 1, p." + nt.propKey + ", p.is_custom_property, p.name, p.int_value, p.double_value, p.string_value, p.proto_value, p.bool_value, NULL" + src.props
}

// newOverlaidScanner returns a nodeScanner of the rows of
// overlaidNodesSQL, which scans into values it reuses from row to row.
func newOverlaidScanner() nodeScanner {
	var v [10]any
	dest := make([]any, len(v))
	for i := range v {
		dest[i] = &v[i]
	}
	return func(rows *sql.Rows) (tag int64, n driver.NodeRow, p PropertyRecord, err error) {
		if err := rows.Scan(dest...); err != nil {
			return 0, n, p, err
		}
		var c valueReader
		switch tag = c.int(v[0]); tag {
		case 0:
			n = driver.NodeRow{
				ID: c.int(v[1]), TypeID: c.int(v[2]), URI: c.str(v[3]), State: int32(c.int(v[4])),
				Name: c.str(v[5]), ExternalID: c.str(v[6]),
				CreateTimeSinceEpoch: c.int(v[7]), LastUpdateTimeSinceEpoch: c.int(v[8]), TypeName: c.str(v[9]),
			}
		case 1:
			p = PropertyRecord{NodeID: c.int(v[1]), IsCustomProperty: c.int(v[2]) != 0, Name: c.str(v[3])}
			if v[4] != nil {
				p.IntValue = sql.NullInt64{Int64: c.int(v[4]), Valid: true}
			}
			if v[5] != nil {
				p.DoubleValue = sql.NullFloat64{Float64: c.float(v[5]), Valid: true}
			}
			if v[6] != nil {
				p.StringValue = sql.NullString{String: c.str(v[6]), Valid: true}
			}
			p.ProtoValue = c.bytes(v[7])
			if v[8] != nil {
				p.BoolValue = sql.NullBool{Bool: c.int(v[8]) != 0, Valid: true}
			}
		}
		if c.err != nil {
			return 0, n, p, errcode.Wrap(errcode.Internal, c.err, "sqlstore: read nodes")
		}
		return tag, n, p, nil
	}
}

// valueReader converts the values a driver returns for a dynamically typed
// column (int64, float64, bool, string, []byte or nil) and keeps the first
// value it cannot convert as err. NULL reads as the zero value.
type valueReader struct{ err error }

func (c *valueReader) fail(v any, want string) {
	if c.err == nil {
		c.err = fmt.Errorf("a %T value where %s was expected", v, want)
	}
}

func (c *valueReader) int(v any) int64 {
	switch x := v.(type) {
	case nil:
		return 0
	case int64:
		return x
	case bool:
		if x {
			return 1
		}
		return 0
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return int64(x)
		}
	}
	c.fail(v, "an integer")
	return 0
}

func (c *valueReader) float(v any) float64 {
	switch x := v.(type) {
	case nil:
		return 0
	case float64:
		return x
	case int64:
		return float64(x)
	}
	c.fail(v, "a number")
	return 0
}

func (c *valueReader) str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	}
	c.fail(v, "text")
	return ""
}

func (c *valueReader) bytes(v any) []byte {
	switch x := v.(type) {
	case nil:
		return nil
	case []byte:
		return x
	case string:
		return []byte(x)
	}
	c.fail(v, "bytes")
	return nil
}
