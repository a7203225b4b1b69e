package mlmd

import (
	"fmt"

	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// Kind names one of the three kinds of node, and so also the kind of a type.
// The numeric values are MLMD's TypeKind, the value of Type.type_kind. Its
// String method returns "execution", "artifact" or "context". It is the
// one node kind of gomlmd: driver.Kind and filterlang.Kind are the same
// type.
type Kind = driver.Kind

// The kinds.
const (
	KindExecution = driver.KindExecution
	KindArtifact  = driver.KindArtifact
	KindContext   = driver.KindContext
)

// ArtifactBaseType is a system-defined base type of an artifact type
// (MLMD's ArtifactType.SystemDefinedBaseType).
type ArtifactBaseType int32

// The artifact base types; the comment gives the system type's name.
const (
	ArtifactBaseUnset      ArtifactBaseType = 0 // none
	ArtifactBaseDataset    ArtifactBaseType = 1 // mlmd.Dataset
	ArtifactBaseModel      ArtifactBaseType = 2 // mlmd.Model
	ArtifactBaseMetrics    ArtifactBaseType = 3 // mlmd.Metrics
	ArtifactBaseStatistics ArtifactBaseType = 4 // mlmd.Statistics
)

// ExecutionBaseType is a system-defined base type of an execution type
// (MLMD's ExecutionType.SystemDefinedBaseType).
type ExecutionBaseType int32

// The execution base types; the comment gives the system type's name.
const (
	ExecutionBaseUnset     ExecutionBaseType = 0 // none
	ExecutionBaseTrain     ExecutionBaseType = 1 // mlmd.Train
	ExecutionBaseTransform ExecutionBaseType = 2 // mlmd.Transform
	ExecutionBaseProcess   ExecutionBaseType = 3 // mlmd.Process
	ExecutionBaseEvaluate  ExecutionBaseType = 4 // mlmd.Evaluate
	ExecutionBaseDeploy    ExecutionBaseType = 5 // mlmd.Deploy
)

// ArtifactType describes a kind of artifact and the properties it has.
//
// An empty Version means "no version"; MLMD treats a NULL and an empty
// version alike. ID is assigned by the store.
type ArtifactType struct {
	ID          int64
	Name        string
	Version     string
	Description string
	ExternalID  string
	Properties  map[string]PropertyType
	BaseType    ArtifactBaseType
}

// ExecutionType describes a kind of execution and the properties it has.
type ExecutionType struct {
	ID          int64
	Name        string
	Version     string
	Description string
	ExternalID  string
	Properties  map[string]PropertyType
	BaseType    ExecutionBaseType
	// InputType and OutputType are MLMD's ArtifactStructType messages in
	// protobuf JSON form, as MLMD stores them; empty when unset.
	InputType  string
	OutputType string
}

// ContextType describes a kind of context and the properties it has.
// Context types have no base types.
type ContextType struct {
	ID          int64
	Name        string
	Version     string
	Description string
	ExternalID  string
	Properties  map[string]PropertyType
}

// ArtifactState is the state of an artifact (MLMD's Artifact.State).
type ArtifactState int32

// The artifact states.
const (
	ArtifactStateUnknown           ArtifactState = 0
	ArtifactStatePending           ArtifactState = 1
	ArtifactStateLive              ArtifactState = 2
	ArtifactStateMarkedForDeletion ArtifactState = 3
	ArtifactStateDeleted           ArtifactState = 4
	ArtifactStateAbandoned         ArtifactState = 5
	ArtifactStateReference         ArtifactState = 6
)

var artifactStateNames = [...]string{"UNKNOWN", "PENDING", "LIVE", "MARKED_FOR_DELETION", "DELETED", "ABANDONED", "REFERENCE"}

// String returns MLMD's name of the state, e.g. "LIVE".
func (s ArtifactState) String() string {
	if s >= 0 && int(s) < len(artifactStateNames) {
		return artifactStateNames[s]
	}
	return fmt.Sprintf("ArtifactState(%d)", int32(s))
}

// ExecutionState is the last known state of an execution (MLMD's
// Execution.State).
type ExecutionState int32

// The execution states.
const (
	ExecutionStateUnknown  ExecutionState = 0
	ExecutionStateNew      ExecutionState = 1
	ExecutionStateRunning  ExecutionState = 2
	ExecutionStateComplete ExecutionState = 3
	ExecutionStateFailed   ExecutionState = 4
	ExecutionStateCached   ExecutionState = 5
	ExecutionStateCanceled ExecutionState = 6
)

var executionStateNames = [...]string{"UNKNOWN", "NEW", "RUNNING", "COMPLETE", "FAILED", "CACHED", "CANCELED"}

// String returns MLMD's name of the state, e.g. "RUNNING".
func (s ExecutionState) String() string {
	if s >= 0 && int(s) < len(executionStateNames) {
		return executionStateNames[s]
	}
	return fmt.Sprintf("ExecutionState(%d)", int32(s))
}

// Artifact is a piece of data: a dataset, a model, a file.
//
// On Put, an ID of 0 creates a new artifact and any other ID updates that
// artifact. TypeID is required. Type (the type's name) is filled in by reads
// and ignored by writes. Empty strings and ArtifactStateUnknown mean "unset"
// and are stored as NULL. Times are milliseconds since the Unix epoch, set
// by the store.
type Artifact struct {
	ID                       int64
	TypeID                   int64
	Type                     string
	Name                     string
	URI                      string
	ExternalID               string
	State                    ArtifactState
	Properties               Properties
	CustomProperties         Properties
	CreateTimeSinceEpoch     int64
	LastUpdateTimeSinceEpoch int64
}

// Execution is a run of a component, a step, or any other piece of work.
// The field rules are those of Artifact.
type Execution struct {
	ID                       int64
	TypeID                   int64
	Type                     string
	Name                     string
	ExternalID               string
	LastKnownState           ExecutionState
	Properties               Properties
	CustomProperties         Properties
	CreateTimeSinceEpoch     int64
	LastUpdateTimeSinceEpoch int64
}

// Context groups artifacts and executions: a pipeline, a run, an
// experiment. The field rules are those of Artifact, except that a context
// must have a non-empty Name, unique within its type.
type Context struct {
	ID                       int64
	TypeID                   int64
	Type                     string
	Name                     string
	ExternalID               string
	Properties               Properties
	CustomProperties         Properties
	CreateTimeSinceEpoch     int64
	LastUpdateTimeSinceEpoch int64
}

// EventType says how an artifact took part in an execution (MLMD's
// Event.Type).
type EventType int32

// The event types.
const (
	EventUnknown        EventType = 0
	EventDeclaredOutput EventType = 1
	EventDeclaredInput  EventType = 2
	EventInput          EventType = 3
	EventOutput         EventType = 4
	EventInternalInput  EventType = 5
	EventInternalOutput EventType = 6
	EventPendingOutput  EventType = 7
)

var eventTypeNames = [...]string{"UNKNOWN", "DECLARED_OUTPUT", "DECLARED_INPUT", "INPUT", "OUTPUT", "INTERNAL_INPUT", "INTERNAL_OUTPUT", "PENDING_OUTPUT"}

// String returns MLMD's name of the event type, e.g. "INPUT".
func (t EventType) String() string {
	if t >= 0 && int(t) < len(eventTypeNames) {
		return eventTypeNames[t]
	}
	return fmt.Sprintf("EventType(%d)", int32(t))
}

// IsInput reports whether t is one of the input event types
// (DECLARED_INPUT, INPUT, INTERNAL_INPUT).
func (t EventType) IsInput() bool {
	return t == EventDeclaredInput || t == EventInput || t == EventInternalInput
}

// IsOutput reports whether t is one of the output event types
// (DECLARED_OUTPUT, OUTPUT, INTERNAL_OUTPUT, PENDING_OUTPUT).
func (t EventType) IsOutput() bool {
	return t == EventDeclaredOutput || t == EventOutput || t == EventInternalOutput || t == EventPendingOutput
}

// Step is one step of an event's path: either an index into a list or a
// key into a map. Build steps with IndexStep and KeyStep.
type Step struct {
	// IsKey tells which of Index and Key is meaningful.
	IsKey bool
	Index int64
	Key   string
}

// IndexStep returns a path step that indexes a list.
func IndexStep(i int64) Step { return Step{Index: i} }

// KeyStep returns a path step that selects a map entry.
func KeyStep(k string) Step { return Step{IsKey: true, Key: k} }

// String formats the step as "[3]" or ".key".
func (s Step) String() string {
	if s.IsKey {
		return "." + s.Key
	}
	return fmt.Sprintf("[%d]", s.Index)
}

// Event records that an execution read or wrote an artifact. Path says
// where in the execution's inputs or outputs the artifact stood.
// MillisecondsSinceEpoch is set by the store when it is 0.
type Event struct {
	ArtifactID             int64
	ExecutionID            int64
	Path                   []Step
	Type                   EventType
	MillisecondsSinceEpoch int64
}

// Attribution links an artifact to a context.
type Attribution struct {
	ArtifactID int64
	ContextID  int64
}

// Association links an execution to a context.
type Association struct {
	ExecutionID int64
	ContextID   int64
}

// ParentContext makes one context the parent of another.
type ParentContext struct {
	ChildID  int64
	ParentID int64
}

// OrderField is the field a listing is ordered by.
type OrderField int32

// The order fields. The numeric values are MLMD's
// ListOperationOptions.OrderByField.Field; OrderUnspecified orders by ID.
const (
	OrderUnspecified  OrderField = 0
	OrderByCreateTime OrderField = 1
	OrderByUpdateTime OrderField = 2
	OrderByID         OrderField = 3
)

// MaxListResultSize is the most rows one page holds, whatever
// ListOptions.MaxResultSize asks for (MLMD's cap).
const MaxListResultSize = 100

// DefaultListResultSize is the page size when ListOptions.MaxResultSize is 0.
const DefaultListResultSize = 20

// ListOptions asks for one page of a listing (MLMD's ListOperationOptions).
//
// A nil *ListOptions means "everything, ordered by ID, in one answer".
// Otherwise at most min(MaxResultSize, 100) rows are returned, with a
// next-page token when more follow; a negative MaxResultSize is an
// InvalidArgument error and 0 means 20. Pass the token back, with the same
// other options, to get the next page; a token never skips or repeats a
// row, even when the order field ties.
type ListOptions struct {
	MaxResultSize int32
	OrderBy       OrderField
	// Desc orders from the largest value down; the default is ascending.
	Desc          bool
	NextPageToken string
	// FilterQuery is an expression in MLMD's filter language, e.g.
	// `type = 'Dataset' AND properties.span.int_value > 3`.
	FilterQuery string
}

// TypeOptions are the upsert flags of PutArtifactType, PutExecutionType,
// PutContextType and PutTypes.
//
// Putting a type whose name and version already exist checks the stored
// properties against the given ones: a property stored with another type is
// an AlreadyExists error; a property only in the request is added if
// CanAddFields (else AlreadyExists); a property only in the store is kept if
// CanOmitFields (else AlreadyExists).
type TypeOptions struct {
	CanAddFields  bool
	CanOmitFields bool
}

// PutArtifactsOptions are the options of PutArtifacts.
type PutArtifactsOptions struct {
	// AbortIfLatestUpdatedTimeChanged makes an update fail with
	// FailedPrecondition when the stored artifact's LastUpdateTimeSinceEpoch
	// differs from the one given, i.e. someone else updated it since it was
	// read.
	AbortIfLatestUpdatedTimeChanged bool
	// UpdateMask limits an update to the listed fields, as MLMD's
	// update_mask: field names ("uri", "external_id", "state"),
	// "properties" / "custom_properties" for all of them, or
	// "properties.<name>" / "custom_properties.<name>" for one. A field
	// listed but absent from the artifact is deleted. Paths that name
	// nothing are ignored; as in MLMD, "name" has no effect (an update
	// never renames an artifact or an execution) and "type_id" must not
	// differ from the stored one. Ignored on create.
	UpdateMask []string
}

// PutExecutionsOptions are the options of PutExecutions.
type PutExecutionsOptions struct {
	// UpdateMask is as in PutArtifactsOptions ("last_known_state" in place
	// of "state"; executions have no "uri").
	UpdateMask []string
}

// PutContextsOptions are the options of PutContexts.
type PutContextsOptions struct {
	// UpdateMask is as in PutArtifactsOptions (contexts have no "uri" and
	// no state; "name" renames the context).
	UpdateMask []string
}

// ArtifactAndEvent is one artifact of a PutExecution call and, optionally,
// the event that links it to the execution. A nil Artifact means the Event
// names an existing artifact by ArtifactID.
type ArtifactAndEvent struct {
	Artifact *Artifact
	Event    *Event
}

// PutExecutionOptions are the options of PutExecution.
type PutExecutionOptions struct {
	// ReuseContextIfAlreadyExist makes a new context whose type and name
	// already exist reuse the stored one instead of failing with
	// AlreadyExists.
	ReuseContextIfAlreadyExist bool
	// ReuseArtifactIfAlreadyExistByExternalID makes a new artifact whose
	// external ID already exists reuse the stored one.
	ReuseArtifactIfAlreadyExistByExternalID bool
	// ForceUpdateTime updates the execution's LastUpdateTimeSinceEpoch even
	// when nothing else changed.
	ForceUpdateTime bool
	// ForceReuseContext reuses a context given with an ID without updating it.
	ForceReuseContext bool
}

// PutExecutionResult holds the ids PutExecution assigned or used, in the
// order of its arguments.
type PutExecutionResult struct {
	ExecutionID int64
	ArtifactIDs []int64
	ContextIDs  []int64
}

// EventEdge is an event of PutLineageSubgraph between the execution and the
// artifact at the given indexes of the call's slices. The event's own
// ArtifactID and ExecutionID, if set, must match the nodes'.
//
// A negative index means "no index" (MLMD's unset execution_index or
// artifact_index): the event must then name the node by its id, which may
// be any stored node.
type EventEdge struct {
	ExecutionIndex int
	ArtifactIndex  int
	Event          Event
}

// LineageSubgraph is the input of PutLineageSubgraph.
type LineageSubgraph struct {
	Executions []Execution
	Artifacts  []Artifact
	Contexts   []Context
	EventEdges []EventEdge
}

// PutLineageSubgraphOptions are the options of PutLineageSubgraph.
type PutLineageSubgraphOptions struct {
	ReuseContextIfAlreadyExist              bool
	ReuseArtifactIfAlreadyExistByExternalID bool
}

// PutLineageSubgraphResult holds the ids PutLineageSubgraph assigned or
// used, in the order of its input.
type PutLineageSubgraphResult struct {
	ExecutionIDs []int64
	ArtifactIDs  []int64
	ContextIDs   []int64
}

// Types is a set of types of all three kinds, as PutTypes takes and
// returns them.
type Types struct {
	ArtifactTypes  []ArtifactType
	ExecutionTypes []ExecutionType
	ContextTypes   []ContextType
}

// PutTypesResult holds the type ids PutTypes assigned or found, in the
// order of its input.
type PutTypesResult struct {
	ArtifactTypeIDs  []int64
	ExecutionTypeIDs []int64
	ContextTypeIDs   []int64
}
