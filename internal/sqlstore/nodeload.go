package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
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

// nodesSQL returns the statement that reads the nodes of nt with n ids
// (given twice: once per branch).
func nodesSQL(nt *nodeTable, n int) string {
	ph := placeholders(n)
	uri, state := "NULL", "NULL"
	if nt.hasURI {
		uri = "n.uri"
	}
	if nt.stateCol != "" {
		state = "n." + nt.stateCol
	}
	var b strings.Builder
	b.WriteString("SELECT 0, n.id, n.type_id, " + uri + ", " + state + ", n.name, n.external_id, n.create_time_since_epoch, n.last_update_time_since_epoch, t.name," +
		" NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL")
	b.WriteString(" FROM " + nt.table + " n LEFT JOIN Type t ON t.id = n.type_id WHERE n.id IN (" + ph + ")")
	b.WriteString(" UNION ALL SELECT 1, p." + nt.propKey + ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL," +
		" p.name, p.is_custom_property, p.int_value, p.double_value, p.string_value, p.byte_value, p.proto_value, p.bool_value")
	b.WriteString(" FROM " + nt.propTable + " p WHERE p." + nt.propKey + " IN (" + ph + ")")
	return b.String()
}

// loadNodes reads the nodes of nt with the given ids (at most idsPerQuery)
// and their properties.
func (t *tx) loadNodes(ctx context.Context, nt *nodeTable, ids []int64) ([]driver.NodeRow, error) {
	args := make([]any, 2*len(ids))
	for i, id := range ids {
		args[i], args[len(ids)+i] = id, id
	}
	rows, err := t.tx.QueryContext(ctx, nodesSQL(nt, len(ids)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]driver.NodeRow, 0, len(ids))
	var props []PropertyRecord
	for rows.Next() {
		var tag, id int64
		var typeID, state, createTime, updateTime sql.NullInt64
		var uri, name, externalID, typeName sql.NullString
		var p PropertyRecord
		var pname sql.NullString
		var custom sql.NullBool
		if err := rows.Scan(&tag, &id, &typeID, &uri, &state, &name, &externalID, &createTime, &updateTime, &typeName,
			&pname, &custom, &p.IntValue, &p.DoubleValue, &p.StringValue, &p.ByteValue, &p.ProtoValue, &p.BoolValue); err != nil {
			return nil, err
		}
		switch tag {
		case 0:
			out = append(out, driver.NodeRow{
				ID: id, TypeID: typeID.Int64, TypeName: typeName.String, Name: name.String,
				URI: uri.String, ExternalID: externalID.String, State: int32(state.Int64),
				CreateTimeSinceEpoch: createTime.Int64, LastUpdateTimeSinceEpoch: updateTime.Int64,
			})
		case 1:
			p.NodeID, p.Name, p.IsCustomProperty = id, pname.String, custom.Bool
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
