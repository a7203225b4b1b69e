package sqlstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// updateRowsPerStatement is the most rows of one multi-row UPDATE. Such an
// UPDATE picks each row's values with CASE id WHEN ... over all rows of
// the statement, so its cost grows with the square of its rows.
const updateRowsPerStatement = 100

// columns returns the columns of the node table that InsertNodes and
// UpdateNodes write, except create_time_since_epoch, which only InsertNodes
// writes; values returns a row's values for them.
func (nt *nodeTable) columns() []string {
	cols := []string{"type_id", "name", "external_id"}
	if nt.hasURI {
		cols = append(cols, "uri")
	}
	if nt.stateCol != "" {
		cols = append(cols, nt.stateCol)
	}
	return append(cols, "last_update_time_since_epoch")
}

func (nt *nodeTable) values(r *driver.NodeRow) []any {
	return nt.appendValues(make([]any, 0, 6), r)
}

// appendValues appends the values of values(r) to vals.
func (nt *nodeTable) appendValues(vals []any, r *driver.NodeRow) []any {
	vals = append(vals, r.TypeID, nullable(r.Name), nullable(r.ExternalID))
	if nt.hasURI {
		vals = append(vals, nullable(r.URI))
	}
	if nt.stateCol != "" {
		vals = append(vals, nullableInt(r.State))
	}
	return append(vals, r.LastUpdateTimeSinceEpoch)
}

func (t *tx) InsertNodes(ctx context.Context, kind driver.Kind, rows []driver.NodeRow) ([]int64, error) {
	nt, err := tableOf(kind)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	cols := append(nt.columns(), "create_time_since_epoch")
	vals := rowsOf(len(rows), len(cols))
	nprops := 0
	for i := range rows {
		vals[i] = append(nt.appendValues(vals[i], &rows[i]), rows[i].CreateTimeSinceEpoch)
		nprops += len(rows[i].Properties)
	}
	ids, err := t.insertRowsIDs(ctx, "insert "+nt.noun+"s", nt.table, cols, vals)
	if err != nil {
		return nil, err
	}
	props := make([]driver.PropertyRow, 0, nprops)
	for i := range rows {
		for _, p := range rows[i].Properties {
			p.NodeID = ids[i]
			props = append(props, p)
		}
	}
	if err := t.insertProperties(ctx, nt, props, ""); err != nil {
		return nil, err
	}
	return ids, nil
}

func (t *tx) UpdateNodes(ctx context.Context, kind driver.Kind, rows []driver.NodeRow) error {
	nt, err := tableOf(kind)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	// The UPDATE's matched rows (found rows on MySQL, see
	// Dialect) tell whether every node exists: no read before it.
	cols := nt.columns()
	for start := 0; start < len(rows); start += updateRowsPerStatement {
		part := rows[start:min(start+updateRowsPerStatement, len(rows))]
		query, args := updateSQL(nt, cols, part)
		res, err := t.tx.ExecContext(ctx, query, args...)
		if err != nil {
			vals := make([][]any, len(part))
			for i := range part {
				vals[i] = nt.values(&part[i])
			}
			return t.writeError(ctx, err, nt.table, cols, vals, "update "+nt.noun+"s")
		}
		matched, err := res.RowsAffected()
		if err != nil {
			return dbError(t.d, err, "update %ss", nt.noun)
		}
		ids := make([]int64, len(part))
		for i := range part {
			ids[i] = part[i].ID
		}
		ids = uniqueIDs(ids)
		if matched != int64(len(ids)) {
			return t.missingNode(ctx, kind, nt, ids)
		}
	}
	return nil
}

// missingNode returns NotFound for the first of ids that names no node.
func (t *tx) missingNode(ctx context.Context, kind driver.Kind, nt *nodeTable, ids []int64) error {
	found, err := t.q.nodeIDsByID(ctx, kind, ids)
	if err != nil {
		return dbError(t.d, err, "find %ss", nt.noun)
	}
	for _, id := range ids {
		if _, ok := slices.BinarySearch(found, id); !ok {
			return errcode.New(errcode.NotFound, "sqlstore: %s %d not found", nt.noun, id)
		}
	}
	return errcode.New(errcode.Internal, "sqlstore: update %ss: fewer rows matched than ids, but all exist", nt.noun)
}

