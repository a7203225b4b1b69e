// Package driver defines the interfaces that gomlmd storage backends
// implement. Application code should use package mlmd; this package is for
// the authors of backends.
//
// A backend stores MLMD's schema version 10 and answers a small set of
// set-based operations on it (Tx). The portable type mlmd.Store does all of
// MLMD's logic - validation, type upserts, property checks, update rules,
// the composition of PutExecution and PutLineageSubgraph - on top of those
// operations, inside one Tx per call. A backend therefore never decides what
// MLMD means; it only stores and finds rows, and reports what the database
// said in the error codes listed on each method.
//
// # Errors
//
// Errors returned by a backend should carry a code from package errcode
// (errcode.New, errcode.Wrap). An error without a code is treated as
// Internal. The codes a method may return beyond Internal are listed in its
// documentation; mlmd.Store relies on exactly those. Errors of the context
// package (context.Canceled, context.DeadlineExceeded) are returned as they
// are.
//
// # Conventions
//
//   - Empty strings are stored as NULL and NULL is read back as "".
//     A zero state is stored as NULL and NULL is read back as 0.
//   - Slices of ids given to a method may hold duplicates and ids that do not
//     exist; those are ignored. Results are ordered by id ascending unless a
//     method says otherwise.
//   - A method never keeps, and never modifies, the slices and maps it is
//     given.
package driver

import (
	"context"

	"github.com/gomlmd/gomlmd/filterlang"
)

// Driver opens connections to one kind of database. Drivers register
// themselves with mlmd.Register under a name, as database/sql drivers do.
type Driver interface {
	// Open connects to the database that dsn names, and unless
	// opts.SkipMigrations brings its schema to MLMD's version 10 (creating
	// it in an empty database, adopting an existing version-10 database in
	// place). opts is never nil.
	//
	// With opts.EnableUpgradeMigration a database at an older MLMD schema
	// version is upgraded to 10 first. Open returns FailedPrecondition if
	// the database holds another schema version that it does not upgrade
	// (the message names both versions), or if SkipMigrations is set and
	// the schema is missing; InvalidArgument if the dsn cannot be
	// parsed; Unavailable if the database cannot be reached.
	Open(ctx context.Context, dsn string, opts *OpenOptions) (Conn, error)
}

// Connector opens connections to one database that it was configured for
// without a DSN, e.g. from a backend's typed configuration; see
// mlmd.OpenConnector. Connect has the contract of Driver.Open.
type Connector interface {
	Connect(ctx context.Context, opts *OpenOptions) (Conn, error)
}

// OpenOptions are the options of Driver.Open. The portable type fills them
// in from mlmd.Options.
type OpenOptions struct {
	// SkipMigrations leaves the schema alone: the database must already
	// hold schema version 10.
	SkipMigrations bool
	// EnableUpgradeMigration upgrades a database at an older MLMD schema
	// version (0 to 9) to version 10; without it such a database is
	// refused with FailedPrecondition naming both versions. Ignored with
	// SkipMigrations.
	EnableUpgradeMigration bool
	// SchemaTool opens the database for the methods of SchemaMigrator
	// only: Open neither checks nor changes the schema, which may be at
	// any version or absent, and the Conn's other methods must not be
	// called.
	SchemaTool bool
	// MaxRetries is how many times InTx reruns a transaction that failed
	// with a transient conflict (deadlock, lock timeout, busy database)
	// before it returns Aborted. 0 means the driver's default.
	MaxRetries int
	// OnRetry, if set, is called by InTx each time it rolls a transaction
	// back to run it again, before the pause. It is called from the
	// goroutine of the call and must be quick and safe for concurrent use.
	OnRetry func(Retry)
}

// Retry describes one rerun of a transaction by Conn.InTx, for
// OpenOptions.OnRetry.
type Retry struct {
	// Backend is the driver's name: "sqlite", "mysql" or "postgres".
	Backend string
	// Reason is why the transaction is run again: RetryDeadlock,
	// RetrySerialization, RetryLockTimeout, RetryBusy, RetryConflict,
	// RetryConnectionLost, or another short snake_case word of the driver.
	Reason string
	// Attempt counts the reruns of this call: 1 for the first.
	Attempt int
}

