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
	var set typeSet
	for rows.Next() {
		var tag int64
		var r typeRowScan
		if err := rows.Scan(&tag, &r.id, &r.name, &r.version, &r.typeKind, &r.description, &r.inputType, &r.outputType, &r.externalID, &r.dataType, &r.parent); err != nil {
			return nil, err
		}
		switch tag {
		case typeRowTag:
			set.rows = append(set.rows, r.row())
		case typePropRowTag:
			set.addProperty(r.id, r.name.String, r.dataType.Int64)
		case parentRowTag:
			set.addParent(r.id, r.parent.Int64)
		default:
			return nil, errcode.New(errcode.Internal, "sqlstore: read types: unknown row tag %d", tag)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return set.types(), nil
}

// loadJoinedTypes is loadTypes with joinedTypesSQL.
func (t *tx) loadJoinedTypes(ctx context.Context, cond string, args []any) ([]driver.TypeRow, error) {
	rows, err := t.tx.QueryContext(ctx, joinedTypesSQL(cond), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var set typeSet
	seen := map[int64]bool{}
	for rows.Next() {
		var r typeRowScan
		var propName sql.NullString
		if err := rows.Scan(&r.id, &r.name, &r.version, &r.typeKind, &r.description, &r.inputType, &r.outputType, &r.externalID, &propName, &r.dataType, &r.parent); err != nil {
			return nil, err
		}
		if !seen[r.id] {
			seen[r.id] = true
			set.rows = append(set.rows, r.row())
		}
		if propName.Valid {
			set.addProperty(r.id, propName.String, r.dataType.Int64)
		}
		if r.parent.Valid {
			set.addParent(r.id, r.parent.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return set.types(), nil
}

// typeRowScan receives the columns of a type read's row.
type typeRowScan struct {
	id                                                            int64
	name, version, description, inputType, outputType, externalID sql.NullString
	typeKind, dataType, parent                                    sql.NullInt64
}

// row returns the type the row holds.
func (r *typeRowScan) row() driver.TypeRow {
	return driver.TypeRow{
		ID: r.id, Kind: driver.Kind(r.typeKind.Int64), Name: r.name.String, Version: r.version.String,
		Description: r.description.String, ExternalID: r.externalID.String,
		InputType: r.inputType.String, OutputType: r.outputType.String,
	}
}

// typeSet collects the rows of a read of types: the types, then their
// properties and parents, which types gives them.
type typeSet struct {
	rows    []driver.TypeRow
	props   map[int64]map[string]int32
	parents map[int64][]int64
}

// addProperty records a property of the type with id.
func (s *typeSet) addProperty(id int64, name string, dataType int64) {
	if s.props == nil {
		s.props = map[int64]map[string]int32{}
	}
	if s.props[id] == nil {
		s.props[id] = map[string]int32{}
	}
	s.props[id][name] = int32(dataType)
}

// addParent records a parent of the type with id, once.
func (s *typeSet) addParent(id, parent int64) {
	if s.parents == nil {
		s.parents = map[int64][]int64{}
	}
	if !slices.Contains(s.parents[id], parent) {
		s.parents[id] = append(s.parents[id], parent)
	}
}

// types returns the types, ordered by id, each with its properties and
// its parent ids (sorted).
func (s *typeSet) types() []driver.TypeRow {
	for i := range s.rows {
		tr := &s.rows[i]
		tr.Properties = s.props[tr.ID]
		if tr.Properties == nil {
			tr.Properties = map[string]int32{}
		}
		if ps := s.parents[tr.ID]; len(ps) > 0 {
			slices.Sort(ps)
			tr.ParentIDs = ps
		}
	}
	slices.SortFunc(s.rows, func(a, b driver.TypeRow) int { return cmp.Compare(a.ID, b.ID) })
	return s.rows
}
