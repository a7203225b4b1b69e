package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Types are read with their properties and parent types in one statement:
// the selected type ids in a CTE, and one UNION ALL branch per table, each
// row tagged with the table it comes from. A type costs one round trip,
// not three, and the rows grow with the properties plus the parents (no
// cross product).

// Tags of the rows of typesSQL.
const (
	typeRowTag     = 0
	typePropRowTag = 1
	parentRowTag   = 2
)

// typesSQL returns the statement that reads the types that match cond
// (an SQL condition on the columns of Type) with their properties and
// parents.
//
// The first branch's NULLs of the two integer columns are NULLIF(0, 0),
// an integer NULL: PostgreSQL types a UNION column pair by pair, and two
// untyped NULLs would make the column text, which the third branch's
// integers then cannot join.
func typesSQL(cond string) string {
	return "WITH s AS (SELECT id FROM Type WHERE " + cond + ")" +
		" SELECT 0, t.id, t.name, t.version, t.type_kind, t.description, t.input_type, t.output_type, t.external_id, NULLIF(0, 0), NULLIF(0, 0)" +
		" FROM Type t JOIN s ON s.id = t.id" +
		" UNION ALL SELECT 1, p.type_id, p.name, NULL, NULL, NULL, NULL, NULL, NULL, p.data_type, NULL" +
		" FROM TypeProperty p JOIN s ON s.id = p.type_id" +
		" UNION ALL SELECT 2, pt.type_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, pt.parent_type_id" +
		" FROM ParentType pt JOIN s ON s.id = pt.type_id"
}

// joinedTypesSQL is typesSQL for a dialect with MaterializedUnions: the
// types that match cond with their properties and parents joined to them,
// a row per property and parent pair (types have few of either, and
// rarely more than one parent).
func joinedTypesSQL(cond string) string {
	return "SELECT t.id, t.name, t.version, t.type_kind, t.description, t.input_type, t.output_type, t.external_id," +
		" p.name, p.data_type, pt.parent_type_id" +
		" FROM (SELECT * FROM Type WHERE " + cond + ") t" +
		" LEFT JOIN TypeProperty p ON p.type_id = t.id LEFT JOIN ParentType pt ON pt.type_id = t.id"
}

// loadTypes returns the types of a kind that match cond (see typesSQL;
// "" for all types of the kind), whose arguments are args, ordered by id,
// each with its properties and parent ids (sorted). A negative kind means
// any kind.
func (t *tx) loadTypes(ctx context.Context, kind int64, cond string, args []any) ([]driver.TypeRow, error) {
	if kind >= 0 {
		if cond != "" {
			cond = " AND " + cond
		}
		cond = "type_kind = ?" + cond
		args = append([]any{kind}, args...)
	}
	if _, ok := t.d.(MaterializedUnions); ok {
		return t.loadJoinedTypes(ctx, cond, args)
	}
	rows, err := t.tx.QueryContext(ctx, typesSQL(cond), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []driver.TypeRow
	props := map[int64]map[string]int32{}
	parents := map[int64][]int64{}
	for rows.Next() {
		var tag, id int64
		var name, version, description, inputType, outputType, externalID sql.NullString
		var typeKind, dataType, parent sql.NullInt64
		if err := rows.Scan(&tag, &id, &name, &version, &typeKind, &description, &inputType, &outputType, &externalID, &dataType, &parent); err != nil {
			return nil, err
		}
		switch tag {
		case typeRowTag:
			out = append(out, driver.TypeRow{
				ID: id, Kind: driver.Kind(typeKind.Int64), Name: name.String, Version: version.String,
				Description: description.String, ExternalID: externalID.String,
				InputType: inputType.String, OutputType: outputType.String,
			})
		case typePropRowTag:
			if props[id] == nil {
				props[id] = map[string]int32{}
			}
			props[id][name.String] = int32(dataType.Int64)
		case parentRowTag:
			parents[id] = append(parents[id], parent.Int64)
		default:
			return nil, errcode.New(errcode.Internal, "sqlstore: read types: unknown row tag %d", tag)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	assembleTypes(out, props, parents)
	return out, nil
}

// loadJoinedTypes is loadTypes with joinedTypesSQL.
func (t *tx) loadJoinedTypes(ctx context.Context, cond string, args []any) ([]driver.TypeRow, error) {
	rows, err := t.tx.QueryContext(ctx, joinedTypesSQL(cond), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []driver.TypeRow
	props := map[int64]map[string]int32{}
	parents := map[int64][]int64{}
	for rows.Next() {
		var id int64
		var name, version, description, inputType, outputType, externalID, propName sql.NullString
		var typeKind, dataType, parent sql.NullInt64
		if err := rows.Scan(&id, &name, &version, &typeKind, &description, &inputType, &outputType, &externalID, &propName, &dataType, &parent); err != nil {
			return nil, err
		}
		if props[id] == nil {
			props[id] = map[string]int32{}
			out = append(out, driver.TypeRow{
				ID: id, Kind: driver.Kind(typeKind.Int64), Name: name.String, Version: version.String,
				Description: description.String, ExternalID: externalID.String,
				InputType: inputType.String, OutputType: outputType.String,
			})
		}
		if propName.Valid {
			props[id][propName.String] = int32(dataType.Int64)
		}
		if parent.Valid && !slices.Contains(parents[id], parent.Int64) {
			parents[id] = append(parents[id], parent.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	assembleTypes(out, props, parents)
	return out, nil
}

// assembleTypes gives the types in out their properties and parent ids
// (sorted), read as rows of their own, and sorts out by id.
func assembleTypes(out []driver.TypeRow, props map[int64]map[string]int32, parents map[int64][]int64) {
	for i := range out {
		tr := &out[i]
		tr.Properties = props[tr.ID]
		if tr.Properties == nil {
			tr.Properties = map[string]int32{}
		}
		if ps := parents[tr.ID]; len(ps) > 0 {
			slices.Sort(ps)
			tr.ParentIDs = ps
		}
	}
	slices.SortFunc(out, func(a, b driver.TypeRow) int { return cmp.Compare(a.ID, b.ID) })
}