// The reasons of Retry.Reason.
const (
	// RetryDeadlock: the database broke a deadlock by rolling the
	// transaction back.
	RetryDeadlock = "deadlock"
	// RetrySerialization: a serialization failure, the transaction's
	// snapshot conflicts with a transaction committed meanwhile.
	RetrySerialization = "serialization"
	// RetryLockTimeout: a lock wait timed out.
	RetryLockTimeout = "lock_timeout"
	// RetryBusy: the database was locked by another writer (SQLite's busy
	// and locked).
	RetryBusy = "busy"
	// RetryConflict: the store found that another transaction committed a
	// conflicting row after this one's snapshot.
	RetryConflict = "conflict"
	// RetryConnectionLost: the connection broke before the commit.
	RetryConnectionLost = "connection_lost"
)

// Conn is an open backend. It is safe for concurrent use.
type Conn interface {
	// InTx runs fn in one database transaction and commits it if fn
	// returns nil, or rolls it back if fn returns an error, which InTx then
	// returns unchanged.
	//
	// When the database reports a transient conflict (a deadlock, a lock
	// wait timeout, a busy database) InTx rolls back and runs fn again, up to
	// the retry limit; it then returns an Aborted error. A connection that
	// breaks before the commit is sent (the database has rolled the
	// transaction back) is treated the same way, on a new connection; one
	// that breaks during the commit is not retried, since the commit may have
	// happened, and InTx returns Unavailable. fn must therefore
	// have no effects outside tx, or effects that are safe to repeat. tx must
	// not be used after fn returns.
	InTx(ctx context.Context, opts TxOptions, fn func(tx Tx) error) error

	// SchemaVersion returns the schema version stored in MLMDEnv.
	SchemaVersion(ctx context.Context) (int64, error)

	// Close closes the connection pool. In-memory databases are gone after
	// Close.
	Close() error
}

// SchemaMigrator is an optional interface of a Conn whose database's
// schema can move between MLMD's schema versions. The portable type uses
// it on a Conn opened with OpenOptions.SchemaTool.
type SchemaMigrator interface {
	// InspectSchema reports the database's MLMD schema version, without
	// changing anything. FailedPrecondition if the database holds some of
	// MLMD's tables but no version can be read from them.
	InspectSchema(ctx context.Context) (SchemaState, error)
	// DowngradeSchema takes the database from schema version 10 (or any
	// version above toVersion) down to toVersion, as MLMD's
	// DowngradeMetadataSource does; a database at toVersion is left alone.
	// InvalidArgument if the backend cannot reach toVersion;
	// FailedPrecondition if the database has no MLMD schema, or is older
	// than toVersion, or newer than 10.
	DowngradeSchema(ctx context.Context, toVersion int64) error
}

// SchemaState is what SchemaMigrator.InspectSchema finds.
type SchemaState struct {
	// Empty is true when the database holds none of MLMD's tables.
	Empty bool
	// Version is the database's MLMD schema version; 0 is MLMD 0.13.2's
	// schema, which has no MLMDEnv table. Meaningless when Empty.
	Version int64
	// Oldest is the oldest version the backend upgrades from and
	// downgrades to (10 when it has no upgrades).
	Oldest int64
	// ExtrasPending is true for a database at version 10 whose
	// backend-specific additions (gomlmd's indexes) are not all in place;
	// opening it adds them.
	ExtrasPending bool
}

// TxOptions are the options of Conn.InTx.
type TxOptions struct {
	// ReadOnly says fn does not write; a driver may use this to run the
	// transaction without write locks.
	ReadOnly bool
	// OneStatement, with ReadOnly, says fn usually reads with a single
	// statement. One statement is consistent on its own (it reads one
	// snapshot), so the driver may run it without BEGIN and COMMIT. If fn
	// sends a second statement, the driver must still give all of fn's
	// statements one snapshot, e.g. by running fn again in a transaction;
	// fn must allow that, as it must allow the retries of InTx.
	OneStatement bool
}

// Kind selects the node table a method works on: the values are MLMD's
// TypeKind, the value of Type.type_kind. It is the one node kind of
// gomlmd, shared with package mlmd and the filter language.
type Kind = filterlang.Kind

// The kinds.
const (
	KindExecution = filterlang.KindExecution
	KindArtifact  = filterlang.KindArtifact
	KindContext   = filterlang.KindContext
)

