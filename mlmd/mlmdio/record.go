// Package mlmdio exports a whole ML Metadata store as a portable stream
// of JSON lines, and imports such a stream into an empty store of any
// backend, with new ids and the lineage intact. It works over the public
// mlmd API only, so it moves stores between SQLite, MySQL/MariaDB and any
// other backend, and serves as a backup format.
//
// The format (one JSON object per line, a header first and an end record
// last) is described in docs/export.md. Export pages through the store's
// listings and Import writes in batches, so memory stays bounded by a
// page or a batch, plus, on import, one id mapping entry per node.
package mlmdio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Format is the value of the header's "format" field.
const Format = "gomlmd-export"

// FormatVersion is the version of the format this package writes. Import
// reads this version only.
const FormatVersion = 1

// The record kinds, the value of every line's "kind" field, in stream
// order.
const (
	KindHeader        = "header"
	KindArtifactType  = "artifact_type"
	KindExecutionType = "execution_type"
	KindContextType   = "context_type"
	KindArtifact      = "artifact"
	KindExecution     = "execution"
	KindContext       = "context"
	KindEvent         = "event"
	KindAttribution   = "attribution"
	KindAssociation   = "association"
	KindParentContext = "parent_context"
	KindEnd           = "end"
)

// knownKinds are the record kinds other than the header and the end.
var knownKinds = map[string]bool{
	KindArtifactType: true, KindExecutionType: true, KindContextType: true,
	KindArtifact: true, KindExecution: true, KindContext: true,
	KindEvent: true, KindAttribution: true, KindAssociation: true, KindParentContext: true,
}

// record is one line of the stream. Which fields are set depends on Kind;
// docs/export.md lists them per kind.
type record struct {
	Kind string `json:"kind"`

	// header
	Format        string `json:"format,omitempty"`
	FormatVersion int    `json:"format_version,omitempty"`
	SchemaVersion int    `json:"schema_version,omitempty"`
	CreatedAt     string `json:"created_at,omitempty"`

	// types and nodes
	ID         int64  `json:"id,omitempty"`
	Name       string `json:"name,omitempty"`
	ExternalID string `json:"external_id,omitempty"`

	// types
	Version       string            `json:"version,omitempty"`
	Description   string            `json:"description,omitempty"`
	PropertyTypes map[string]string `json:"property_types,omitempty"`
	BaseType      int32             `json:"base_type,omitempty"`
	InputType     string            `json:"input_type,omitempty"`
	OutputType    string            `json:"output_type,omitempty"`

	// nodes
	TypeID           int64            `json:"type_id,omitempty"`
	Type             string           `json:"type,omitempty"`
	URI              string           `json:"uri,omitempty"`
	State            string           `json:"state,omitempty"`
	Properties       map[string]value `json:"properties,omitempty"`
	CustomProperties map[string]value `json:"custom_properties,omitempty"`
	CreateTime       int64            `json:"create_time_since_epoch,omitempty"`
	UpdateTime       int64            `json:"last_update_time_since_epoch,omitempty"`

	// edges
	ArtifactID  int64  `json:"artifact_id,omitempty"`
	ExecutionID int64  `json:"execution_id,omitempty"`
	ContextID   int64  `json:"context_id,omitempty"`
	ChildID     int64  `json:"child_id,omitempty"`
	ParentID    int64  `json:"parent_id,omitempty"`
	EventType   string `json:"event_type,omitempty"`
	Path        []step `json:"path,omitempty"`
	Time        int64  `json:"milliseconds_since_epoch,omitempty"`

	// end
	Counts map[string]int64 `json:"counts,omitempty"`
}

// step is one step of an event path: {"index": 3} or {"key": "k"}.
type step struct {
	Index *int64  `json:"index,omitempty"`
	Key   *string `json:"key,omitempty"`
}

