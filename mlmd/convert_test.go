package mlmd

import (
	"context"
	"encoding/base64"
	"errors"
	"math"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

func mustStruct(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustAny(t *testing.T, m proto.Message) *anypb.Any {
	t.Helper()
	a, err := anypb.New(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestValueRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		v      Value
		column driver.PropertyColumn
	}{
		{"int", IntValue(-42), driver.ColumnInt},
		{"int max", IntValue(math.MaxInt64), driver.ColumnInt},
		{"double", DoubleValue(3.25), driver.ColumnDouble},
		{"double negative zero", DoubleValue(math.Copysign(0, -1)), driver.ColumnDouble},
		{"string", StringValue("héllo"), driver.ColumnString},
		{"empty string", StringValue(""), driver.ColumnString},
		{"bool true", BoolValue(true), driver.ColumnBool},
		{"bool false", BoolValue(false), driver.ColumnBool},
		{"struct", StructValue(mustStruct(t, map[string]any{"a": 1.5, "b": []any{"x", true}, "c": map[string]any{"d": nil}})), driver.ColumnString},
		{"empty struct", StructValue(nil), driver.ColumnString},
		{"proto", ProtoValue(mustAny(t, wrapperspb.String("payload"))), driver.ColumnProto},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := checkValue(tt.v); err != nil {
				t.Fatalf("checkValue: %v", err)
			}
			r, err := encodeValue(tt.v)
			if err != nil {
				t.Fatalf("encodeValue: %v", err)
			}
			if r.Column != tt.column {
				t.Errorf("column = %d, want %d", r.Column, tt.column)
			}
			got, err := decodeValue(r)
			if err != nil {
				t.Fatalf("decodeValue: %v", err)
			}
			if !got.Equal(tt.v) {
				t.Errorf("round trip: got %v, want %v", got, tt.v)
			}
		})
	}
}

// TestStructEncodingIsMLMDs checks the stored form of a struct against
// MLMD's: the prefix "mlmd-struct::" and the standard base64 of the
// serialized message, in string_value.
func TestStructEncodingIsMLMDs(t *testing.T) {
	st := mustStruct(t, map[string]any{"k": "v"})
	r, err := encodeValue(StructValue(st))
	if err != nil {
		t.Fatal(err)
	}
	rest, ok := strings.CutPrefix(r.String, "mlmd-struct::")
	if !ok {
		t.Fatalf("string_value %q lacks the struct prefix", r.String)
	}
	b, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		t.Fatalf("not standard base64: %v", err)
	}
	var back structpb.Struct
	if err := proto.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(&back, st) {
		t.Errorf("decoded %v, want %v", &back, st)
	}

	// A value written by MLMD (serialized by another library) reads back.
	other, _ := proto.Marshal(mustStruct(t, map[string]any{"n": 7.0}))
	v, err := decodeValue(driver.PropertyRow{Column: driver.ColumnString, String: "mlmd-struct::" + base64.StdEncoding.EncodeToString(other)})
	if err != nil {
		t.Fatal(err)
	}
	if v.Type() != PropertyStruct || v.AsStruct().Fields["n"].GetNumberValue() != 7 {
		t.Errorf("decoded %v, want struct {n: 7}", v)
	}
}

// TestProtoEncodingIsMLMDs checks that a proto value is stored as the
// standard base64 text of the serialized Any, in proto_value.
func TestProtoEncodingIsMLMDs(t *testing.T) {
	a := mustAny(t, wrapperspb.Int64(9))
	r, err := encodeValue(ProtoValue(a))
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(string(r.Bytes))
	if err != nil {
		t.Fatalf("proto_value is not standard base64: %v", err)
	}
	var back anypb.Any
	if err := proto.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(&back, a) {
		t.Errorf("decoded %v, want %v", &back, a)
	}
}

func TestDecodeValueOddRows(t *testing.T) {
	// A string with the struct prefix that does not decode stays a string.
	v, err := decodeValue(driver.PropertyRow{Column: driver.ColumnString, String: "mlmd-struct::not base64!"})
	if err != nil || v.Type() != PropertyString || v.AsString() != "mlmd-struct::not base64!" {
		t.Errorf("got %v, %v; want the string back", v, err)
	}
	bad := []struct {
		name string
		r    driver.PropertyRow
	}{
		{"no column", driver.PropertyRow{Name: "p"}},
		{"proto not base64", driver.PropertyRow{Name: "p", Column: driver.ColumnProto, Bytes: []byte("%%%")}},
		{"proto without type url", driver.PropertyRow{Name: "p", Column: driver.ColumnProto, Bytes: []byte(base64.StdEncoding.EncodeToString(nil))}},
		{"proto garbage", driver.PropertyRow{Name: "p", Column: driver.ColumnProto, Bytes: []byte(base64.StdEncoding.EncodeToString([]byte{0xff, 0xff}))}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeValue(tt.r); errcode.Of(err) != errcode.Internal {
				t.Errorf("err = %v, want Internal", err)
			}
		})
	}
}