// Filter is a filter query in MLMD's filter language, parsed and checked
// against a node kind by package mlmd before the transaction begins. A
// driver only compiles it, for its SQL dialect (filterlang.Compile); its
// String method returns the query's text, e.g. for messages.
type Filter = filterlang.Checked

// Tx is the set of operations a backend performs inside one transaction.
// All methods are set-based: a method is a bounded number of statements
// whatever the number of rows it is given.
type Tx interface {
	// Types.

	// InsertType inserts a type with its properties and returns its id.
	// t.ID is ignored. Returns AlreadyExists if another type of the same
	// kind has the same name and version, or if any type has the same
	// external id.
	InsertType(ctx context.Context, t TypeRow) (int64, error)
	// UpdateType sets the description, external id, input type and output
	// type of the type with id t.ID to t's values; it does not touch name,
	// version, kind or properties. Returns AlreadyExists if another type has
	// the same external id, NotFound if there is no such type.
	UpdateType(ctx context.Context, t TypeRow) error
	// AddTypeProperties adds properties to a type. Returns AlreadyExists
	// if one of them exists already.
	AddTypeProperties(ctx context.Context, typeID int64, props map[string]int32) error
	// SetParentTypes records parent-type links (ParentType rows); links
	// that exist already are left alone.
	SetParentTypes(ctx context.Context, links []ParentTypeRow) error
	// FindTypes returns the types of q.Kind that match q, with their
	// properties and parent types, ordered by id.
	FindTypes(ctx context.Context, q TypeQuery) ([]TypeRow, error)

	// Nodes (artifacts, executions, contexts).

	// InsertNodes inserts the nodes and their properties and returns their
	// ids in the order of rows. The rows' ID fields are ignored. Returns
	// AlreadyExists if a name is taken within its type or an external id is
	// taken within the kind (by a stored node or another row).
	InsertNodes(ctx context.Context, kind Kind, rows []NodeRow) ([]int64, error)
	// UpdateNodes sets type_id, name, uri, external_id, state and
	// last_update_time_since_epoch of each stored node to the row's values
	// (create_time and properties are not touched). Returns AlreadyExists
	// as InsertNodes, NotFound if a row's id does not exist.
	UpdateNodes(ctx context.Context, kind Kind, rows []NodeRow) error
	// GetNodes returns the nodes with the given ids, with their type's name
	// and their properties, ordered by name and then with the property
	// before the custom property of the same name (the order of the
	// property tables' primary key).
	GetNodes(ctx context.Context, kind Kind, ids []int64) ([]NodeRow, error)
	// FindNodeIDs returns the ids of the nodes that match q, ordered by id.
	FindNodeIDs(ctx context.Context, kind Kind, q NodeQuery) ([]int64, error)
	// ListNodes returns one page of node keys, see ListQuery. Returns
	// InvalidArgument for a filter query that does not parse or check.
	ListNodes(ctx context.Context, q ListQuery) ([]NodeKey, error)

	// UpsertProperties inserts the property rows, replacing the value of a
	// row with the same node id, name and is_custom flag.
	UpsertProperties(ctx context.Context, kind Kind, rows []PropertyRow) error
	// DeleteProperties deletes the named property rows; missing ones are
	// ignored.
	DeleteProperties(ctx context.Context, kind Kind, keys []PropertyKey) error

	// Events.

	// InsertEvents inserts events with their paths. Returns AlreadyExists
	// if an event with the same artifact, execution and type exists (stored
	// or among rows).
	InsertEvents(ctx context.Context, rows []EventRow) error
	// GetEvents returns the events whose artifact (kind KindArtifact) or
	// execution (kind KindExecution) is in ids, with their paths, ordered
	// by event id.
	GetEvents(ctx context.Context, kind Kind, ids []int64) ([]EventRow, error)

	// Attributions (kind KindArtifact) and associations (kind KindExecution).

	// InsertLinks inserts attributions or associations; pairs that exist
	// already are skipped.
	InsertLinks(ctx context.Context, kind Kind, rows []LinkRow) error
	// GetLinks returns the attributions or associations whose node is in
	// nodeIDs or whose context is in contextIDs, ordered by id.
	GetLinks(ctx context.Context, kind Kind, nodeIDs, contextIDs []int64) ([]LinkRow, error)

	// Parent contexts.

	// InsertParentContexts inserts parent-context links. Returns
	// AlreadyExists if a link exists already (stored or among rows).
	InsertParentContexts(ctx context.Context, rows []ParentContextRow) error
	// GetParentContexts returns the links whose child is in childIDs or
	// whose parent is in parentIDs, ordered by child id then parent id.
	GetParentContexts(ctx context.Context, childIDs, parentIDs []int64) ([]ParentContextRow, error)
}