func stepsToRecord(p []mlmd.Step) []step {
	if len(p) == 0 {
		return nil
	}
	out := make([]step, len(p))
	for i, s := range p {
		if s.IsKey {
			k := s.Key
			out[i].Key = &k
		} else {
			n := s.Index
			out[i].Index = &n
		}
	}
	return out
}

func stepsFromRecord(p []step) ([]mlmd.Step, error) {
	if len(p) == 0 {
		return nil, nil
	}
	out := make([]mlmd.Step, len(p))
	for i, s := range p {
		switch {
		case s.Index != nil && s.Key == nil:
			out[i] = mlmd.IndexStep(*s.Index)
		case s.Key != nil && s.Index == nil:
			out[i] = mlmd.KeyStep(*s.Key)
		default:
			return nil, fmt.Errorf("path step %d: want exactly one of index and key", i)
		}
	}
	return out, nil
}

// value is a property value on the wire: an object with exactly one of
// int (a decimal string, as protobuf JSON writes int64), double (a number,
// or "NaN", "Infinity", "-Infinity"), string, bool, struct (the
// google.protobuf.Struct's JSON) and proto ({"type_url", "value": base64}).
type value struct{ v mlmd.Value }

type wireValue struct {
	Int    *string          `json:"int,omitempty"`
	Double json.RawMessage  `json:"double,omitempty"`
	String *string          `json:"string,omitempty"`
	Bool   *bool            `json:"bool,omitempty"`
	Struct json.RawMessage  `json:"struct,omitempty"`
	Proto  *wireProtoAnyRef `json:"proto,omitempty"`
}

type wireProtoAnyRef struct {
	TypeURL string `json:"type_url"`
	Value   []byte `json:"value"`
}

// MarshalJSON implements json.Marshaler.
func (v value) MarshalJSON() ([]byte, error) {
	var w wireValue
	switch v.v.Type() {
	case mlmd.PropertyInt:
		s := strconv.FormatInt(v.v.AsInt(), 10)
		w.Int = &s
	case mlmd.PropertyDouble:
		d := v.v.AsDouble()
		switch {
		case math.IsNaN(d):
			w.Double = json.RawMessage(`"NaN"`)
		case math.IsInf(d, 1):
			w.Double = json.RawMessage(`"Infinity"`)
		case math.IsInf(d, -1):
			w.Double = json.RawMessage(`"-Infinity"`)
		default:
			w.Double = json.RawMessage(strconv.FormatFloat(d, 'g', -1, 64))
		}
	case mlmd.PropertyString:
		s := v.v.AsString()
		w.String = &s
	case mlmd.PropertyBool:
		b := v.v.AsBool()
		w.Bool = &b
	case mlmd.PropertyStruct:
		b, err := protojson.Marshal(v.v.AsStruct())
		if err != nil {
			return nil, fmt.Errorf("struct value: %w", err)
		}
		w.Struct = b
	case mlmd.PropertyProto:
		a := v.v.AsProto()
		w.Proto = &wireProtoAnyRef{TypeURL: a.GetTypeUrl(), Value: a.GetValue()}
	default:
		return nil, fmt.Errorf("value of type %v cannot be exported", v.v.Type())
	}
	return json.Marshal(w)
}

// UnmarshalJSON implements json.Unmarshaler.
func (v *value) UnmarshalJSON(b []byte) error {
	var w wireValue
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	n := 0
	if w.Int != nil {
		i, err := strconv.ParseInt(*w.Int, 10, 64)
		if err != nil {
			return fmt.Errorf("int value %q: %w", *w.Int, err)
		}
		v.v, n = mlmd.IntValue(i), n+1
	}
	if w.Double != nil {
		d, err := parseDouble(w.Double)
		if err != nil {
			return err
		}
		v.v, n = mlmd.DoubleValue(d), n+1
	}
	if w.String != nil {
		v.v, n = mlmd.StringValue(*w.String), n+1
	}
	if w.Bool != nil {
		v.v, n = mlmd.BoolValue(*w.Bool), n+1
	}
	if w.Struct != nil {
		st := &structpb.Struct{}
		if err := protojson.Unmarshal(w.Struct, st); err != nil {
			return fmt.Errorf("struct value: %w", err)
		}
		v.v, n = mlmd.StructValue(st), n+1
	}
	if w.Proto != nil {
		v.v, n = mlmd.ProtoValue(&anypb.Any{TypeUrl: w.Proto.TypeURL, Value: w.Proto.Value}), n+1
	}
	if n != 1 {
		return fmt.Errorf("a value must have exactly one of int, double, string, bool, struct, proto; got %s", b)
	}
	return nil
}