// updateSQL builds one UPDATE that sets cols of every row of rows:
//
//	UPDATE T SET c1 = CASE id WHEN ? THEN ? ... ELSE c1 END, ... WHERE id IN (...)
func updateSQL(nt *nodeTable, cols []string, rows []driver.NodeRow) (string, []any) {
	vals := make([][]any, len(rows))
	for i := range rows {
		vals[i] = nt.values(&rows[i])
	}
	var b strings.Builder
	args := make([]any, 0, (2*len(cols)+1)*len(rows))
	b.WriteString("UPDATE " + nt.table + " SET ")
	for c, col := range cols {
		if c > 0 {
			b.WriteString(", ")
		}
		b.WriteString(col + " = CASE id")
		for i := range rows {
			b.WriteString(" WHEN ? THEN ?")
			args = append(args, rows[i].ID, vals[i][c])
		}
		// ELSE keeps the column's own type for the CASE: PostgreSQL
		// types a CASE of ? alone as text. The WHERE clause leaves no row
		// to reach it.
		b.WriteString(" ELSE " + col + " END")
	}
	b.WriteString(" WHERE id IN (" + placeholders(len(rows)) + ")")
	for i := range rows {
		args = append(args, rows[i].ID)
	}
	return b.String(), args
}

func (t *tx) GetNodes(ctx context.Context, kind driver.Kind, ids []int64) ([]driver.NodeRow, error) {
	nt, err := tableOf(kind)
	if err != nil {
		return nil, err
	}
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	out, err := inChunks(ids, func(ids []int64) ([]driver.NodeRow, error) {
		return t.loadNodes(ctx, nt, ids)
	})
	if err != nil {
		return nil, dbError(t.d, err, "read %ss", nt.noun)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

var _ driver.NamedNodeTx = (*tx)(nil)

// GetNodeByTypeAndName reads the node of kind with a name in a type given
// by name and version, see driver.NamedNodeTx: in one statement, a node
// read whose page is the node found through the type's unique key and the
// node's (type_id, name) key.
func (t *tx) GetNodeByTypeAndName(ctx context.Context, kind driver.Kind, typeName, typeVersion, name string) ([]driver.NodeRow, error) {
	nt, err := tableOf(kind)
	if err != nil {
		return nil, err
	}
	with := "WITH page (id) AS (SELECT n.id FROM Type t JOIN " + nt.table + " n ON n.type_id = t.id AND n.name = ?" +
		" WHERE t.type_kind = ? AND t.name = ? AND COALESCE(t.version, '') = ?) "
	rows, err := t.readNodes(ctx, nt, with, []any{name, int64(kind), typeName, typeVersion}, pageRows(nt, pageJoin(t.d)), 1)
	if err != nil {
		return nil, dbError(t.d, err, "read %s by type and name", nt.noun)
	}
	// MySQL compares names in the column's collation (case-insensitive by
	// default); the names must match exactly, as on the other engines.
	return slices.DeleteFunc(rows, func(r driver.NodeRow) bool { return r.Name != name || r.TypeName != typeName }), nil
}

func (t *tx) FindNodeIDs(ctx context.Context, kind driver.Kind, q driver.NodeQuery) ([]int64, error) {
	nt, err := tableOf(kind)
	if err != nil {
		return nil, err
	}
	var ids []int64
	switch {
	case len(q.IDs) > 0:
		ids, err = inChunks(uniqueIDs(q.IDs), func(ids []int64) ([]int64, error) {
			return t.q.nodeIDsByID(ctx, kind, ids)
		})
	case len(q.TypeNames) > 0:
		ids, err = t.findByTypeNames(ctx, kind, q.TypeNames)
	case len(q.Names) > 0:
		ids, err = inChunks(uniqueStrings(q.Names), func(names []string) ([]int64, error) {
			return t.q.nodeIDsByTypeAndNames(ctx, kind, q.TypeID, names)
		})
	case len(q.URIs) > 0:
		if !nt.hasURI {
			return nil, errcode.New(errcode.InvalidArgument, "sqlstore: %ss have no uri", nt.noun)
		}
		uris := uniqueStrings(q.URIs)
		if uris[0] == "" {
			// MLMD matches the artifacts without a uri for "".
			if ids, err = t.q.ArtifactIDsWithoutURI(ctx); err != nil {
				break
			}
			uris = uris[1:]
		}
		more, err2 := inChunks(uris, func(uris []string) ([]int64, error) {
			return t.q.ArtifactIDsByURIs(ctx, nullStrings(uris))
		})
		ids, err = append(ids, more...), err2
	case len(q.ExternalIDs) > 0:
		ids, err = inChunks(uniqueStrings(q.ExternalIDs), func(ext []string) ([]int64, error) {
			return t.q.nodeIDsByExternalIDs(ctx, kind, ext)
		})
	case q.TypeID != 0:
		ids, err = t.q.nodeIDsByType(ctx, kind, q.TypeID)
	default:
		return nil, errcode.New(errcode.InvalidArgument, "sqlstore: find %ss: no selector set", nt.noun)
	}
	if err != nil {
		return nil, dbError(t.d, err, "find %ss", nt.noun)
	}
	return uniqueIDs(ids), nil
}

// findByTypeNames looks nodes up by (type id, name) pairs: it reads the
// nodes whose type is one of the types and whose name is one of the names,
// and keeps those whose pair was asked for.
func (t *tx) findByTypeNames(ctx context.Context, kind driver.Kind, pairs []driver.TypeName) ([]int64, error) {
	want := make(map[driver.TypeName]bool, len(pairs))
	typeIDs := make([]int64, 0, len(pairs))
	names := make([]string, 0, len(pairs))
	for _, p := range pairs {
		want[p] = true
		typeIDs = append(typeIDs, p.TypeID)
		names = append(names, p.Name)
	}
	typeIDs, names = uniqueIDs(typeIDs), uniqueStrings(names)
	var ids []int64
	for start := 0; start < len(typeIDs); start += idsPerQuery {
		types := typeIDs[start:min(start+idsPerQuery, len(typeIDs))]
		keys, err := inChunks(names, func(names []string) ([]NodeKeyRecord, error) {
			return t.q.nodeKeysByTypesAndNames(ctx, kind, types, names)
		})
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if want[driver.TypeName{TypeID: k.TypeID, Name: k.Name}] {
				ids = append(ids, k.ID)
			}
		}
	}
	return ids, nil
}

// Properties.

// propertyCols are the columns of a property table after the node id.
var propertyCols = []string{"name", "is_custom_property", "int_value", "double_value", "string_value", "byte_value", "proto_value", "bool_value"}

// valueCols are the value columns of a property table.
var valueCols = propertyCols[2:]

// propertyValue returns the index in valueCols of the column that holds
// p's value, and the value.
func propertyValue(d Dialect, p *driver.PropertyRow) (int, any, error) {
	switch p.Column {
	case driver.ColumnInt:
		return 0, p.Int, nil
	case driver.ColumnDouble:
		return 1, p.Double, nil
	case driver.ColumnString:
		return 2, p.String, nil
	case driver.ColumnProto:
		// MLMD stores the base64 text of the serialized Any; as text, so
		// that the stored value is the one MLMD itself would store.
		if _, raw := d.(RawProtos); raw {
			b, err := base64.StdEncoding.DecodeString(string(p.Bytes))
			if err != nil {
				return 0, nil, errcode.New(errcode.InvalidArgument, "sqlstore: property %q of node %d: proto value is not base64: %v", p.Name, p.NodeID, err)
			}
			return 4, b, nil
		}
		return 4, string(p.Bytes), nil
	case driver.ColumnBool:
		return 5, p.Bool, nil
	default:
		return 0, nil, errcode.New(errcode.InvalidArgument, "sqlstore: property %q of node %d: unknown value column %d", p.Name, p.NodeID, p.Column)
	}
}

// propertyValues returns the values of a property row for the columns
// node id and propertyCols; the columns other than p.Column are NULL.
func propertyValues(d Dialect, p *driver.PropertyRow) ([]any, error) {
	c, v, err := propertyValue(d, p)
	if err != nil {
		return nil, err
	}
	vals := []any{p.NodeID, p.Name, p.IsCustom, nil, nil, nil, nil, nil, nil}
	vals[3+c] = v
	return vals, nil
}

// propertyRow reads a property record the way MLMD does: the first set
// column of int, double, string, proto and bool is the value.
func propertyRow(d Dialect, r PropertyRecord) (driver.PropertyRow, error) {
	p := driver.PropertyRow{NodeID: r.NodeID, Name: r.Name, IsCustom: r.IsCustomProperty}
	switch {
	case r.IntValue.Valid:
		p.Column, p.Int = driver.ColumnInt, r.IntValue.Int64
	case r.DoubleValue.Valid:
		p.Column, p.Double = driver.ColumnDouble, r.DoubleValue.Float64
	case r.StringValue.Valid:
		p.Column, p.String = driver.ColumnString, r.StringValue.String
	case r.ProtoValue != nil:
		p.Column, p.Bytes = driver.ColumnProto, r.ProtoValue
		if _, raw := d.(RawProtos); raw {
			p.Bytes = base64.StdEncoding.AppendEncode(nil, r.ProtoValue)
		}
	case r.BoolValue.Valid:
		p.Column, p.Bool = driver.ColumnBool, r.BoolValue.Bool
	default:
		return p, errcode.New(errcode.Internal, "property %q has no value in any known column", r.Name)
	}
	return p, nil
}

// narrowPropertyRows is the number of property rows from which
// insertProperties writes one statement per value column in use instead of
// one statement with every value column: a wide row binds five NULLs that
// cost more than the extra statements once the rows are many.
const narrowPropertyRows = 32

// insertProperties inserts property rows, with suffix after the VALUES.
// Each row names only the value column it uses when all rows use the same
// one, or when they are many (see narrowPropertyRows); the value columns
// a row does not name are NULL, as in a wide row, also for an upsert
// (whose update clause sets every value column from the new row).
func (t *tx) insertProperties(ctx context.Context, nt *nodeTable, props []driver.PropertyRow, suffix string) error {
	if len(props) == 0 {
		return nil
	}
	colOf := make([]int8, len(props))
	vals := make([]any, len(props))
	var used [6]int // rows per value column
	for i := range props {
		c, v, err := propertyValue(t.d, &props[i])
		if err != nil {
			return err
		}
		colOf[i], vals[i] = int8(c), v
		used[c]++
	}
	what := "write " + nt.noun + " properties"
	ncols := 0
	for _, n := range used {
		if n > 0 {
			ncols++
		}
	}
	if ncols > 1 && len(props) < narrowPropertyRows {
		rows := rowsOf(len(props), 3+len(valueCols))
		for i := range props {
			p := &props[i]
			rows[i] = append(rows[i], p.NodeID, p.Name, p.IsCustom, nil, nil, nil, nil, nil, nil)
			rows[i][3+int(colOf[i])] = vals[i]
		}
		cols := append([]string{nt.propKey}, propertyCols...)
		return t.insertRows(ctx, what, nt.propTable, cols, rows, suffix)
	}
	for c, n := range used {
		if n == 0 {
			continue
		}
		rows := rowsOf(n, 4)
		k := 0
		for i := range props {
			if int(colOf[i]) == c {
				p := &props[i]
				rows[k] = append(rows[k], p.NodeID, p.Name, p.IsCustom, vals[i])
				k++
			}
		}
		cols := []string{nt.propKey, "name", "is_custom_property", valueCols[c]}
		if err := t.insertRows(ctx, what, nt.propTable, cols, rows, suffix); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) UpsertProperties(ctx context.Context, kind driver.Kind, rows []driver.PropertyRow) error {
	nt, err := tableOf(kind)
	if err != nil {
		return err
	}
	key := []string{nt.propKey, "name", "is_custom_property"}
	return t.insertProperties(ctx, nt, rows, t.d.Upsert(key, valueCols))
}

// deleteKeysPerStatement is the most property keys of one DELETE.
const deleteKeysPerStatement = 200

func (t *tx) DeleteProperties(ctx context.Context, kind driver.Kind, keys []driver.PropertyKey) error {
	nt, err := tableOf(kind)
	if err != nil {
		return err
	}
	for start := 0; start < len(keys); start += deleteKeysPerStatement {
		part := keys[start:min(start+deleteKeysPerStatement, len(keys))]
		var b strings.Builder
		args := make([]any, 0, 3*len(part))
		fmt.Fprintf(&b, "DELETE FROM %s WHERE ", nt.propTable)
		for i, k := range part {
			if i > 0 {
				b.WriteString(" OR ")
			}
			fmt.Fprintf(&b, "(%s = ? AND name = ? AND is_custom_property = ?)", nt.propKey)
			args = append(args, k.NodeID, k.Name, k.IsCustom)
		}
		if _, err := t.tx.ExecContext(ctx, b.String(), args...); err != nil {
			return dbError(t.d, err, "delete %s properties", nt.noun)
		}
	}
	return nil
}

// RawProtos is an optional interface of a Dialect whose proto_value column
// holds the serialized Any itself, as MLMD stores it in PostgreSQL (BYTEA,
// written with decode(..., 'base64')), rather than its base64 text (MLMD's
// SQLite and MySQL schemas). driver.PropertyRow carries the base64 text
// either way.
type RawProtos interface {
	RawProtos()
}
