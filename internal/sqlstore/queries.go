package sqlstore

import (
	"context"
	"database/sql"

	gen "github.com/gomlmd/gomlmd/gen/queries"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// DBTX is what every statement of a transaction runs on: a *sql.Tx or a
// *sql.DB, or a wrapper of one (see DBWrapper). It is the method set of
// sqlc's DBTX in gen/queries.
type DBTX interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	PrepareContext(context.Context, string) (*sql.Stmt, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// The records below are the rows of the generated queries in gen/queries
// (one package for every engine: queries/*.sql are engine-neutral), named
// for what sqlstore does with them.
type (
	// EventRecord is a row of Event.
	EventRecord = gen.Event
	// EventPathRecord is a row of EventPath.
	EventPathRecord = gen.EventPath
	// LinkRecord is a row of Attribution or Association; NodeID is its
	// artifact_id or execution_id.
	LinkRecord = gen.AttributionsRow
	// ParentContextRecord is a row of ParentContext.
	ParentContextRecord = gen.ParentContext
)

// PropertyRecord is a row of ArtifactProperty, ExecutionProperty or
// ContextProperty, as loadNodes reads it; NodeID is its artifact_id,
// execution_id or context_id.
type PropertyRecord struct {
	NodeID           int64
	Name             string
	IsCustomProperty bool
	IntValue         sql.NullInt64
	DoubleValue      sql.NullFloat64
	StringValue      sql.NullString
	ByteValue        []byte
	ProtoValue       []byte
	BoolValue        sql.NullBool
}

// NodeKeyRecord is a node's id, type and name.
type NodeKeyRecord struct {
	ID     int64
	TypeID int64
	Name   string
}

// queries are the generated queries of gen/queries on one DBTX, with the
// Artifact, Execution and Context variants of a query behind one method
// that takes the kind.
//
// Slices of ids are passed to the database as they are: the caller keeps
// them short enough for one statement (see inChunks) and handles empty
// ones.
type queries struct{ *gen.Queries }

func newQueries(db DBTX) queries { return queries{gen.New(db)} }

// convert applies f to each row of a generated query's result, passing
// err through.
func convert[From, To any](rows []From, err error, f func(From) To) ([]To, error) {
	if err != nil {
		return nil, err
	}
	out := make([]To, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out, nil
}

// nullStrings turns strings into query arguments for nullable columns; ""
// becomes NULL, which matches no stored row.
func nullStrings(ss []string) []sql.NullString {
	out := make([]sql.NullString, len(ss))
	for i, s := range ss {
		out[i] = nullString(s)
	}
	return out
}

func (q queries) nodeIDsByID(ctx context.Context, kind driver.Kind, ids []int64) ([]int64, error) {
	switch kind {
	case driver.KindArtifact:
		return q.ArtifactIDsByID(ctx, ids)
	case driver.KindExecution:
		return q.ExecutionIDsByID(ctx, ids)
	default:
		return q.ContextIDsByID(ctx, ids)
	}
}

func (q queries) nodeIDsByType(ctx context.Context, kind driver.Kind, typeID int64) ([]int64, error) {
	switch kind {
	case driver.KindArtifact:
		return q.ArtifactIDsByType(ctx, typeID)
	case driver.KindExecution:
		return q.ExecutionIDsByType(ctx, typeID)
	default:
		return q.ContextIDsByType(ctx, typeID)
	}
}

func (q queries) nodeIDsByTypeAndNames(ctx context.Context, kind driver.Kind, typeID int64, names []string) ([]int64, error) {
	switch kind {
	case driver.KindArtifact:
		return q.ArtifactIDsByTypeAndNames(ctx, gen.ArtifactIDsByTypeAndNamesParams{TypeID: typeID, Names: nullStrings(names)})
	case driver.KindExecution:
		return q.ExecutionIDsByTypeAndNames(ctx, gen.ExecutionIDsByTypeAndNamesParams{TypeID: typeID, Names: nullStrings(names)})
	default:
		return q.ContextIDsByTypeAndNames(ctx, gen.ContextIDsByTypeAndNamesParams{TypeID: typeID, Names: names})
	}
}

func (q queries) nodeIDsByExternalIDs(ctx context.Context, kind driver.Kind, externalIDs []string) ([]int64, error) {
	ext := nullStrings(externalIDs)
	switch kind {
	case driver.KindArtifact:
		return q.ArtifactIDsByExternalIDs(ctx, ext)
	case driver.KindExecution:
		return q.ExecutionIDsByExternalIDs(ctx, ext)
	default:
		return q.ContextIDsByExternalIDs(ctx, ext)
	}
}

func (q queries) nodeKeysByTypesAndNames(ctx context.Context, kind driver.Kind, typeIDs []int64, names []string) ([]NodeKeyRecord, error) {
	switch kind {
	case driver.KindArtifact:
		rs, err := q.ArtifactKeysByTypesAndNames(ctx, gen.ArtifactKeysByTypesAndNamesParams{TypeIds: typeIDs, Names: nullStrings(names)})
		return convert(rs, err, func(r gen.ArtifactKeysByTypesAndNamesRow) NodeKeyRecord {
			return NodeKeyRecord{ID: r.ID, TypeID: r.TypeID, Name: r.Name.String}
		})
	case driver.KindExecution:
		rs, err := q.ExecutionKeysByTypesAndNames(ctx, gen.ExecutionKeysByTypesAndNamesParams{TypeIds: typeIDs, Names: nullStrings(names)})
		return convert(rs, err, func(r gen.ExecutionKeysByTypesAndNamesRow) NodeKeyRecord {
			return NodeKeyRecord{ID: r.ID, TypeID: r.TypeID, Name: r.Name.String}
		})
	default:
		rs, err := q.ContextKeysByTypesAndNames(ctx, gen.ContextKeysByTypesAndNamesParams{TypeIds: typeIDs, Names: names})
		return convert(rs, err, func(r gen.ContextKeysByTypesAndNamesRow) NodeKeyRecord { return NodeKeyRecord(r) })
	}
}

func (q queries) links(ctx context.Context, kind driver.Kind, nodeIDs, contextIDs []int64) ([]LinkRecord, error) {
	if kind == driver.KindArtifact {
		return q.Attributions(ctx, gen.AttributionsParams{NodeIds: nodeIDs, ContextIds: contextIDs})
	}
	rs, err := q.Associations(ctx, gen.AssociationsParams{NodeIds: nodeIDs, ContextIds: contextIDs})
	return convert(rs, err, func(r gen.AssociationsRow) LinkRecord { return LinkRecord(r) })
}

func (q queries) parentContexts(ctx context.Context, childIDs, parentIDs []int64) ([]ParentContextRecord, error) {
	return q.ParentContexts(ctx, gen.ParentContextsParams{ChildIds: childIDs, ParentIds: parentIDs})
}