// TypeRow is a row of Type with its TypeProperty and ParentType rows.
type TypeRow struct {
	ID          int64
	Kind        Kind
	Name        string
	Version     string
	Description string
	ExternalID  string
	InputType   string
	OutputType  string
	// Properties maps property names to MLMD PropertyType values.
	Properties map[string]int32
	// ParentIDs are the ids of the type's parent types (ParentType rows).
	ParentIDs []int64
}

// ParentTypeRow is a row of ParentType.
type ParentTypeRow struct {
	TypeID       int64
	ParentTypeID int64
}

// NameVersion names a type by name and version; an empty version matches
// a NULL (or empty) version.
type NameVersion struct {
	Name    string
	Version string
}

// TypeQuery selects types of one kind. At most one selector is set; with
// none, FindTypes returns every type of the kind.
type TypeQuery struct {
	Kind        Kind
	IDs         []int64
	ExternalIDs []string
	Names       []NameVersion
	// NamesAnyVersion selects every version of the named types.
	NamesAnyVersion []string
	// AnyKind, with IDs, selects the types with those ids whatever their
	// kind (Kind is then ignored): one call for the types of several
	// kinds. Each returned row has its Kind set.
	AnyKind bool
}

// NodeRow is a row of Artifact, Execution or Context with its property rows.
type NodeRow struct {
	ID     int64
	TypeID int64
	// TypeName is the name of the node's type; filled by GetNodes, ignored
	// by writes.
	TypeName   string
	Name       string
	URI        string // artifacts only
	ExternalID string
	// State is Artifact.state or Execution.last_known_state; 0 is NULL.
	// Contexts have none.
	State                    int32
	CreateTimeSinceEpoch     int64
	LastUpdateTimeSinceEpoch int64
	// Properties are the node's property rows; filled by GetNodes, inserted
	// by InsertNodes, ignored by UpdateNodes. Their NodeID is ignored on
	// insert.
	Properties []PropertyRow
}

// NodeQuery selects nodes of one kind. Set exactly one of the selectors
// (TypeID may be combined with Names).
type NodeQuery struct {
	// IDs selects the nodes with these ids: FindNodeIDs returns those that
	// exist, for existence checks that need no more than the id.
	IDs []int64
	// TypeID selects the nodes of one type.
	TypeID int64
	// Names, with TypeID, selects the nodes of that type with these names.
	Names []string
	// URIs selects artifacts by uri. The empty uri selects the artifacts
	// without a uri (stored as NULL, or as '' by MLMD itself), as MLMD's
	// GetArtifactsByURI with an empty uri does.
	URIs []string
	// ExternalIDs selects nodes by external id.
	ExternalIDs []string
	// TypeNames selects nodes by (type id, name) pairs, for batch lookups.
	TypeNames []TypeName
}

// TypeName names a node by its type id and name.
type TypeName struct {
	TypeID int64
	Name   string
}

// OrderField is the column a listing is ordered by. Values are those of
// mlmd.OrderField.
type OrderField int32

// The order fields.
const (
	OrderByID         OrderField = 3
	OrderByCreateTime OrderField = 1
	OrderByUpdateTime OrderField = 2
)

// ListQuery asks ListNodes for one page of nodes of one kind, ordered by
// OrderBy then by id (both descending when Desc), starting after a cursor.
type ListQuery struct {
	Kind Kind
	// TypeID, if not 0, keeps only nodes of that type.
	TypeID int64
	// ContextID, if not 0, keeps only artifacts attributed to (or
	// executions associated with) that context.
	ContextID int64
	// Filter, if not nil, keeps only the nodes that match it; it was
	// checked against Kind.
	Filter  *Filter
	OrderBy OrderField
	Desc    bool
	// After, if not nil, starts the page after this key: rows whose
	// (order value, id) comes after (After.OrderValue, After.ID) in the
	// listing's order.
	After *NodeKey
	// Limit is the most keys to return; 0 means no limit.
	Limit int
}

