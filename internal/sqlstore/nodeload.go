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

// nodeSource is which nodes a node read reads: the node table as n (and
// what it is joined to) with the condition on it, and the property table
// as p with its own, for the layouts that read the property rows in a
// branch of their own. nodeArgs bind the nodes' condition, propArgs the
// property rows'.
type nodeSource struct {
	nodes, nodesWhere string
	props, propsWhere string
	nodeArgs          []any
	propArgs          []any
}

// idList reads the nodes of nt with the given ids.
func idList(nt *nodeTable, ids []int64) nodeSource {
	ph := placeholders(len(ids))
	args := anys(ids)
	return nodeSource{
		nodes: nt.table + " n", nodesWhere: " WHERE n.id IN (" + ph + ")",
		props: nt.propTable + " p", propsWhere: " WHERE p." + nt.propKey + " IN (" + ph + ")",
		nodeArgs: args, propArgs: args,
	}
}

// pageRows reads the nodes of nt whose ids a WITH clause's page holds,
// joined with join (the dialect's join that keeps the page outermost: the
// database reads the page first and looks each of its nodes up).
func pageRows(nt *nodeTable, join string) nodeSource {
	return nodeSource{
		nodes: "page " + join + " " + nt.table + " n ON n.id = page.id",
		props: "page " + join + " " + nt.propTable + " p ON p." + nt.propKey + " = page.id",
	}
}

// nodesSQL returns the statement that reads the nodes of nt that src
// names, node rows and property rows side by side in a UNION ALL.
func nodesSQL(nt *nodeTable, src nodeSource) string {
	uri, state := nodeColumns(nt)
	return "SELECT 0, n.id, n.type_id, " + uri + ", " + state + ", n.name, n.external_id, n.create_time_since_epoch, n.last_update_time_since_epoch, t.name," +
		" NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM " + src.nodes + " LEFT JOIN Type t ON t.id = n.type_id" + src.nodesWhere +
		" UNION ALL SELECT 1, p." + nt.propKey + ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL," +
		" p.name, p.is_custom_property, p.int_value, p.double_value, p.string_value, p.byte_value, p.proto_value, p.bool_value FROM " + src.props + src.propsWhere
}

// MaterializedUnions is an optional interface of a Dialect whose engine
// reads a UNION ALL through a temporary table (MariaDB): its node and type
// reads join the rows of the other tables to the node or type rows
// (joinedNodesSQL, joinedTypesSQL) instead of reading them in branches of
// their own. A node comes once per property (once with NULLs without
// any), which repeats its columns but costs the engine less than the
// second branch and the temporary table: a node with four properties read
// by id took 30 % less of MariaDB's CPU.
type MaterializedUnions interface {
	MaterializedUnions()
}

