package filterlang

import (
	"fmt"
	"strings"
)

// Kind is the kind of node a filter query selects. The values are those of
// mlmd.Kind (and MLMD's TypeKind).
type Kind int8

// The node kinds.
const (
	KindExecution Kind = 0
	KindArtifact  Kind = 1
	KindContext   Kind = 2
)

// String returns "execution", "artifact" or "context".
func (k Kind) String() string {
	switch k {
	case KindExecution:
		return "execution"
	case KindArtifact:
		return "artifact"
	case KindContext:
		return "context"
	}
	return fmt.Sprintf("Kind(%d)", int8(k))
}

func (k Kind) plural() string { return k.String() + "s" }

func (k Kind) valid() bool { return k >= KindExecution && k <= KindContext }

// table is the node table of the kind.
func (k Kind) table() string {
	switch k {
	case KindArtifact:
		return "Artifact"
	case KindExecution:
		return "Execution"
	}
	return "Context"
}

// valType is the type of a value in a query.
type valType int8

const (
	tNull valType = iota // the NULL literal: compares with anything
	tInt
	tDouble
	tString
	tBool
	tEnum
)

func (t valType) String() string {
	return [...]string{"NULL", "an integer", "a double", "a string", "a boolean", "an enum"}[t]
}

func (t valType) numeric() bool { return t == tInt || t == tDouble }

// enumDef is an enum attribute's set of names; the index is the value.
type enumDef struct {
	what     string // for messages: "artifact state"
	names    []string
	nullable bool // the column may be NULL, which reads back as value 0
	example  string
}

func (e *enumDef) value(name string) (int64, bool) {
	for i, n := range e.names {
		if n == name {
			return int64(i), true
		}
	}
	return 0, false
}

var (
	artifactState = &enumDef{
		what:     "artifact state",
		names:    []string{"UNKNOWN", "PENDING", "LIVE", "MARKED_FOR_DELETION", "DELETED", "ABANDONED", "REFERENCE"},
		nullable: true,
		example:  "LIVE",
	}
	executionState = &enumDef{
		what:     "execution state",
		names:    []string{"UNKNOWN", "NEW", "RUNNING", "COMPLETE", "FAILED", "CACHED", "CANCELED"},
		nullable: true,
		example:  "RUNNING",
	}
	eventType = &enumDef{
		what:    "event type",
		names:   []string{"UNKNOWN", "DECLARED_OUTPUT", "DECLARED_INPUT", "INPUT", "OUTPUT", "INTERNAL_INPUT", "INTERNAL_OUTPUT", "PENDING_OUTPUT"},
		example: "INPUT",
	}
)

// field is an attribute a query can name, and the column that holds it.
type field struct {
	name string
	typ  valType
	enum *enumDef
	// column is the column of the node (or event, or property) table. The
	// type name ("type") is not a column: it needs a join with Type.
	column string
}

var (
	fID         = field{name: "id", typ: tInt, column: "id"}
	fTypeID     = field{name: "type_id", typ: tInt, column: "type_id"}
	fType       = field{name: "type", typ: tString}
	fURI        = field{name: "uri", typ: tString, column: "uri"}
	fState      = field{name: "state", typ: tEnum, enum: artifactState, column: "state"}
	fExecState  = field{name: "last_known_state", typ: tEnum, enum: executionState, column: "last_known_state"}
	fName       = field{name: "name", typ: tString, column: "name"}
	fExternalID = field{name: "external_id", typ: tString, column: "external_id"}
	fCreate     = field{name: "create_time_since_epoch", typ: tInt, column: "create_time_since_epoch"}
	fUpdate     = field{name: "last_update_time_since_epoch", typ: tInt, column: "last_update_time_since_epoch"}
)

// attributes are the fields of the nodes of each kind, in the order error
// messages list them.
var attributes = map[Kind][]field{
	KindArtifact:  {fID, fTypeID, fType, fURI, fState, fName, fExternalID, fCreate, fUpdate},
	KindExecution: {fID, fTypeID, fType, fExecState, fName, fExternalID, fCreate, fUpdate},
	KindContext:   {fID, fTypeID, fType, fName, fExternalID, fCreate, fUpdate},
}

// relation is a kind of neighbour: something joined to the node.
type relation int8

const (
	relType           relation = iota // the node's type (for the type attribute)
	relProperty                       // properties.<name>
	relCustomProperty                 // custom_properties.<name>
	relContext                        // contexts_<alias>: contexts of an artifact or execution
	relParentContext                  // parent_contexts_<alias>
	relChildContext                   // child_contexts_<alias>
	relArtifact                       // artifacts_<alias>: artifacts attributed to a context
	relExecution                      // executions_<alias>: executions associated with a context
	relEvent                          // events_<alias>: events of an artifact or execution
)

// neighbourPrefixes are the alias prefixes, longest first so that
// "parent_contexts_" is not taken for "contexts_".
var neighbourPrefixes = []struct {
	prefix string
	rel    relation
}{
	{"parent_contexts_", relParentContext},
	{"child_contexts_", relChildContext},
	{"executions_", relExecution},
	{"artifacts_", relArtifact},
	{"contexts_", relContext},
	{"events_", relEvent},
}

// neighbourKinds says which base kinds have which aliased neighbours.
var neighbourKinds = map[relation][]Kind{
	relContext:       {KindArtifact, KindExecution},
	relEvent:         {KindArtifact, KindExecution},
	relParentContext: {KindContext},
	relChildContext:  {KindContext},
	relArtifact:      {KindContext},
	relExecution:     {KindContext},
}

// neighbourFields returns the fields a query can name on a neighbour of
// relation r of a node of kind k.
func neighbourFields(r relation, k Kind) []field {
	switch r {
	case relContext, relParentContext, relChildContext:
		return []field{fID, fName, fType, fCreate, fUpdate}
	case relArtifact:
		return []field{fID, fName, fType, fState, fURI, fExternalID, fCreate, fUpdate}
	case relExecution:
		return []field{fID, fName, fType, fExecState, fExternalID, fCreate, fUpdate}
	case relEvent:
		other := field{name: "execution_id", typ: tInt, column: "execution_id"}
		if k == KindExecution {
			other = field{name: "artifact_id", typ: tInt, column: "artifact_id"}
		}
		return []field{
			{name: "type", typ: tEnum, enum: eventType, column: "type"},
			{name: "milliseconds_since_epoch", typ: tInt, column: "milliseconds_since_epoch"},
			other,
		}
	case relProperty, relCustomProperty:
		return propertyFields
	}
	return nil
}

var propertyFields = []field{
	{name: "int_value", typ: tInt, column: "int_value"},
	{name: "double_value", typ: tDouble, column: "double_value"},
	{name: "string_value", typ: tString, column: "string_value"},
	{name: "bool_value", typ: tBool, column: "bool_value"},
}

func findField(fields []field, name string) (field, bool) {
	name = strings.ToLower(name)
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

func fieldNames(fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

func kindList(kinds []Kind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.plural()
	}
	return strings.Join(names, " and ")
}

// neighbourHelp lists the neighbour prefixes a node of kind k can use.
func neighbourHelp(k Kind) string {
	var out []string
	for _, p := range neighbourPrefixes {
		for _, nk := range neighbourKinds[p.rel] {
			if nk == k {
				out = append(out, p.prefix+"<alias>.")
			}
		}
	}
	return strings.Join(out, ", ")
}