// NodeKey is a node's place in a listing.
type NodeKey struct {
	ID int64
	// OrderValue is the value of the order field (the id itself when
	// ordering by id).
	OrderValue int64
}

// PropertyColumn says which value column of a property row is set.
type PropertyColumn int8

// The value columns.
const (
	ColumnInt    PropertyColumn = 1 // int_value
	ColumnDouble PropertyColumn = 2 // double_value
	ColumnString PropertyColumn = 3 // string_value (strings, and structs MLMD-encoded)
	ColumnProto  PropertyColumn = 5 // proto_value (base64 of the serialized Any)
	ColumnBool   PropertyColumn = 6 // bool_value
)

// PropertyRow is a row of ArtifactProperty, ExecutionProperty or
// ContextProperty. Exactly one value column is set, the one Column names;
// the store encodes values as MLMD does before they reach the driver.
type PropertyRow struct {
	NodeID   int64
	Name     string
	IsCustom bool
	Column   PropertyColumn
	Int      int64
	Double   float64
	String   string
	Bytes    []byte
	Bool     bool
}

// PropertyKey names a property row.
type PropertyKey struct {
	NodeID   int64
	Name     string
	IsCustom bool
}

// EventRow is a row of Event with its EventPath rows.
type EventRow struct {
	ID                     int64
	ArtifactID             int64
	ExecutionID            int64
	Type                   int32
	MillisecondsSinceEpoch int64
	Path                   []StepRow
}

// StepRow is a row of EventPath.
type StepRow struct {
	IsIndex bool
	Index   int64
	Key     string
}

// LinkRow is a row of Attribution (NodeID is the artifact) or Association
// (NodeID is the execution).
type LinkRow struct {
	ID        int64
	ContextID int64
	NodeID    int64
}

// ParentContextRow is a row of ParentContext.
type ParentContextRow struct {
	ChildID  int64
	ParentID int64
}

// LineageTx is an optional interface that a Tx may implement to answer
// mlmd.Store's lineage queries (GetLineageSubgraph, GetLineageGraph) in a
// few statements. mlmd.Store uses it when the Tx has it; otherwise it walks
// the Event table one hop at a time with GetEvents and evaluates filter
// queries with ListNodes, which gives the same answers with more
// statements.
type LineageTx interface {
	Tx

	// MatchNodeIDs returns, ordered by id, those of ids whose node (of
	// filter's kind) matches filter (never nil). Ids that name no node are
	// left out.
	MatchNodeIDs(ctx context.Context, filter *Filter, ids []int64) ([]int64, error)

	// TraceLineage walks the lineage graph as q describes and returns the
	// nodes it reaches and, if q.WithEvents, the events it follows; see
	// LineageTrace and LineageTraceResult. Returns InvalidArgument for a
	// start or ending filter query that does not parse or check, a
	// StartKind other than KindArtifact and KindExecution, or a negative
	// MaxHops or StartLimit.
	TraceLineage(ctx context.Context, q LineageTrace) (LineageTraceResult, error)
}

// LineageTrace is a breadth-first walk of the lineage graph: the bipartite
// graph of artifacts and executions whose edges are events.
//
// The start nodes are reached at distance 0. A node is expanded if it is
// reached at a distance below MaxHops and is not an ending node; expanding
// an artifact follows its events whose type is in ArtifactEventTypes to
// their executions, expanding an execution follows its events whose type
// is in ExecutionEventTypes to their artifacts, and the nodes so found are
// reached at the expanded node's distance plus one. A node's distance is
// the smallest one it is reached at.
type LineageTrace struct {
	// StartKind is KindArtifact or KindExecution, the kind of the start
	// nodes.
	StartKind Kind
	// StartIDs are the start nodes; ids that name no node are ignored.
	StartIDs []int64
	// StartFilter, if not nil, replaces StartIDs: the start nodes are
	// the nodes of StartKind that match this filter query, at most
	// StartLimit of them (0 for no limit), those with the lowest ids.
	StartFilter *Filter
	StartLimit  int
	// MaxHops is the greatest distance reached (0 or more).
	MaxHops int
	// ArtifactEventTypes and ExecutionEventTypes are the event types
	// followed from an artifact and from an execution; nil follows every
	// type.
	ArtifactEventTypes  []int32
	ExecutionEventTypes []int32
	// EndingArtifacts and EndingExecutions, if not nil, are filter
	// queries over artifacts and executions: the nodes that match are
	// ending nodes, which are reached but never expanded (start nodes
	// included).
	EndingArtifacts  *Filter
	EndingExecutions *Filter
	// WithEvents asks for the followed events in the result.
	WithEvents bool
}