func TestCheckValueRejects(t *testing.T) {
	tests := []struct {
		name string
		v    Value
	}{
		{"unset", Value{}},
		{"NaN", DoubleValue(math.NaN())},
		{"+Inf", DoubleValue(math.Inf(1))},
		{"-Inf", DoubleValue(math.Inf(-1))},
		{"proto without type url", ProtoValue(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := checkValue(tt.v); errcode.Of(err) != errcode.InvalidArgument {
				t.Errorf("checkValue(%v) = %v, want InvalidArgument", tt.v, err)
			}
		})
	}
}

func TestStructEncodingIsDeterministic(t *testing.T) {
	m := map[string]any{}
	for _, k := range strings.Split("a b c d e f g h i j k l m n o p", " ") {
		m[k] = k
	}
	first, err := encodeValue(StructValue(mustStruct(t, m)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		r, _ := encodeValue(StructValue(mustStruct(t, m)))
		if r.String != first.String {
			t.Fatalf("encoding %d differs: %q vs %q", i, r.String, first.String)
		}
	}
}

func TestNodeRowRoundTrip(t *testing.T) {
	n := node{ID: 7, TypeID: 3, Name: "n", URI: "u", ExternalID: "x", State: 2,
		Props:      Properties{"a": IntValue(1), "s": StructValue(mustStruct(t, map[string]any{"z": "y"}))},
		Custom:     Properties{"a": StringValue("custom a"), "b": BoolValue(true)},
		CreateTime: 10, UpdateTime: 20}
	r, err := n.row(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Properties) != 4 {
		t.Fatalf("got %d property rows, want 4", len(r.Properties))
	}
	r.TypeName = "T"
	back, err := nodeFromRow(r)
	if err != nil {
		t.Fatal(err)
	}
	if back.TypeName != "T" || back.Name != n.Name || back.URI != n.URI || back.ExternalID != n.ExternalID ||
		back.State != n.State || back.CreateTime != n.CreateTime || back.UpdateTime != n.UpdateTime {
		t.Errorf("fields: got %+v, want %+v", back, n)
	}
	for _, c := range []struct {
		got, want Properties
	}{{back.Props, n.Props}, {back.Custom, n.Custom}} {
		if len(c.got) != len(c.want) {
			t.Errorf("got %v, want %v", c.got, c.want)
		}
		for k, v := range c.want {
			if !c.got[k].Equal(v) {
				t.Errorf("%s: got %v, want %v", k, c.got[k], v)
			}
		}
	}
}

func TestEventRowRoundTrip(t *testing.T) {
	e := Event{ArtifactID: 1, ExecutionID: 2, Type: EventOutput, MillisecondsSinceEpoch: 99,
		Path: []Step{KeyStep("out"), IndexStep(3), KeyStep("")}}
	back := eventFromRow(eventRow(e))
	if back.ArtifactID != 1 || back.ExecutionID != 2 || back.Type != EventOutput || back.MillisecondsSinceEpoch != 99 {
		t.Errorf("got %+v", back)
	}
	if len(back.Path) != 3 || back.Path[0] != KeyStep("out") || back.Path[1] != IndexStep(3) || back.Path[2] != KeyStep("") {
		t.Errorf("path: got %v, want %v", back.Path, e.Path)
	}
}

// TestNodesFromRowsStopsWhenCancelled decodes many node rows: with a
// cancelled context it returns the context's error and no nodes; otherwise
// every row, in order.
func TestNodesFromRowsStopsWhenCancelled(t *testing.T) {
	rows := make([]driver.NodeRow, 5*checkEvery+1)
	for i := range rows {
		rows[i] = driver.NodeRow{ID: int64(i + 1), TypeID: 1, Properties: []driver.PropertyRow{
			{NodeID: int64(i + 1), Name: "n", Column: driver.ColumnInt, Int: int64(i)},
			{NodeID: int64(i + 1), Name: "note", IsCustom: true, Column: driver.ColumnString, String: "x"},
		}}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if ns, err := nodesFromRows(ctx, rows); !errors.Is(err, context.Canceled) || ns != nil {
		t.Errorf("cancelled: %d nodes, error %v; want none and %v", len(ns), err, context.Canceled)
	}
	ns, err := nodesFromRows(t.Context(), rows)
	if err != nil || len(ns) != len(rows) {
		t.Fatalf("%d nodes, error %v; want %d", len(ns), err, len(rows))
	}
	if last := ns[len(ns)-1]; last.ID != int64(len(rows)) || last.Props["n"].AsInt() != int64(len(rows)-1) || last.Custom["note"].AsString() != "x" {
		t.Errorf("last node %+v", last)
	}
}