// joinedNodesSQL is nodesSQL with the property rows joined to the node
// rows: the node's columns, its type's name, then the property's name,
// is_custom_property and value columns.
func joinedNodesSQL(nt *nodeTable, src nodeSource) string {
	uri, state := nodeColumns(nt)
	return "SELECT n.id, n.type_id, " + uri + ", " + state + ", n.name, n.external_id, n.create_time_since_epoch, n.last_update_time_since_epoch, t.name," +
		" p.name, p.is_custom_property, p.int_value, p.double_value, p.string_value, p.byte_value, p.proto_value, p.bool_value" +
		" FROM " + src.nodes + " LEFT JOIN Type t ON t.id = n.type_id LEFT JOIN " + nt.propTable + " p ON p." + nt.propKey + " = n.id" + src.nodesWhere
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
// and their properties, in one statement (see readNodes).
func (t *tx) loadNodes(ctx context.Context, nt *nodeTable, ids []int64) ([]driver.NodeRow, error) {
	return t.readNodes(ctx, nt, "", nil, idList(nt, ids), len(ids))
}

// readNodes runs the node read of src, after the WITH clause with (empty,
// or naming what src reads) and its arguments withArgs, and returns its
// nodes ordered by id; size is how many nodes are expected, to size the
// answer. The statement is nodesSQL, overlaidNodesSQL where the dialect
// has DynamicColumns, or joinedNodesSQL where it has MaterializedUnions.
func (t *tx) readNodes(ctx context.Context, nt *nodeTable, with string, withArgs []any, src nodeSource, size int) ([]driver.NodeRow, error) {
	args := append(append([]any(nil), withArgs...), src.nodeArgs...)
	query, scan, joined := nodesSQL(nt, src), scanBeside, false
	switch t.d.(type) {
	case DynamicColumns:
		query, scan = overlaidNodesSQL(nt, src), newOverlaidScanner()
	case MaterializedUnions:
		query, joined = joinedNodesSQL(nt, src), true
	}
	if !joined {
		args = append(args, src.propArgs...)
	}
	rows, err := t.tx.QueryContext(ctx, with+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]driver.NodeRow, 0, size)
	var props []PropertyRecord
	if joined {
		out, props, err = scanJoined(rows, out)
	} else {
		out, props, err = scanTagged(rows, scan, nt, out)
	}
	if err != nil {
		return nil, err
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

// scanTagged reads the rows of nodesSQL or overlaidNodesSQL with scan:
// the nodes, appended to out, and the property rows.
func scanTagged(rows *sql.Rows, scan nodeScanner, nt *nodeTable, out []driver.NodeRow) ([]driver.NodeRow, []PropertyRecord, error) {
	var props []PropertyRecord
	for rows.Next() {
		tag, n, p, err := scan(rows)
		if err != nil {
			return nil, nil, err
		}
		switch tag {
		case 0:
			out = append(out, n)
		case 1:
			props = append(props, p)
		default:
			return nil, nil, errcode.New(errcode.Internal, "sqlstore: read %ss: unknown row tag %d", nt.noun, tag)
		}
	}
	return out, props, nil
}

// scanJoined reads the rows of joinedNodesSQL: each node once, appended
// to out, and the property rows.
func scanJoined(rows *sql.Rows, out []driver.NodeRow) ([]driver.NodeRow, []PropertyRecord, error) {
	seen := map[int64]bool{}
	var props []PropertyRecord
	var r nodeRowScan
	for rows.Next() {
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, nil, err
		}
		if !seen[r.id] {
			seen[r.id] = true
			out = append(out, r.node())
		}
		if r.pname.Valid {
			props = append(props, r.prop())
		}
	}
	return out, props, nil
}

// A nodeScanner reads a row of a node read: its tag, and the node (tag 0)
// or the property row (tag 1) it holds.
type nodeScanner func(rows *sql.Rows) (tag int64, n driver.NodeRow, p PropertyRecord, err error)

// scanBeside scans a row of nodesSQL.
func scanBeside(rows *sql.Rows) (tag int64, n driver.NodeRow, p PropertyRecord, err error) {
	var r nodeRowScan
	if err := rows.Scan(append([]any{&tag}, r.dest()...)...); err != nil {
		return 0, n, p, err
	}
	if tag == 1 {
		return tag, n, r.prop(), nil
	}
	return tag, r.node(), p, nil
}

// nodeRowScan receives the columns of a row of nodesSQL (after its tag)
// and of joinedNodesSQL: a node's columns and its type's name, then a
// property row's name, is_custom_property and value columns.
type nodeRowScan struct {
	id                                    int64
	typeID, state, createTime, updateTime sql.NullInt64
	uri, name, externalID, typeName       sql.NullString
	pname                                 sql.NullString
	custom                                sql.NullBool
	p                                     PropertyRecord
}

// dest returns the destinations of the row's columns, in order.
func (r *nodeRowScan) dest() []any {
	return []any{&r.id, &r.typeID, &r.uri, &r.state, &r.name, &r.externalID, &r.createTime, &r.updateTime, &r.typeName,
		&r.pname, &r.custom, &r.p.IntValue, &r.p.DoubleValue, &r.p.StringValue, &r.p.ByteValue, &r.p.ProtoValue, &r.p.BoolValue}
}

// node returns the node the row holds.
func (r *nodeRowScan) node() driver.NodeRow {
	return driver.NodeRow{
		ID: r.id, TypeID: r.typeID.Int64, TypeName: r.typeName.String, Name: r.name.String,
		URI: r.uri.String, ExternalID: r.externalID.String, State: int32(r.state.Int64),
		CreateTimeSinceEpoch: r.createTime.Int64, LastUpdateTimeSinceEpoch: r.updateTime.Int64,
	}
}

// prop returns the property row the row holds, of the node with its id.
func (r *nodeRowScan) prop() PropertyRecord {
	p := r.p
	p.NodeID, p.Name, p.IsCustomProperty = r.id, r.pname.String, r.custom.Bool
	return p
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
	return "SELECT 0, n.id, n.type_id, " + uri + ", " + state + ", n.name, n.external_id, n.create_time_since_epoch, n.last_update_time_since_epoch, t.name" +
		" FROM " + src.nodes + " LEFT JOIN Type t ON t.id = n.type_id" + src.nodesWhere +
		" UNION ALL SELECT 1, p." + nt.propKey + ", p.is_custom_property, p.name, p.int_value, p.double_value, p.string_value, p.proto_value, p.bool_value, NULL" +
		" FROM " + src.props + src.propsWhere
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
