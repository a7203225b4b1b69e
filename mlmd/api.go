package mlmd

// This file lists the Store's API. Bodies that still say "not implemented"
// are being written; see the issue tracker.

import (
	"context"

	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

func notImplemented(op string) error {
	return errcode.New(errcode.Unimplemented, "mlmd: %s is not implemented yet", op)
}

// ---- Types -----------------------------------------------------------------

// PutArtifactType inserts an artifact type, or checks and evolves a stored
// type with the same name and version (see TypeOptions), and returns its id.
// Errors: InvalidArgument for a missing name or an UNKNOWN property type,
// AlreadyExists when the stored type is incompatible.
func (s *Store) PutArtifactType(ctx context.Context, t ArtifactType, opts *TypeOptions) (int64, error) {
	return 0, notImplemented("PutArtifactType")
}

// PutExecutionType is PutArtifactType for execution types.
func (s *Store) PutExecutionType(ctx context.Context, t ExecutionType, opts *TypeOptions) (int64, error) {
	return 0, notImplemented("PutExecutionType")
}

// PutContextType is PutArtifactType for context types.
func (s *Store) PutContextType(ctx context.Context, t ContextType, opts *TypeOptions) (int64, error) {
	return 0, notImplemented("PutContextType")
}

// PutTypes puts many types of all kinds in one transaction: all succeed or
// none is stored.
func (s *Store) PutTypes(ctx context.Context, types Types, opts *TypeOptions) (PutTypesResult, error) {
	return PutTypesResult{}, notImplemented("PutTypes")
}

// GetArtifactType returns the artifact type with the given name and version
// ("" for none). Errors: NotFound.
func (s *Store) GetArtifactType(ctx context.Context, name, version string) (ArtifactType, error) {
	return ArtifactType{}, notImplemented("GetArtifactType")
}

// GetExecutionType returns the execution type with the given name and
// version. Errors: NotFound.
func (s *Store) GetExecutionType(ctx context.Context, name, version string) (ExecutionType, error) {
	return ExecutionType{}, notImplemented("GetExecutionType")
}

// GetContextType returns the context type with the given name and version.
// Errors: NotFound.
func (s *Store) GetContextType(ctx context.Context, name, version string) (ContextType, error) {
	return ContextType{}, notImplemented("GetContextType")
}

// GetArtifactTypes returns every artifact type.
func (s *Store) GetArtifactTypes(ctx context.Context) ([]ArtifactType, error) {
	return nil, notImplemented("GetArtifactTypes")
}

// GetExecutionTypes returns every execution type.
func (s *Store) GetExecutionTypes(ctx context.Context) ([]ExecutionType, error) {
	return nil, notImplemented("GetExecutionTypes")
}

// GetContextTypes returns every context type.
func (s *Store) GetContextTypes(ctx context.Context) ([]ContextType, error) {
	return nil, notImplemented("GetContextTypes")
}

// GetArtifactTypesByID returns the artifact types with the given ids;
// unknown ids are skipped.
func (s *Store) GetArtifactTypesByID(ctx context.Context, ids []int64) ([]ArtifactType, error) {
	return nil, notImplemented("GetArtifactTypesByID")
}

// GetExecutionTypesByID returns the execution types with the given ids.
func (s *Store) GetExecutionTypesByID(ctx context.Context, ids []int64) ([]ExecutionType, error) {
	return nil, notImplemented("GetExecutionTypesByID")
}

// GetContextTypesByID returns the context types with the given ids.
func (s *Store) GetContextTypesByID(ctx context.Context, ids []int64) ([]ContextType, error) {
	return nil, notImplemented("GetContextTypesByID")
}

// GetArtifactTypesByExternalIDs returns the artifact types with the given
// external ids.
func (s *Store) GetArtifactTypesByExternalIDs(ctx context.Context, externalIDs []string) ([]ArtifactType, error) {
	return nil, notImplemented("GetArtifactTypesByExternalIDs")
}

// GetExecutionTypesByExternalIDs returns the execution types with the given
// external ids.
func (s *Store) GetExecutionTypesByExternalIDs(ctx context.Context, externalIDs []string) ([]ExecutionType, error) {
	return nil, notImplemented("GetExecutionTypesByExternalIDs")
}

// GetContextTypesByExternalIDs returns the context types with the given
// external ids.
func (s *Store) GetContextTypesByExternalIDs(ctx context.Context, externalIDs []string) ([]ContextType, error) {
	return nil, notImplemented("GetContextTypesByExternalIDs")
}

// ---- Nodes -----------------------------------------------------------------

// PutArtifacts creates the artifacts whose ID is 0 and updates the others,
// in one transaction, and returns their ids in order. Properties must be
// declared by the type with the same value kind; custom properties are free.
func (s *Store) PutArtifacts(ctx context.Context, artifacts []Artifact, opts *PutArtifactsOptions) ([]int64, error) {
	return nil, notImplemented("PutArtifacts")
}

// PutExecutions creates or updates executions, as PutArtifacts.
func (s *Store) PutExecutions(ctx context.Context, executions []Execution, opts *PutExecutionsOptions) ([]int64, error) {
	return nil, notImplemented("PutExecutions")
}

// PutContexts creates or updates contexts, as PutArtifacts.
func (s *Store) PutContexts(ctx context.Context, contexts []Context, opts *PutContextsOptions) ([]int64, error) {
	return nil, notImplemented("PutContexts")
}

// GetArtifactsByID returns the artifacts with the given ids; unknown ids
// are skipped.
func (s *Store) GetArtifactsByID(ctx context.Context, ids []int64) ([]Artifact, error) {
	return nil, notImplemented("GetArtifactsByID")
}

// GetExecutionsByID returns the executions with the given ids.
func (s *Store) GetExecutionsByID(ctx context.Context, ids []int64) ([]Execution, error) {
	return nil, notImplemented("GetExecutionsByID")
}

// GetContextsByID returns the contexts with the given ids.
func (s *Store) GetContextsByID(ctx context.Context, ids []int64) ([]Context, error) {
	return nil, notImplemented("GetContextsByID")
}

// GetArtifacts lists artifacts, one page at a time (see ListOptions), and
// returns the next page token ("" after the last page).
func (s *Store) GetArtifacts(ctx context.Context, opts *ListOptions) ([]Artifact, string, error) {
	return nil, "", notImplemented("GetArtifacts")
}

// GetExecutions lists executions, as GetArtifacts.
func (s *Store) GetExecutions(ctx context.Context, opts *ListOptions) ([]Execution, string, error) {
	return nil, "", notImplemented("GetExecutions")
}

// GetContexts lists contexts, as GetArtifacts.
func (s *Store) GetContexts(ctx context.Context, opts *ListOptions) ([]Context, string, error) {
	return nil, "", notImplemented("GetContexts")
}

// GetArtifactsByType lists the artifacts of the type with the given name
// and version; none (and no error) when the type does not exist.
func (s *Store) GetArtifactsByType(ctx context.Context, typeName, typeVersion string, opts *ListOptions) ([]Artifact, string, error) {
	return nil, "", notImplemented("GetArtifactsByType")
}

// GetExecutionsByType lists the executions of a type, as GetArtifactsByType.
func (s *Store) GetExecutionsByType(ctx context.Context, typeName, typeVersion string, opts *ListOptions) ([]Execution, string, error) {
	return nil, "", notImplemented("GetExecutionsByType")
}

// GetContextsByType lists the contexts of a type, as GetArtifactsByType.
func (s *Store) GetContextsByType(ctx context.Context, typeName, typeVersion string, opts *ListOptions) ([]Context, string, error) {
	return nil, "", notImplemented("GetContextsByType")
}

// GetArtifactByTypeAndName returns the artifact with the given name in the
// given type. Errors: NotFound when the type or the artifact does not exist.
func (s *Store) GetArtifactByTypeAndName(ctx context.Context, typeName, typeVersion, name string) (Artifact, error) {
	return Artifact{}, notImplemented("GetArtifactByTypeAndName")
}

// GetExecutionByTypeAndName is GetArtifactByTypeAndName for executions.
func (s *Store) GetExecutionByTypeAndName(ctx context.Context, typeName, typeVersion, name string) (Execution, error) {
	return Execution{}, notImplemented("GetExecutionByTypeAndName")
}

// GetContextByTypeAndName is GetArtifactByTypeAndName for contexts.
func (s *Store) GetContextByTypeAndName(ctx context.Context, typeName, typeVersion, name string) (Context, error) {
	return Context{}, notImplemented("GetContextByTypeAndName")
}

// GetArtifactsByURI returns the artifacts with any of the given uris.
func (s *Store) GetArtifactsByURI(ctx context.Context, uris []string) ([]Artifact, error) {
	return nil, notImplemented("GetArtifactsByURI")
}

// GetArtifactsByExternalIDs returns the artifacts with the given external ids.
func (s *Store) GetArtifactsByExternalIDs(ctx context.Context, externalIDs []string) ([]Artifact, error) {
	return nil, notImplemented("GetArtifactsByExternalIDs")
}

// GetExecutionsByExternalIDs returns the executions with the given external ids.
func (s *Store) GetExecutionsByExternalIDs(ctx context.Context, externalIDs []string) ([]Execution, error) {
	return nil, notImplemented("GetExecutionsByExternalIDs")
}

// GetContextsByExternalIDs returns the contexts with the given external ids.
func (s *Store) GetContextsByExternalIDs(ctx context.Context, externalIDs []string) ([]Context, error) {
	return nil, notImplemented("GetContextsByExternalIDs")
}

// ---- Edges -----------------------------------------------------------------

// PutEvents inserts events. Both ends must exist; an event with the same
// artifact, execution and type as a stored one is an AlreadyExists error.
func (s *Store) PutEvents(ctx context.Context, events []Event) error {
	return notImplemented("PutEvents")
}

// GetEventsByArtifactIDs returns the events of the given artifacts.
func (s *Store) GetEventsByArtifactIDs(ctx context.Context, artifactIDs []int64) ([]Event, error) {
	return nil, notImplemented("GetEventsByArtifactIDs")
}

// GetEventsByExecutionIDs returns the events of the given executions.
func (s *Store) GetEventsByExecutionIDs(ctx context.Context, executionIDs []int64) ([]Event, error) {
	return nil, notImplemented("GetEventsByExecutionIDs")
}

// PutAttributionsAndAssociations links artifacts and executions to
// contexts; links that exist already are left alone.
func (s *Store) PutAttributionsAndAssociations(ctx context.Context, attributions []Attribution, associations []Association) error {
	return notImplemented("PutAttributionsAndAssociations")
}

// PutParentContexts links contexts to parent contexts. Errors:
// AlreadyExists for a link that exists, InvalidArgument for a link that
// would make a cycle or names a missing context.
func (s *Store) PutParentContexts(ctx context.Context, links []ParentContext) error {
	return notImplemented("PutParentContexts")
}

// GetContextsByArtifact returns the contexts an artifact is attributed to.
func (s *Store) GetContextsByArtifact(ctx context.Context, artifactID int64) ([]Context, error) {
	return nil, notImplemented("GetContextsByArtifact")
}

// GetContextsByExecution returns the contexts an execution is associated with.
func (s *Store) GetContextsByExecution(ctx context.Context, executionID int64) ([]Context, error) {
	return nil, notImplemented("GetContextsByExecution")
}

// GetArtifactsByContext lists the artifacts attributed to a context.
func (s *Store) GetArtifactsByContext(ctx context.Context, contextID int64, opts *ListOptions) ([]Artifact, string, error) {
	return nil, "", notImplemented("GetArtifactsByContext")
}

// GetExecutionsByContext lists the executions associated with a context.
func (s *Store) GetExecutionsByContext(ctx context.Context, contextID int64, opts *ListOptions) ([]Execution, string, error) {
	return nil, "", notImplemented("GetExecutionsByContext")
}

// GetParentContextsByContext returns the parents of a context.
func (s *Store) GetParentContextsByContext(ctx context.Context, contextID int64) ([]Context, error) {
	return nil, notImplemented("GetParentContextsByContext")
}

// GetChildrenContextsByContext returns the children of a context.
func (s *Store) GetChildrenContextsByContext(ctx context.Context, contextID int64) ([]Context, error) {
	return nil, notImplemented("GetChildrenContextsByContext")
}

// GetParentContextsByContexts returns the parents of each of the given
// contexts, keyed by child id; contexts without parents have no entry.
func (s *Store) GetParentContextsByContexts(ctx context.Context, contextIDs []int64) (map[int64][]Context, error) {
	return nil, notImplemented("GetParentContextsByContexts")
}

// GetChildrenContextsByContexts returns the children of each of the given
// contexts, keyed by parent id; contexts without children have no entry.
func (s *Store) GetChildrenContextsByContexts(ctx context.Context, contextIDs []int64) (map[int64][]Context, error) {
	return nil, notImplemented("GetChildrenContextsByContexts")
}

// ---- Transactions ----------------------------------------------------------

// PutExecution records an execution with its artifacts, events and
// contexts in one transaction: it upserts the execution, the artifacts and
// the contexts, inserts the events (filling in the execution and artifact
// ids), and attributes the artifacts and associates the execution with every
// context. Nothing is written if any part fails.
func (s *Store) PutExecution(ctx context.Context, execution Execution, artifacts []ArtifactAndEvent, contexts []Context, opts *PutExecutionOptions) (PutExecutionResult, error) {
	return PutExecutionResult{}, notImplemented("PutExecution")
}

// PutLineageSubgraph records executions, artifacts, contexts and the events
// between them in one transaction, attributing and associating every node
// with every context. Nothing is written if any part fails.
func (s *Store) PutLineageSubgraph(ctx context.Context, g LineageSubgraph, opts *PutLineageSubgraphOptions) (PutLineageSubgraphResult, error) {
	return PutLineageSubgraphResult{}, notImplemented("PutLineageSubgraph")
}
