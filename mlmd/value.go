package mlmd

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// PropertyType is the kind of value a property holds. The numeric values are
// those of MLMD's PropertyType enum, which is also what the TypeProperty
// table stores.
type PropertyType int32

// The property types.
const (
	PropertyUnknown PropertyType = 0
	PropertyInt     PropertyType = 1
	PropertyDouble  PropertyType = 2
	PropertyString  PropertyType = 3
	PropertyStruct  PropertyType = 4
	PropertyProto   PropertyType = 5
	PropertyBool    PropertyType = 6
)

// String returns MLMD's name of the property type, e.g. "INT".
func (t PropertyType) String() string {
	switch t {
	case PropertyUnknown:
		return "UNKNOWN"
	case PropertyInt:
		return "INT"
	case PropertyDouble:
		return "DOUBLE"
	case PropertyString:
		return "STRING"
	case PropertyStruct:
		return "STRUCT"
	case PropertyProto:
		return "PROTO"
	case PropertyBool:
		return "BOOLEAN"
	}
	return fmt.Sprintf("PropertyType(%d)", int32(t))
}

// Value is a property value: exactly one of an int64, a float64, a string,
// a bool, a google.protobuf.Struct or a google.protobuf.Any, like MLMD's
// Value message. The zero Value holds nothing (its Type is PropertyUnknown)
// and is rejected by the Put methods.
//
// Build values with IntValue, DoubleValue, StringValue, BoolValue,
// StructValue and ProtoValue, and read them with the As methods.
type Value struct {
	kind PropertyType
	i    int64
	d    float64
	s    string
	st   *structpb.Struct
	p    *anypb.Any
}

// IntValue returns a Value holding v.
func IntValue(v int64) Value { return Value{kind: PropertyInt, i: v} }

// DoubleValue returns a Value holding v.
func DoubleValue(v float64) Value { return Value{kind: PropertyDouble, d: v} }

// StringValue returns a Value holding v.
func StringValue(v string) Value { return Value{kind: PropertyString, s: v} }

// BoolValue returns a Value holding v.
func BoolValue(v bool) Value {
	var i int64
	if v {
		i = 1
	}
	return Value{kind: PropertyBool, i: i}
}

// StructValue returns a Value holding v. A nil v is stored as an empty Struct.
func StructValue(v *structpb.Struct) Value {
	if v == nil {
		v = &structpb.Struct{}
	}
	return Value{kind: PropertyStruct, st: v}
}

// ProtoValue returns a Value holding v. A nil v is stored as an empty Any.
func ProtoValue(v *anypb.Any) Value {
	if v == nil {
		v = &anypb.Any{}
	}
	return Value{kind: PropertyProto, p: v}
}

// Type reports which kind of value v holds; PropertyUnknown for the zero Value.
func (v Value) Type() PropertyType { return v.kind }

// IsZero reports whether v holds nothing.
func (v Value) IsZero() bool { return v.kind == PropertyUnknown }

// AsInt returns the int64 held by v, and 0 if v holds another kind.
func (v Value) AsInt() int64 {
	if v.kind != PropertyInt {
		return 0
	}
	return v.i
}

// AsDouble returns the float64 held by v, and 0 if v holds another kind.
func (v Value) AsDouble() float64 {
	if v.kind != PropertyDouble {
		return 0
	}
	return v.d
}

// AsString returns the string held by v, and "" if v holds another kind.
func (v Value) AsString() string {
	if v.kind != PropertyString {
		return ""
	}
	return v.s
}

// AsBool returns the bool held by v, and false if v holds another kind.
func (v Value) AsBool() bool { return v.kind == PropertyBool && v.i != 0 }

// AsStruct returns the Struct held by v, and nil if v holds another kind.
// The caller must not modify it.
func (v Value) AsStruct() *structpb.Struct {
	if v.kind != PropertyStruct {
		return nil
	}
	return v.st
}

// AsProto returns the Any held by v, and nil if v holds another kind.
// The caller must not modify it.
func (v Value) AsProto() *anypb.Any {
	if v.kind != PropertyProto {
		return nil
	}
	return v.p
}

// Equal reports whether v and w hold the same kind and the same value.
// Doubles compare by bit pattern, so NaN equals NaN; structs and protos
// compare with proto.Equal.
func (v Value) Equal(w Value) bool {
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case PropertyInt, PropertyBool:
		return v.i == w.i
	case PropertyDouble:
		return math.Float64bits(v.d) == math.Float64bits(w.d)
	case PropertyString:
		return v.s == w.s
	case PropertyStruct:
		return proto.Equal(v.st, w.st)
	case PropertyProto:
		return proto.Equal(v.p, w.p)
	}
	return true
}

// String formats v for people, e.g. "int:5" or "string:\"x\"".
func (v Value) String() string {
	switch v.kind {
	case PropertyInt:
		return fmt.Sprintf("int:%d", v.i)
	case PropertyDouble:
		return fmt.Sprintf("double:%v", v.d)
	case PropertyString:
		return fmt.Sprintf("string:%q", v.s)
	case PropertyBool:
		return fmt.Sprintf("bool:%t", v.i != 0)
	case PropertyStruct:
		b, _ := v.st.MarshalJSON()
		return "struct:" + string(b)
	case PropertyProto:
		return "proto:" + v.p.GetTypeUrl()
	}
	return "<unset>"
}

// Properties maps property names to values.
type Properties map[string]Value

// Clone returns a copy of p (the struct and proto messages are shared).
func (p Properties) Clone() Properties {
	if p == nil {
		return nil
	}
	c := make(Properties, len(p))
	for k, v := range p {
		c[k] = v
	}
	return c
}
