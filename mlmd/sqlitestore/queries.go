package sqlitestore

// This file adapts the sqlc-generated queries of one engine's gen package
// to sqlstore.Queries. mlmd/sqlitestore/queries.go (over gen/sqlite) and
// mlmd/mysqlstore/queries.go (over gen/mysql) are the same file: keep them
// identical apart from the package clause and the gen import
// (TestAdaptersInSync in mlmd/mysqlstore checks this).

import (
	"context"

	gen "github.com/gomlmd/gomlmd/gen/sqlite"
	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// queries is sqlstore.Queries over one engine's generated code.
type queries struct{ q *gen.Queries }

// engine is the sqlstore.Engine of this backend.
func engine(db sqlstore.DBTX) sqlstore.Queries { return queries{gen.New(db)} }

func toType(r gen.Type) sqlstore.TypeRecord { return sqlstore.TypeRecord(r) }

func (a queries) InsertType(ctx context.Context, t sqlstore.TypeRecord) (int64, error) {
	return a.q.InsertType(ctx, gen.InsertTypeParams{
		Name: t.Name, Version: t.Version, TypeKind: t.TypeKind, Description: t.Description,
		InputType: t.InputType, OutputType: t.OutputType, ExternalID: t.ExternalID,
	})
}

func (a queries) UpdateType(ctx context.Context, t sqlstore.TypeRecord) (int64, error) {
	return a.q.UpdateType(ctx, gen.UpdateTypeParams{
		Description: t.Description, ExternalID: t.ExternalID,
		InputType: t.InputType, OutputType: t.OutputType, ID: t.ID,
	})
}

func (a queries) TypesByKind(ctx context.Context, kind int64) ([]sqlstore.TypeRecord, error) {
	rs, err := a.q.TypesByKind(ctx, kind)
	return sqlstore.Convert(rs, err, toType)
}

func (a queries) TypesByIDs(ctx context.Context, kind int64, ids []int64) ([]sqlstore.TypeRecord, error) {
	rs, err := a.q.TypesByIDs(ctx, gen.TypesByIDsParams{TypeKind: kind, Ids: ids})
	return sqlstore.Convert(rs, err, toType)
}

func (a queries) TypesByExternalIDs(ctx context.Context, kind int64, externalIDs []string) ([]sqlstore.TypeRecord, error) {
	rs, err := a.q.TypesByExternalIDs(ctx, gen.TypesByExternalIDsParams{TypeKind: kind, ExternalIds: sqlstore.NullStrings(externalIDs)})
	return sqlstore.Convert(rs, err, toType)
}

func (a queries) TypesByNames(ctx context.Context, kind int64, names []string) ([]sqlstore.TypeRecord, error) {
	rs, err := a.q.TypesByNames(ctx, gen.TypesByNamesParams{TypeKind: kind, Names: names})
	return sqlstore.Convert(rs, err, toType)
}

func (a queries) TypePropertiesByTypeIDs(ctx context.Context, typeIDs []int64) ([]sqlstore.TypePropertyRecord, error) {
	rs, err := a.q.TypePropertiesByTypeIDs(ctx, typeIDs)
	return sqlstore.Convert(rs, err, func(r gen.TypeProperty) sqlstore.TypePropertyRecord { return sqlstore.TypePropertyRecord(r) })
}

func (a queries) ParentTypesByTypeIDs(ctx context.Context, typeIDs []int64) ([]sqlstore.ParentTypeRecord, error) {
	rs, err := a.q.ParentTypesByTypeIDs(ctx, typeIDs)
	return sqlstore.Convert(rs, err, func(r gen.ParentType) sqlstore.ParentTypeRecord { return sqlstore.ParentTypeRecord(r) })
}

func (a queries) SchemaVersions(ctx context.Context) ([]int64, error) {
	return a.q.SchemaVersions(ctx)
}

func (a queries) ArtifactsByID(ctx context.Context, ids []int64) ([]sqlstore.ArtifactRecord, error) {
	rs, err := a.q.ArtifactsByID(ctx, ids)
	return sqlstore.Convert(rs, err, func(r gen.ArtifactsByIDRow) sqlstore.ArtifactRecord { return sqlstore.ArtifactRecord(r) })
}

func (a queries) ExecutionsByID(ctx context.Context, ids []int64) ([]sqlstore.ExecutionRecord, error) {
	rs, err := a.q.ExecutionsByID(ctx, ids)
	return sqlstore.Convert(rs, err, func(r gen.ExecutionsByIDRow) sqlstore.ExecutionRecord { return sqlstore.ExecutionRecord(r) })
}

func (a queries) ContextsByID(ctx context.Context, ids []int64) ([]sqlstore.ContextRecord, error) {
	rs, err := a.q.ContextsByID(ctx, ids)
	return sqlstore.Convert(rs, err, func(r gen.ContextsByIDRow) sqlstore.ContextRecord { return sqlstore.ContextRecord(r) })
}

func (a queries) PropertiesByIDs(ctx context.Context, kind driver.Kind, ids []int64) ([]sqlstore.PropertyRecord, error) {
	switch kind {
	case driver.KindArtifact:
		rs, err := a.q.ArtifactPropertiesByIDs(ctx, ids)
		return sqlstore.Convert(rs, err, func(r gen.ArtifactPropertiesByIDsRow) sqlstore.PropertyRecord { return sqlstore.PropertyRecord(r) })
	case driver.KindExecution:
		rs, err := a.q.ExecutionPropertiesByIDs(ctx, ids)
		return sqlstore.Convert(rs, err, func(r gen.ExecutionPropertiesByIDsRow) sqlstore.PropertyRecord { return sqlstore.PropertyRecord(r) })
	default:
		rs, err := a.q.ContextPropertiesByIDs(ctx, ids)
		return sqlstore.Convert(rs, err, func(r gen.ContextPropertiesByIDsRow) sqlstore.PropertyRecord { return sqlstore.PropertyRecord(r) })
	}
}

func (a queries) NodeIDsByID(ctx context.Context, kind driver.Kind, ids []int64) ([]int64, error) {
	switch kind {
	case driver.KindArtifact:
		return a.q.ArtifactIDsByID(ctx, ids)
	case driver.KindExecution:
		return a.q.ExecutionIDsByID(ctx, ids)
	default:
		return a.q.ContextIDsByID(ctx, ids)
	}
}

func (a queries) NodeIDsByType(ctx context.Context, kind driver.Kind, typeID int64) ([]int64, error) {
	switch kind {
	case driver.KindArtifact:
		return a.q.ArtifactIDsByType(ctx, typeID)
	case driver.KindExecution:
		return a.q.ExecutionIDsByType(ctx, typeID)
	default:
		return a.q.ContextIDsByType(ctx, typeID)
	}
}

func (a queries) NodeIDsByTypeAndNames(ctx context.Context, kind driver.Kind, typeID int64, names []string) ([]int64, error) {
	switch kind {
	case driver.KindArtifact:
		return a.q.ArtifactIDsByTypeAndNames(ctx, gen.ArtifactIDsByTypeAndNamesParams{TypeID: typeID, Names: sqlstore.NullStrings(names)})
	case driver.KindExecution:
		return a.q.ExecutionIDsByTypeAndNames(ctx, gen.ExecutionIDsByTypeAndNamesParams{TypeID: typeID, Names: sqlstore.NullStrings(names)})
	default:
		return a.q.ContextIDsByTypeAndNames(ctx, gen.ContextIDsByTypeAndNamesParams{TypeID: typeID, Names: names})
	}
}

func (a queries) NodeIDsByExternalIDs(ctx context.Context, kind driver.Kind, externalIDs []string) ([]int64, error) {
	ext := sqlstore.NullStrings(externalIDs)
	switch kind {
	case driver.KindArtifact:
		return a.q.ArtifactIDsByExternalIDs(ctx, ext)
	case driver.KindExecution:
		return a.q.ExecutionIDsByExternalIDs(ctx, ext)
	default:
		return a.q.ContextIDsByExternalIDs(ctx, ext)
	}
}

func (a queries) NodeKeysByTypesAndNames(ctx context.Context, kind driver.Kind, typeIDs []int64, names []string) ([]sqlstore.NodeKeyRecord, error) {
	switch kind {
	case driver.KindArtifact:
		rs, err := a.q.ArtifactKeysByTypesAndNames(ctx, gen.ArtifactKeysByTypesAndNamesParams{TypeIds: typeIDs, Names: sqlstore.NullStrings(names)})
		return sqlstore.Convert(rs, err, func(r gen.ArtifactKeysByTypesAndNamesRow) sqlstore.NodeKeyRecord {
			return sqlstore.NodeKeyRecord{ID: r.ID, TypeID: r.TypeID, Name: r.Name.String}
		})
	case driver.KindExecution:
		rs, err := a.q.ExecutionKeysByTypesAndNames(ctx, gen.ExecutionKeysByTypesAndNamesParams{TypeIds: typeIDs, Names: sqlstore.NullStrings(names)})
		return sqlstore.Convert(rs, err, func(r gen.ExecutionKeysByTypesAndNamesRow) sqlstore.NodeKeyRecord {
			return sqlstore.NodeKeyRecord{ID: r.ID, TypeID: r.TypeID, Name: r.Name.String}
		})
	default:
		rs, err := a.q.ContextKeysByTypesAndNames(ctx, gen.ContextKeysByTypesAndNamesParams{TypeIds: typeIDs, Names: names})
		return sqlstore.Convert(rs, err, func(r gen.ContextKeysByTypesAndNamesRow) sqlstore.NodeKeyRecord {
			return sqlstore.NodeKeyRecord(r)
		})
	}
}

func (a queries) ArtifactIDsByURIs(ctx context.Context, uris []string) ([]int64, error) {
	return a.q.ArtifactIDsByURIs(ctx, sqlstore.NullStrings(uris))
}

func (a queries) ArtifactIDsWithoutURI(ctx context.Context) ([]int64, error) {
	return a.q.ArtifactIDsWithoutURI(ctx)
}

func toEvent(r gen.Event) sqlstore.EventRecord { return sqlstore.EventRecord(r) }

func (a queries) EventsByArtifactIDs(ctx context.Context, ids []int64) ([]sqlstore.EventRecord, error) {
	rs, err := a.q.EventsByArtifactIDs(ctx, ids)
	return sqlstore.Convert(rs, err, toEvent)
}

func (a queries) EventsByExecutionIDs(ctx context.Context, ids []int64) ([]sqlstore.EventRecord, error) {
	rs, err := a.q.EventsByExecutionIDs(ctx, ids)
	return sqlstore.Convert(rs, err, toEvent)
}

func (a queries) EventPathsByEventIDs(ctx context.Context, eventIDs []int64) ([]sqlstore.EventPathRecord, error) {
	rs, err := a.q.EventPathsByEventIDs(ctx, eventIDs)
	return sqlstore.Convert(rs, err, func(r gen.EventPath) sqlstore.EventPathRecord { return sqlstore.EventPathRecord(r) })
}

func (a queries) Attributions(ctx context.Context, artifactIDs, contextIDs []int64) ([]sqlstore.LinkRecord, error) {
	rs, err := a.q.Attributions(ctx, gen.AttributionsParams{NodeIds: artifactIDs, ContextIds: contextIDs})
	return sqlstore.Convert(rs, err, func(r gen.AttributionsRow) sqlstore.LinkRecord { return sqlstore.LinkRecord(r) })
}

func (a queries) Associations(ctx context.Context, executionIDs, contextIDs []int64) ([]sqlstore.LinkRecord, error) {
	rs, err := a.q.Associations(ctx, gen.AssociationsParams{NodeIds: executionIDs, ContextIds: contextIDs})
	return sqlstore.Convert(rs, err, func(r gen.AssociationsRow) sqlstore.LinkRecord { return sqlstore.LinkRecord(r) })
}

func (a queries) ParentContexts(ctx context.Context, childIDs, parentIDs []int64) ([]sqlstore.ParentContextRecord, error) {
	rs, err := a.q.ParentContexts(ctx, gen.ParentContextsParams{ChildIds: childIDs, ParentIds: parentIDs})
	return sqlstore.Convert(rs, err, func(r gen.ParentContext) sqlstore.ParentContextRecord { return sqlstore.ParentContextRecord(r) })
}
