package sqlstore

import (
	"context"
	"database/sql"

	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// DBTX is what the generated queries run on: a *sql.Tx or a *sql.DB. It is
// the same method set as sqlc's DBTX in gen/sqlite and gen/mysql.
type DBTX interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	PrepareContext(context.Context, string) (*sql.Stmt, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// Engine binds one engine's generated queries to a transaction. Each
// backend package implements it over its gen package.
type Engine func(db DBTX) Queries

// Queries are the fixed-shape queries of queries/*.sql, as one engine's
// generated package provides them, with engine-neutral argument and row
// types. Methods taking a kind switch between the Artifact, Execution and
// Context variants of a query.
//
// Slices of ids are passed to the database as they are: the caller keeps
// them short enough for one statement (see chunk) and handles empty ones.
type Queries interface {
	InsertType(ctx context.Context, t TypeRecord) (int64, error)
	// UpdateType sets description, external id, input and output type of
	// the type t.ID, and returns the number of rows matched.
	UpdateType(ctx context.Context, t TypeRecord) (int64, error)
	TypesByKind(ctx context.Context, kind int64) ([]TypeRecord, error)
	TypesByIDs(ctx context.Context, kind int64, ids []int64) ([]TypeRecord, error)
	TypesByExternalIDs(ctx context.Context, kind int64, externalIDs []string) ([]TypeRecord, error)
	TypesByNames(ctx context.Context, kind int64, names []string) ([]TypeRecord, error)
	TypePropertiesByTypeIDs(ctx context.Context, typeIDs []int64) ([]TypePropertyRecord, error)
	ParentTypesByTypeIDs(ctx context.Context, typeIDs []int64) ([]ParentTypeRecord, error)
	SchemaVersions(ctx context.Context) ([]int64, error)

	ArtifactsByID(ctx context.Context, ids []int64) ([]ArtifactRecord, error)
	ExecutionsByID(ctx context.Context, ids []int64) ([]ExecutionRecord, error)
	ContextsByID(ctx context.Context, ids []int64) ([]ContextRecord, error)
	PropertiesByIDs(ctx context.Context, kind driver.Kind, ids []int64) ([]PropertyRecord, error)
	NodeIDsByID(ctx context.Context, kind driver.Kind, ids []int64) ([]int64, error)
	NodeIDsByType(ctx context.Context, kind driver.Kind, typeID int64) ([]int64, error)
	NodeIDsByTypeAndNames(ctx context.Context, kind driver.Kind, typeID int64, names []string) ([]int64, error)
	NodeIDsByExternalIDs(ctx context.Context, kind driver.Kind, externalIDs []string) ([]int64, error)
	NodeKeysByTypesAndNames(ctx context.Context, kind driver.Kind, typeIDs []int64, names []string) ([]NodeKeyRecord, error)
	ArtifactIDsByURIs(ctx context.Context, uris []string) ([]int64, error)
	// ArtifactIDsWithoutURI returns the artifacts whose uri is NULL or ''.
	ArtifactIDsWithoutURI(ctx context.Context) ([]int64, error)

	EventsByArtifactIDs(ctx context.Context, ids []int64) ([]EventRecord, error)
	EventsByExecutionIDs(ctx context.Context, ids []int64) ([]EventRecord, error)
	EventPathsByEventIDs(ctx context.Context, eventIDs []int64) ([]EventPathRecord, error)
	Attributions(ctx context.Context, artifactIDs, contextIDs []int64) ([]LinkRecord, error)
	Associations(ctx context.Context, executionIDs, contextIDs []int64) ([]LinkRecord, error)
	ParentContexts(ctx context.Context, childIDs, parentIDs []int64) ([]ParentContextRecord, error)
}

// The record types below have exactly the fields, in the same order, of
// the row types sqlc generates for both engines, so an adapter converts a
// generated row with a plain conversion, e.g. sqlstore.TypeRecord(row).

// TypeRecord is a row of Type.
type TypeRecord struct {
	ID          int64
	Name        string
	Version     sql.NullString
	TypeKind    int64
	Description sql.NullString
	InputType   sql.NullString
	OutputType  sql.NullString
	ExternalID  sql.NullString
}

// TypePropertyRecord is a row of TypeProperty.
type TypePropertyRecord struct {
	TypeID   int64
	Name     string
	DataType sql.NullInt64
}

// ParentTypeRecord is a row of ParentType.
type ParentTypeRecord struct {
	TypeID       int64
	ParentTypeID int64
}

// ArtifactRecord is a row of Artifact with its type's name.
type ArtifactRecord struct {
	ID                       int64
	TypeID                   int64
	Uri                      sql.NullString
	State                    sql.NullInt64
	Name                     sql.NullString
	ExternalID               sql.NullString
	CreateTimeSinceEpoch     int64
	LastUpdateTimeSinceEpoch int64
	TypeName                 sql.NullString
}

// ExecutionRecord is a row of Execution with its type's name.
type ExecutionRecord struct {
	ID                       int64
	TypeID                   int64
	LastKnownState           sql.NullInt64
	Name                     sql.NullString
	ExternalID               sql.NullString
	CreateTimeSinceEpoch     int64
	LastUpdateTimeSinceEpoch int64
	TypeName                 sql.NullString
}

// ContextRecord is a row of Context with its type's name.
type ContextRecord struct {
	ID                       int64
	TypeID                   int64
	Name                     string
	ExternalID               sql.NullString
	CreateTimeSinceEpoch     int64
	LastUpdateTimeSinceEpoch int64
	TypeName                 sql.NullString
}

// PropertyRecord is a row of ArtifactProperty, ExecutionProperty or
// ContextProperty; NodeID is its artifact_id, execution_id or context_id.
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

// EventRecord is a row of Event.
type EventRecord struct {
	ID                     int64
	ArtifactID             int64
	ExecutionID            int64
	Type                   int64
	MillisecondsSinceEpoch sql.NullInt64
}

// EventPathRecord is a row of EventPath.
type EventPathRecord struct {
	EventID     int64
	IsIndexStep bool
	StepIndex   sql.NullInt64
	StepKey     sql.NullString
}

// LinkRecord is a row of Attribution or Association; NodeID is its
// artifact_id or execution_id.
type LinkRecord struct {
	ID        int64
	ContextID int64
	NodeID    int64
}

// ParentContextRecord is a row of ParentContext.
type ParentContextRecord struct {
	ContextID       int64
	ParentContextID int64
}

// Convert applies f to each row of a generated query's result, passing err
// through; adapters use it to turn generated rows into records.
func Convert[From, To any](rows []From, err error, f func(From) To) ([]To, error) {
	if err != nil {
		return nil, err
	}
	out := make([]To, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out, nil
}

// NullStrings turns strings into query arguments for nullable columns; ""
// becomes NULL, which matches no stored row.
func NullStrings(ss []string) []sql.NullString {
	out := make([]sql.NullString, len(ss))
	for i, s := range ss {
		out[i] = sql.NullString{String: s, Valid: s != ""}
	}
	return out
}