func parseDouble(raw json.RawMessage) (float64, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		return 0, fmt.Errorf("double value %q: want a number, NaN, Infinity or -Infinity", s)
	}
	var d float64
	if err := json.Unmarshal(raw, &d); err != nil {
		return 0, fmt.Errorf("double value %s: %w", raw, err)
	}
	return d, nil
}

func propsToRecord(p mlmd.Properties) map[string]value {
	if len(p) == 0 {
		return nil
	}
	out := make(map[string]value, len(p))
	for k, v := range p {
		out[k] = value{v}
	}
	return out
}

func propsFromRecord(p map[string]value) mlmd.Properties {
	if len(p) == 0 {
		return nil
	}
	out := make(mlmd.Properties, len(p))
	for k, v := range p {
		out[k] = v.v
	}
	return out
}

func propertyTypesToRecord(p map[string]mlmd.PropertyType) map[string]string {
	if len(p) == 0 {
		return nil
	}
	out := make(map[string]string, len(p))
	for k, t := range p {
		out[k] = t.String()
	}
	return out
}

func propertyTypesFromRecord(p map[string]string) (map[string]mlmd.PropertyType, error) {
	if len(p) == 0 {
		return nil, nil
	}
	out := make(map[string]mlmd.PropertyType, len(p))
	for k, name := range p {
		t, ok := lookupName(name, 7, func(i int) string { return mlmd.PropertyType(i).String() })
		if !ok {
			return nil, fmt.Errorf("property %q: unknown property type %q", k, name)
		}
		out[k] = mlmd.PropertyType(t)
	}
	return out, nil
}

// lookupName finds the enum value in 0..n-1 whose name is name. An empty
// name is value 0.
func lookupName(name string, n int, nameOf func(int) string) (int, bool) {
	if name == "" {
		return 0, true
	}
	for i := range n {
		if nameOf(i) == name {
			return i, true
		}
	}
	return 0, false
}

func artifactState(name string) (mlmd.ArtifactState, error) {
	i, ok := lookupName(name, 7, func(i int) string { return mlmd.ArtifactState(i).String() })
	if !ok {
		return 0, fmt.Errorf("unknown artifact state %q", name)
	}
	return mlmd.ArtifactState(i), nil
}

func executionState(name string) (mlmd.ExecutionState, error) {
	i, ok := lookupName(name, 7, func(i int) string { return mlmd.ExecutionState(i).String() })
	if !ok {
		return 0, fmt.Errorf("unknown execution state %q", name)
	}
	return mlmd.ExecutionState(i), nil
}

func eventType(name string) (mlmd.EventType, error) {
	i, ok := lookupName(name, 8, func(i int) string { return mlmd.EventType(i).String() })
	if !ok {
		return 0, fmt.Errorf("unknown event type %q", name)
	}
	return mlmd.EventType(i), nil
}

// enumName returns the name of a non-zero enum value, and "" for 0, which
// the stream leaves out.
func enumName(i int32, s fmt.Stringer) string {
	if i == 0 {
		return ""
	}
	return s.String()
}

// streamError is an InvalidArgument error about line n of the stream.
func streamError(line int, format string, args ...any) error {
	return errcode.New(errcode.InvalidArgument, "mlmdio: line %d: %s", line, fmt.Sprintf(format, args...))
}
