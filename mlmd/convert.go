package mlmd

// Conversions between the domain types and the driver's rows, and the
// encoding of property values as MLMD stores them.

import (
	"encoding/base64"
	"math"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// structPrefix marks a string_value that holds a serialized
// google.protobuf.Struct: MLMD stores structs as this prefix followed by
// the standard base64 encoding of the serialized message.
const structPrefix = "mlmd-struct::"

// checkValue reports whether v may be stored: it must hold a value, a
// double must be finite (SQL databases cannot store NaN or infinities),
// and a proto must name its message type.
func checkValue(v Value) error {
	switch v.kind {
	case PropertyUnknown:
		return errcode.New(errcode.InvalidArgument, "value is unset")
	case PropertyDouble:
		if math.IsNaN(v.d) || math.IsInf(v.d, 0) {
			return errcode.New(errcode.InvalidArgument, "double value %v cannot be stored", v.d)
		}
	case PropertyProto:
		if v.p.GetTypeUrl() == "" {
			return errcode.New(errcode.InvalidArgument, "proto value has an empty type_url")
		}
	case PropertyInt, PropertyString, PropertyBool, PropertyStruct:
	default:
		return errcode.New(errcode.InvalidArgument, "unknown value kind %d", int32(v.kind))
	}
	return nil
}

// checkProperties checks every value of p; what names the offending
// property in the message ("properties" or "custom_properties").
func checkProperties(what string, p Properties) error {
	for name, v := range p {
		if err := checkValue(v); err != nil {
			return errcode.Annotate(err, "%s[%q]", what, name)
		}
	}
	return nil
}

// encodeValue returns the property row that stores v (NodeID, Name and
// IsCustom are left for the caller). v must have passed checkValue.
func encodeValue(v Value) (driver.PropertyRow, error) {
	var r driver.PropertyRow
	switch v.kind {
	case PropertyInt:
		r.Column, r.Int = driver.ColumnInt, v.i
	case PropertyDouble:
		r.Column, r.Double = driver.ColumnDouble, v.d
	case PropertyString:
		r.Column, r.String = driver.ColumnString, v.s
	case PropertyBool:
		r.Column, r.Bool = driver.ColumnBool, v.i != 0
	case PropertyStruct:
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(v.st)
		if err != nil {
			return r, errcode.Wrap(errcode.InvalidArgument, err, "cannot serialize struct value")
		}
		r.Column, r.String = driver.ColumnString, structPrefix+base64.StdEncoding.EncodeToString(b)
	case PropertyProto:
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(v.p)
		if err != nil {
			return r, errcode.Wrap(errcode.InvalidArgument, err, "cannot serialize proto value")
		}
		enc := base64.StdEncoding.EncodeToString(b)
		r.Column, r.Bytes = driver.ColumnProto, []byte(enc)
	default:
		return r, errcode.New(errcode.InvalidArgument, "value is unset")
	}
	return r, nil
}

// decodeValue returns the value a property row stores.
//
// A string that starts with MLMD's struct prefix is read as a struct, as
// MLMD reads it; if the rest does not decode, the string is returned as it
// is rather than failing the read.
func decodeValue(r driver.PropertyRow) (Value, error) {
	switch r.Column {
	case driver.ColumnInt:
		return IntValue(r.Int), nil
	case driver.ColumnDouble:
		return DoubleValue(r.Double), nil
	case driver.ColumnBool:
		return BoolValue(r.Bool), nil
	case driver.ColumnString:
		if rest, ok := strings.CutPrefix(r.String, structPrefix); ok {
			if b, err := base64.StdEncoding.DecodeString(rest); err == nil {
				st := &structpb.Struct{}
				if err := proto.Unmarshal(b, st); err == nil {
					return StructValue(st), nil
				}
			}
		}
		return StringValue(r.String), nil
	case driver.ColumnProto:
		b, err := base64.StdEncoding.DecodeString(string(r.Bytes))
		if err != nil {
			return Value{}, errcode.Wrap(errcode.Internal, err, "property %q: proto_value is not base64", r.Name)
		}
		a := &anypb.Any{}
		if err := proto.Unmarshal(b, a); err != nil {
			return Value{}, errcode.Wrap(errcode.Internal, err, "property %q: proto_value does not parse", r.Name)
		}
		if a.GetTypeUrl() == "" {
			return Value{}, errcode.New(errcode.Internal, "property %q: stored proto_value has an empty type_url", r.Name)
		}
		return ProtoValue(a), nil
	}
	return Value{}, errcode.New(errcode.Internal, "property %q of node %d has no value", r.Name, r.NodeID)
}

// node is the kind-independent form of an Artifact, Execution or Context
// that the store's logic works on.
type node struct {
	ID         int64
	TypeID     int64
	TypeName   string
	Name       string
	URI        string
	ExternalID string
	State      int32
	Props      Properties
	Custom     Properties
	CreateTime int64
	UpdateTime int64
}

func artifactNode(a Artifact) node {
	return node{ID: a.ID, TypeID: a.TypeID, Name: a.Name, URI: a.URI, ExternalID: a.ExternalID,
		State: int32(a.State), Props: a.Properties, Custom: a.CustomProperties,
		CreateTime: a.CreateTimeSinceEpoch, UpdateTime: a.LastUpdateTimeSinceEpoch}
}

func executionNode(e Execution) node {
	return node{ID: e.ID, TypeID: e.TypeID, Name: e.Name, ExternalID: e.ExternalID,
		State: int32(e.LastKnownState), Props: e.Properties, Custom: e.CustomProperties,
		CreateTime: e.CreateTimeSinceEpoch, UpdateTime: e.LastUpdateTimeSinceEpoch}
}

func contextNode(c Context) node {
	return node{ID: c.ID, TypeID: c.TypeID, Name: c.Name, ExternalID: c.ExternalID,
		Props: c.Properties, Custom: c.CustomProperties,
		CreateTime: c.CreateTimeSinceEpoch, UpdateTime: c.LastUpdateTimeSinceEpoch}
}

func (n node) artifact() Artifact {
	return Artifact{ID: n.ID, TypeID: n.TypeID, Type: n.TypeName, Name: n.Name, URI: n.URI,
		ExternalID: n.ExternalID, State: ArtifactState(n.State), Properties: n.Props,
		CustomProperties: n.Custom, CreateTimeSinceEpoch: n.CreateTime, LastUpdateTimeSinceEpoch: n.UpdateTime}
}

func (n node) execution() Execution {
	return Execution{ID: n.ID, TypeID: n.TypeID, Type: n.TypeName, Name: n.Name,
		ExternalID: n.ExternalID, LastKnownState: ExecutionState(n.State), Properties: n.Props,
		CustomProperties: n.Custom, CreateTimeSinceEpoch: n.CreateTime, LastUpdateTimeSinceEpoch: n.UpdateTime}
}

func (n node) context() Context {
	return Context{ID: n.ID, TypeID: n.TypeID, Type: n.TypeName, Name: n.Name,
		ExternalID: n.ExternalID, Properties: n.Props, CustomProperties: n.Custom,
		CreateTimeSinceEpoch: n.CreateTime, LastUpdateTimeSinceEpoch: n.UpdateTime}
}

// mapSlice returns f applied to each element of xs; never nil.
func mapSlice[A, B any](xs []A, f func(A) B) []B {
	out := make([]B, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func toArtifacts(ns []node) []Artifact { return mapSlice(ns, node.artifact) }

func toExecutions(ns []node) []Execution { return mapSlice(ns, node.execution) }

func toContexts(ns []node) []Context { return mapSlice(ns, node.context) }

// nodeFromRow decodes a node row with its property rows.
func nodeFromRow(r driver.NodeRow) (node, error) {
	n := node{ID: r.ID, TypeID: r.TypeID, TypeName: r.TypeName, Name: r.Name, URI: r.URI,
		ExternalID: r.ExternalID, State: r.State, CreateTime: r.CreateTimeSinceEpoch,
		UpdateTime: r.LastUpdateTimeSinceEpoch}
	for _, p := range r.Properties {
		v, err := decodeValue(p)
		if err != nil {
			return node{}, err
		}
		if p.IsCustom {
			if n.Custom == nil {
				n.Custom = Properties{}
			}
			n.Custom[p.Name] = v
		} else {
			if n.Props == nil {
				n.Props = Properties{}
			}
			n.Props[p.Name] = v
		}
	}
	return n, nil
}

// propertyRow returns the row that stores property name of a node.
func propertyRow(nodeID int64, name string, v Value, custom bool) (driver.PropertyRow, error) {
	r, err := encodeValue(v)
	if err != nil {
		return r, errcode.Annotate(err, "property %q", name)
	}
	r.NodeID, r.Name, r.IsCustom = nodeID, name, custom
	return r, nil
}

// propertyRows appends the rows of props to out, for insertion.
func propertyRows(nodeID int64, props Properties, custom bool, out []driver.PropertyRow) ([]driver.PropertyRow, error) {
	for name, v := range props {
		r, err := propertyRow(nodeID, name, v, custom)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// row returns the node row for n, with its properties when withProps.
func (n node) row(withProps bool) (driver.NodeRow, error) {
	r := driver.NodeRow{ID: n.ID, TypeID: n.TypeID, Name: n.Name, URI: n.URI, ExternalID: n.ExternalID,
		State: n.State, CreateTimeSinceEpoch: n.CreateTime, LastUpdateTimeSinceEpoch: n.UpdateTime}
	if withProps {
		var err error
		if r.Properties, err = propertyRows(n.ID, n.Props, false, nil); err != nil {
			return r, err
		}
		if r.Properties, err = propertyRows(n.ID, n.Custom, true, r.Properties); err != nil {
			return r, err
		}
	}
	return r, nil
}

// Event conversions.

func eventRow(e Event) driver.EventRow {
	r := driver.EventRow{ArtifactID: e.ArtifactID, ExecutionID: e.ExecutionID, Type: int32(e.Type),
		MillisecondsSinceEpoch: e.MillisecondsSinceEpoch}
	if len(e.Path) > 0 {
		r.Path = make([]driver.StepRow, len(e.Path))
		for i, s := range e.Path {
			if s.IsKey {
				r.Path[i] = driver.StepRow{Key: s.Key}
			} else {
				r.Path[i] = driver.StepRow{IsIndex: true, Index: s.Index}
			}
		}
	}
	return r
}

func eventFromRow(r driver.EventRow) Event {
	e := Event{ArtifactID: r.ArtifactID, ExecutionID: r.ExecutionID, Type: EventType(r.Type),
		MillisecondsSinceEpoch: r.MillisecondsSinceEpoch}
	if len(r.Path) > 0 {
		e.Path = make([]Step, len(r.Path))
		for i, s := range r.Path {
			if s.IsIndex {
				e.Path[i] = IndexStep(s.Index)
			} else {
				e.Path[i] = KeyStep(s.Key)
			}
		}
	}
	return e
}

// dedupIDs returns the distinct ids of ids in their first order, leaving
// out ids that are not positive (never assigned by a database).
func dedupIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id <= 0 || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}