// LineageTraceResult is the answer of TraceLineage.
type LineageTraceResult struct {
	// Nodes are the reached nodes, artifacts and executions, each once,
	// ordered by kind and id.
	Nodes []TracedNode
	// Events, with WithEvents, are the events followed by the expansions:
	// each event of an expanded artifact whose type is followed from an
	// artifact, and each event of an expanded execution whose type is
	// followed from an execution. Each event comes once, with its path;
	// they are ordered by id.
	Events []EventRow
}

// TracedNode is a node reached by TraceLineage.
type TracedNode struct {
	Kind Kind
	ID   int64
	// Hops is the node's distance from the start nodes.
	Hops int
	// Ending reports whether the node is an ending node.
	Ending bool
}

// PageTx is an optional interface that a Tx may implement to read a page
// of a listing and the page's nodes in one statement, where ListNodes
// followed by GetNodes would take two (and, outside a transaction, would
// need one to see both in one snapshot). mlmd.Store uses it when the Tx
// has it.
type PageTx interface {
	Tx

	// ListNodePage returns what ListNodes(q) would, the page's keys in the
	// listing's order, and the nodes of those keys as GetNodes would
	// return them (ordered by id, with their properties), read in one
	// snapshot.
	ListNodePage(ctx context.Context, q ListQuery) ([]NodeKey, []NodeRow, error)
}

// NamedNodeTx is an optional interface that a Tx may implement to read a
// node by its type's name and version and its own name in one statement,
// where FindTypes, FindNodeIDs and GetNodes would take three. mlmd.Store
// uses it when the Tx has it.
type NamedNodeTx interface {
	Tx

	// GetNodeByTypeAndName returns the node of kind with the given name
	// whose type (of kind) has the given name and version ("" matches a
	// type without a version), as GetNodes would return it; none if the
	// type or the node does not exist.
	GetNodeByTypeAndName(ctx context.Context, kind Kind, typeName, typeVersion, name string) ([]NodeRow, error)
}

// PrefetchTx is an optional interface that a Tx may implement to answer
// the reads a write call makes before it writes - the types it names, the
// stored nodes it updates, which of the nodes it refers to exist, which of
// its links exist - in one statement. mlmd.Store uses it when the Tx has
// it; otherwise it makes those reads with the methods of Tx, one at a
// time, with the same results.
type PrefetchTx interface {
	Tx

	// Prefetch answers q. Each part of the answer is what the method of Tx
	// named on the part of q would return, read in the same snapshot.
	Prefetch(ctx context.Context, q Prefetch) (Prefetched, error)
}

// Prefetch is what PrefetchTx.Prefetch reads. Ids are given as to the
// methods of Tx: they may repeat and may name nothing.
type Prefetch struct {
	// TypeIDs are types of any kind, read as FindTypes with AnyKind.
	TypeIDs []int64
	// Nodes are nodes read whole, as GetNodes, by kind.
	Nodes map[Kind][]int64
	// NodeIDs are node ids whose existence is checked, as FindNodeIDs
	// with IDs, by kind.
	NodeIDs map[Kind][]int64
	// Links asks which attributions (KindArtifact) or associations
	// (KindExecution) between the given contexts and nodes exist, by
	// kind: those of GetLinks whose context and node are both given.
	Links map[Kind]LinkQuery
}

// LinkQuery selects the links between any of ContextIDs and any of
// NodeIDs.
type LinkQuery struct {
	ContextIDs []int64
	NodeIDs    []int64
}

// Prefetched is the answer to a Prefetch: types ordered by id, nodes and
// ids by kind ordered by id, links by kind (their ID left 0).
type Prefetched struct {
	Types   []TypeRow
	Nodes   map[Kind][]NodeRow
	NodeIDs map[Kind][]int64
	Links   map[Kind][]LinkRow
}
