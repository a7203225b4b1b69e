package mlmdfixture

import (
	"encoding/base64"
	"fmt"
	"math"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/gomlmd/gomlmd/mlmd"
)

// The fixture's data, in one place: what every version holds is this data
// cut down to what the version's tables can say. Each item has the first
// version that can hold it (since); items are listed so that, at every
// version, the ids of the items present are 1, 2, 3... in order, as a
// fresh database hands them out.

// Type kinds as MLMD stores them in Type.type_kind (is_artifact_type
// before version 2, when there were no context types).
const (
	kindExecution = 0
	kindArtifact  = 1
	kindContext   = 2
)

type propDef struct {
	name  string
	t     mlmd.PropertyType
	since int
}

type typeSpec struct {
	id    int64
	kind  int
	name  string
	since int
	// version and description exist from version 6, externalID from 9.
	version, description, externalID string
	// input and output type of an execution type.
	input, output string
	props         []propDef
	// parent is the ParentType row's parent (from version 6), 0 for none.
	parent int64
}

var types = []typeSpec{
	{id: 1, kind: kindArtifact, name: "DataSet", externalID: "type-dataset",
		props: []propDef{{"span", mlmd.PropertyInt, 0}, {"split", mlmd.PropertyString, 0}, {"score", mlmd.PropertyDouble, 0}, {"config", mlmd.PropertyStruct, 7}}},
	{id: 2, kind: kindExecution, name: "Trainer", description: "trains a model", input: `{"any":{}}`, output: `{"none":{}}`,
		props: []propDef{{"steps", mlmd.PropertyInt, 0}, {"lr", mlmd.PropertyDouble, 0}}},
	{id: 3, kind: kindContext, name: "Pipeline", since: 3, externalID: "type-pipeline",
		props: []propDef{{"owner", mlmd.PropertyString, 0}}},
	// MLMD's system type, the base of Model.
	{id: 4, kind: kindArtifact, name: "mlmd.Model", since: 6},
	{id: 5, kind: kindArtifact, name: "Model", since: 6, version: "2", description: "a trained model", parent: 4,
		props: []propDef{{"framework", mlmd.PropertyString, 0}}},
	// The same name without a version: a type of its own.
	{id: 6, kind: kindArtifact, name: "Model", since: 6, props: []propDef{{"size", mlmd.PropertyInt, 0}}},
}

// value is a property value as the fixture writes it.
type value struct {
	v     mlmd.Value
	since int
}

type propVal struct {
	name   string
	custom bool
	value
}

func ival(i int64, since int) value   { return value{mlmd.IntValue(i), since} }
func fval(f float64, since int) value { return value{mlmd.DoubleValue(f), since} }
func sval(s string, since int) value  { return value{mlmd.StringValue(s), since} }

// configStruct is the struct property value of the fixture.
func configStruct() *structpb.Struct {
	st, err := structpb.NewStruct(map[string]any{"layers": []any{1.0, "relu"}, "ok": true, "name": "net"})
	if err != nil {
		panic(err)
	}
	return st
}

func structVal(since int) value { return value{mlmd.StructValue(configStruct()), since} }

// longString is a string property value of 100 000 characters.
var longString = "long:" + strings.Repeat("0123456789", 10_000)

type nodeSpec struct {
	id     int64
	kind   int
	typeID int64
	since  int
	uri    string // artifacts; "" is NULL
	// name and state exist for artifacts and executions from version 5
	// (contexts always have a name); externalID from version 9.
	name       string
	state      int
	externalID string
	// create and update are offsets from the version's time base (version
	// 5 on).
	create, update int64
	props          []propVal
}

var nodes = []nodeSpec{
	{id: 1, kind: kindArtifact, typeID: 1, uri: "/data/train", name: "train", state: int(mlmd.ArtifactStateLive), externalID: "art-train",
		create: 100, update: 150, props: []propVal{
			{"span", false, ival(7, 0)}, {"split", false, sval("train", 0)}, {"score", false, fval(0.25, 0)},
			{"config", false, structVal(7)}, {"note", true, sval("it's ✓ first", 0)},
		}},
	{id: 2, kind: kindArtifact, typeID: 1, uri: "/data/eval", name: "eval", state: int(mlmd.ArtifactStatePending),
		create: 101, update: 101, props: []propVal{
			{"span", false, ival(8, 0)}, {"split", false, sval("eval", 0)},
			{"weight", true, fval(1.5, 0)}, {"count", true, ival(-3, 0)},
		}},
	// Everything optional left unset.
	{id: 3, kind: kindArtifact, typeID: 1, create: 102, update: 102},
	{id: 4, kind: kindArtifact, typeID: 5, since: 6, uri: "/models/m1", name: "model-1", state: int(mlmd.ArtifactStateLive),
		create: 110, update: 120, props: []propVal{
			{"framework", false, sval("tf", 0)}, {"summary", true, structVal(7)},
		}},

	{id: 1, kind: kindExecution, typeID: 2, name: "train-1", state: int(mlmd.ExecutionStateComplete), externalID: "exe-train-1",
		create: 200, update: 260, props: []propVal{
			{"steps", false, ival(100, 0)}, {"lr", false, fval(0.01, 0)}, {"tag", true, sval("nightly", 0)},
			// The limits of int_value, an INT column at every version.
			{"max", true, ival(math.MaxInt32, 0)}, {"min", true, ival(math.MinInt32, 0)},
		}},
	{id: 2, kind: kindExecution, typeID: 2, state: int(mlmd.ExecutionStateFailed),
		create: 201, update: 202, props: []propVal{{"attempt", true, ival(2, 0)}}},

	{id: 1, kind: kindContext, typeID: 3, since: 3, name: "pipeline-a", externalID: "ctx-pipeline-a",
		create: 300, update: 300, props: []propVal{
			{"owner", false, sval("alice", 0)}, {"priority", true, ival(2, 0)},
			// Longer than MySQL's TEXT: string values are MEDIUMTEXT there
			// from version 7.
			{"notes", true, sval(longString, 7)},
		}},
	{id: 2, kind: kindContext, typeID: 3, since: 3, name: "run-1", create: 301, update: 305,
		props: []propVal{{"score", true, fval(0.75, 0)}}},
	{id: 3, kind: kindContext, typeID: 3, since: 6, name: "run-2", create: 302, update: 302},
}

type eventSpec struct {
	id            int64
	artifact, exe int64
	t             mlmd.EventType
	since         int
	millis        int64 // offset from the event time base; -1 for NULL
	path          []mlmd.Step
}

var events = []eventSpec{
	{id: 1, artifact: 1, exe: 1, t: mlmd.EventInput, millis: 10, path: []mlmd.Step{mlmd.KeyStep("examples"), mlmd.IndexStep(0)}},
	{id: 2, artifact: 2, exe: 1, t: mlmd.EventInput, millis: 11, path: []mlmd.Step{mlmd.KeyStep("examples"), mlmd.IndexStep(1)}},
	{id: 3, artifact: 3, exe: 1, t: mlmd.EventOutput, millis: 12, path: []mlmd.Step{mlmd.KeyStep("model")}},
	{id: 4, artifact: 1, exe: 2, t: mlmd.EventInput, millis: -1},
	{id: 5, artifact: 4, exe: 1, t: mlmd.EventDeclaredOutput, since: 6, millis: 13, path: []mlmd.Step{mlmd.IndexStep(5)}},
}

type link struct {
	a, b  int64 // context and node; child and parent for ParentContext
	since int
}

var (
	// Attribution ids and Association ids are their positions (from 1).
	attributions   = []link{{1, 1, 4}, {1, 2, 4}, {2, 3, 4}, {3, 4, 6}}
	associations   = []link{{1, 1, 4}, {2, 1, 4}, {2, 2, 4}}
	parentContexts = []link{{2, 1, 6}, {3, 1, 6}}
)

// timeBase is the start of node times at version v on engine e: a
// realistic epoch in milliseconds, except where MLMD's PostgreSQL
// version-9 rebuild made node times INT, which holds only small values.
func timeBase(e Engine, v int) int64 {
	if e == Postgres && v >= 9 {
		return 1_700_000
	}
	return 1_700_000_000_000
}

// eventBase is the start of event times (BIGINT, or SQLite's 64-bit INT,
// at every version).
const eventBase = 1_700_000_000_000

// storedValue returns the column and SQL value that MLMD writes for a
// property value before version 10: structs are strings with a prefix.
func storedValue(v mlmd.Value) (col string, val any) {
	switch v.Type() {
	case mlmd.PropertyInt:
		return "int_value", v.AsInt()
	case mlmd.PropertyDouble:
		return "double_value", v.AsDouble()
	case mlmd.PropertyString:
		return "string_value", v.AsString()
	case mlmd.PropertyStruct:
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(v.AsStruct())
		if err != nil {
			panic(err)
		}
		return "string_value", "mlmd-struct::" + base64.StdEncoding.EncodeToString(b)
	}
	panic(fmt.Sprintf("mlmdfixture: no pre-10 column for %v values", v.Type()))
}
