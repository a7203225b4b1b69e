package server

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// allValues holds one property value of every kind, including edge cases.
func allValues(t *testing.T) map[string]*pb.Value {
	t.Helper()
	st, err := structpb.NewStruct(map[string]any{
		"name":   "train",
		"n":      3.0,
		"nested": map[string]any{"list": []any{1.0, "two", true, nil}},
	})
	if err != nil {
		t.Fatal(err)
	}
	any, err := anypb.New(&pb.Artifact{Id: proto.Int64(7), Uri: proto.String("gs://b/x")})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*pb.Value{
		"int":       {Value: &pb.Value_IntValue{IntValue: -42}},
		"int_max":   {Value: &pb.Value_IntValue{IntValue: math.MaxInt64}},
		"int_zero":  {Value: &pb.Value_IntValue{IntValue: 0}},
		"double":    {Value: &pb.Value_DoubleValue{DoubleValue: 2.5}},
		"double_0":  {Value: &pb.Value_DoubleValue{DoubleValue: 0}},
		"inf":       {Value: &pb.Value_DoubleValue{DoubleValue: math.Inf(-1)}},
		"string":    {Value: &pb.Value_StringValue{StringValue: "héllo\x00world"}},
		"empty_str": {Value: &pb.Value_StringValue{StringValue: ""}},
		"true":      {Value: &pb.Value_BoolValue{BoolValue: true}},
		"false":     {Value: &pb.Value_BoolValue{BoolValue: false}},
		"struct":    {Value: &pb.Value_StructValue{StructValue: st}},
		"empty_st":  {Value: &pb.Value_StructValue{StructValue: &structpb.Struct{}}},
		"proto":     {Value: &pb.Value_ProtoValue{ProtoValue: any}},
	}
}

func TestValueRoundTrip(t *testing.T) {
	for name, v := range allValues(t) {
		t.Run(name, func(t *testing.T) {
			got := valueToPB(valueFromPB(v))
			if !proto.Equal(got, v) {
				t.Errorf("round trip of %v gave %v", v, got)
			}
		})
	}
}

func TestValueKinds(t *testing.T) {
	vals := allValues(t)
	tests := []struct {
		key  string
		kind mlmd.PropertyType
	}{
		{"int", mlmd.PropertyInt},
		{"double", mlmd.PropertyDouble},
		{"string", mlmd.PropertyString},
		{"true", mlmd.PropertyBool},
		{"false", mlmd.PropertyBool},
		{"struct", mlmd.PropertyStruct},
		{"proto", mlmd.PropertyProto},
	}
	for _, tt := range tests {
		if got := valueFromPB(vals[tt.key]).Type(); got != tt.kind {
			t.Errorf("%s: kind %v, want %v", tt.key, got, tt.kind)
		}
	}
	if got := valueFromPB(vals["int"]).AsInt(); got != -42 {
		t.Errorf("int value %d, want -42", got)
	}
	if !valueFromPB(vals["true"]).AsBool() || valueFromPB(vals["false"]).AsBool() {
		t.Error("bool values did not survive")
	}
	// A Value with nothing set is the zero mlmd.Value (the store rejects it),
	// and the zero mlmd.Value is an empty message.
	if v := valueFromPB(&pb.Value{}); !v.IsZero() {
		t.Errorf("empty Value gave %v, want the zero Value", v)
	}
	if v := valueFromPB(nil); !v.IsZero() {
		t.Errorf("nil Value gave %v, want the zero Value", v)
	}
	if m := valueToPB(mlmd.Value{}); m.GetValue() != nil {
		t.Errorf("zero Value gave %v, want an empty message", m)
	}
}

func fullArtifact(t *testing.T) *pb.Artifact {
	return &pb.Artifact{
		Id:                       proto.Int64(12),
		Name:                     proto.String("model-1"),
		TypeId:                   proto.Int64(3),
		Type:                     proto.String("Model"),
		Uri:                      proto.String("gs://bucket/model"),
		ExternalId:               proto.String("ext-12"),
		Properties:               allValues(t),
		CustomProperties:         map[string]*pb.Value{"note": {Value: &pb.Value_StringValue{StringValue: "x"}}},
		State:                    pb.Artifact_LIVE.Enum(),
		CreateTimeSinceEpoch:     proto.Int64(1700000000000),
		LastUpdateTimeSinceEpoch: proto.Int64(1700000000001),
	}
}

func fullExecution(t *testing.T) *pb.Execution {
	return &pb.Execution{
		Id:                       proto.Int64(5),
		Name:                     proto.String("run-5"),
		TypeId:                   proto.Int64(4),
		Type:                     proto.String("Trainer"),
		ExternalId:               proto.String("exec-5"),
		LastKnownState:           pb.Execution_COMPLETE.Enum(),
		Properties:               allValues(t),
		CustomProperties:         map[string]*pb.Value{"outputs": allValues(t)["struct"]},
		CreateTimeSinceEpoch:     proto.Int64(1),
		LastUpdateTimeSinceEpoch: proto.Int64(2),
	}
}

func fullContext(t *testing.T) *pb.Context {
	return &pb.Context{
		Id:                       proto.Int64(9),
		Name:                     proto.String("pipeline-x"),
		TypeId:                   proto.Int64(2),
		Type:                     proto.String("system.Pipeline"),
		ExternalId:               proto.String("ctx-9"),
		Properties:               allValues(t),
		CustomProperties:         map[string]*pb.Value{"n": {Value: &pb.Value_IntValue{IntValue: 1}}},
		CreateTimeSinceEpoch:     proto.Int64(3),
		LastUpdateTimeSinceEpoch: proto.Int64(4),
	}
}

func allPropertyTypes() map[string]pb.PropertyType {
	return map[string]pb.PropertyType{
		"i": pb.PropertyType_INT, "d": pb.PropertyType_DOUBLE, "s": pb.PropertyType_STRING,
		"st": pb.PropertyType_STRUCT, "p": pb.PropertyType_PROTO, "b": pb.PropertyType_BOOLEAN,
		"u": pb.PropertyType_UNKNOWN,
	}
}

func TestNodeRoundTrips(t *testing.T) {
	tests := []struct {
		name string
		in   proto.Message
		conv func(proto.Message) proto.Message
	}{
		{"artifact full", fullArtifact(t), func(m proto.Message) proto.Message { return artifactToPB(artifactFromPB(m.(*pb.Artifact))) }},
		{"artifact minimal", &pb.Artifact{TypeId: proto.Int64(1)}, func(m proto.Message) proto.Message { return artifactToPB(artifactFromPB(m.(*pb.Artifact))) }},
		{"execution full", fullExecution(t), func(m proto.Message) proto.Message { return executionToPB(executionFromPB(m.(*pb.Execution))) }},
		{"execution minimal", &pb.Execution{TypeId: proto.Int64(1)}, func(m proto.Message) proto.Message { return executionToPB(executionFromPB(m.(*pb.Execution))) }},
		{"context full", fullContext(t), func(m proto.Message) proto.Message { return contextToPB(contextFromPB(m.(*pb.Context))) }},
		{"context minimal", &pb.Context{TypeId: proto.Int64(1), Name: proto.String("c")}, func(m proto.Message) proto.Message { return contextToPB(contextFromPB(m.(*pb.Context))) }},
		{"artifact type", &pb.ArtifactType{
			Id: proto.Int64(1), Name: proto.String("DataSet"), Version: proto.String("v1"),
			Description: proto.String("d"), ExternalId: proto.String("e"),
			Properties: allPropertyTypes(), BaseType: pb.ArtifactType_STATISTICS.Enum(),
		}, func(m proto.Message) proto.Message { return artifactTypeToPB(artifactTypeFromPB(m.(*pb.ArtifactType))) }},
		{"artifact type minimal", &pb.ArtifactType{Name: proto.String("T")},
			func(m proto.Message) proto.Message { return artifactTypeToPB(artifactTypeFromPB(m.(*pb.ArtifactType))) }},
		{"context type", &pb.ContextType{
			Id: proto.Int64(1), Name: proto.String("Run"), Version: proto.String("2"),
			Description: proto.String("d"), ExternalId: proto.String("e"), Properties: allPropertyTypes(),
		}, func(m proto.Message) proto.Message { return contextTypeToPB(contextTypeFromPB(m.(*pb.ContextType))) }},
		{"execution type", &pb.ExecutionType{
			Id: proto.Int64(1), Name: proto.String("Trainer"), Version: proto.String("1"),
			Description: proto.String("d"), ExternalId: proto.String("e"), Properties: allPropertyTypes(),
			BaseType: pb.ExecutionType_DEPLOY.Enum(),
			InputType: &pb.ArtifactStructType{Kind: &pb.ArtifactStructType_Dict{Dict: &pb.DictArtifactStructType{
				Properties: map[string]*pb.ArtifactStructType{
					"examples": {Kind: &pb.ArtifactStructType_Simple{Simple: &pb.ArtifactType{Name: proto.String("Examples")}}},
					"any":      {Kind: &pb.ArtifactStructType_Any{Any: &pb.AnyArtifactStructType{}}},
				},
				NoneTypeNotRequired: proto.Bool(true),
			}}},
			OutputType: &pb.ArtifactStructType{Kind: &pb.ArtifactStructType_List{List: &pb.ListArtifactStructType{
				Element: &pb.ArtifactStructType{Kind: &pb.ArtifactStructType_None{None: &pb.NoneArtifactStructType{}}},
			}}},
		}, func(m proto.Message) proto.Message {
			et, err := executionTypeFromPB(m.(*pb.ExecutionType))
			if err != nil {
				t.Fatal(err)
			}
			out, err := executionTypeToPB(et)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}},
		{"event full", &pb.Event{
			ArtifactId: proto.Int64(1), ExecutionId: proto.Int64(2), Type: pb.Event_PENDING_OUTPUT.Enum(),
			MillisecondsSinceEpoch: proto.Int64(99),
			Path: &pb.Event_Path{Steps: []*pb.Event_Path_Step{
				{Value: &pb.Event_Path_Step_Key{Key: "examples"}},
				{Value: &pb.Event_Path_Step_Index{Index: 0}},
				{Value: &pb.Event_Path_Step_Index{Index: -3}},
				{Value: &pb.Event_Path_Step_Key{Key: ""}},
			}},
		}, func(m proto.Message) proto.Message { return eventToPB(eventFromPB(m.(*pb.Event))) }},
		{"event minimal", &pb.Event{Type: pb.Event_INPUT.Enum()},
			func(m proto.Message) proto.Message { return eventToPB(eventFromPB(m.(*pb.Event))) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.conv(tt.in)
			if !proto.Equal(got, tt.in) {
				t.Errorf("round trip changed the message:\n got  %v\n want %v", got, tt.in)
			}
		})
	}
}

// TestGoRoundTrips goes the other way: mlmd -> proto -> mlmd.
func TestGoRoundTrips(t *testing.T) {
	st, _ := structpb.NewStruct(map[string]any{"a": []any{"b", 1.0}})
	props := mlmd.Properties{
		"i": mlmd.IntValue(1), "d": mlmd.DoubleValue(-0.5), "s": mlmd.StringValue("x"),
		"b": mlmd.BoolValue(true), "st": mlmd.StructValue(st), "p": mlmd.ProtoValue(&anypb.Any{TypeUrl: "t/x", Value: []byte{1, 2}}),
	}
	a := mlmd.Artifact{ID: 1, TypeID: 2, Type: "T", Name: "n", URI: "u", ExternalID: "e", State: mlmd.ArtifactStateReference,
		Properties: props, CustomProperties: props.Clone(), CreateTimeSinceEpoch: 5, LastUpdateTimeSinceEpoch: 6}
	if got := artifactFromPB(artifactToPB(a)); !reflect.DeepEqual(propsString(got.Properties), propsString(a.Properties)) ||
		got.ID != a.ID || got.URI != a.URI || got.State != a.State || got.LastUpdateTimeSinceEpoch != 6 {
		t.Errorf("artifact round trip: got %+v, want %+v", got, a)
	}
	e := mlmd.Execution{ID: 1, TypeID: 2, Name: "n", LastKnownState: mlmd.ExecutionStateCanceled, CustomProperties: props}
	if got := executionFromPB(executionToPB(e)); got.LastKnownState != e.LastKnownState || !propsEqual(got.CustomProperties, props) {
		t.Errorf("execution round trip: got %+v", got)
	}
	c := mlmd.Context{ID: 3, TypeID: 4, Name: "c", Properties: props}
	if got := contextFromPB(contextToPB(c)); got.Name != "c" || !propsEqual(got.Properties, props) {
		t.Errorf("context round trip: got %+v", got)
	}
	ev := mlmd.Event{ArtifactID: 1, ExecutionID: 2, Type: mlmd.EventOutput, Path: []mlmd.Step{mlmd.KeyStep("k"), mlmd.IndexStep(4)}, MillisecondsSinceEpoch: 7}
	if got := eventFromPB(eventToPB(ev)); !reflect.DeepEqual(got, ev) {
		t.Errorf("event round trip: got %+v, want %+v", got, ev)
	}
	ct := mlmd.ContextType{ID: 1, Name: "n", Properties: map[string]mlmd.PropertyType{"x": mlmd.PropertyBool}}
	if got := contextTypeFromPB(contextTypeToPB(ct)); !reflect.DeepEqual(got, ct) {
		t.Errorf("context type round trip: got %+v, want %+v", got, ct)
	}
	at := mlmd.ArtifactType{ID: 1, Name: "n", Version: "v", BaseType: mlmd.ArtifactBaseModel}
	if got := artifactTypeFromPB(artifactTypeToPB(at)); !reflect.DeepEqual(got, at) {
		t.Errorf("artifact type round trip: got %+v, want %+v", got, at)
	}
}

func propsEqual(a, b mlmd.Properties) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !v.Equal(b[k]) {
			return false
		}
	}
	return true
}

func propsString(p mlmd.Properties) map[string]string {
	out := map[string]string{}
	for k, v := range p {
		out[k] = v.String()
	}
	return out
}

func TestUnsetFields(t *testing.T) {
	// Go zero values leave proto fields unset, so clients see has_x = false
	// as they do with MLMD for NULL columns.
	got := artifactToPB(mlmd.Artifact{ID: 1, TypeID: 2})
	if got.Name != nil || got.Uri != nil || got.ExternalId != nil || got.State != nil || got.Type != nil {
		t.Errorf("zero fields were set: %v", got)
	}
	if got.Properties != nil || got.CustomProperties != nil {
		t.Errorf("empty maps were set: %v", got)
	}
	et, err := executionTypeToPB(mlmd.ExecutionType{ID: 1, Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if et.InputType != nil || et.OutputType != nil || et.BaseType != nil || et.Version != nil {
		t.Errorf("zero execution type fields were set: %v", et)
	}
}

func TestStructTypeJSON(t *testing.T) {
	m := &pb.ArtifactStructType{Kind: &pb.ArtifactStructType_UnionType{UnionType: &pb.UnionArtifactStructType{
		Candidates: []*pb.ArtifactStructType{{Kind: &pb.ArtifactStructType_Simple{Simple: &pb.ArtifactType{Name: proto.String("A")}}}},
	}}}
	s, err := structTypeToJSON(m)
	if err != nil {
		t.Fatal(err)
	}
	// Compact, with protobuf JSON (lowerCamel) names, as MLMD writes it.
	want := `{"unionType":{"candidates":[{"simple":{"name":"A"}}]}}`
	if s != want {
		t.Errorf("JSON %s, want %s", s, want)
	}
	back, err := structTypeFromJSON(s)
	if err != nil || !proto.Equal(back, m) {
		t.Errorf("decode: %v, %v", back, err)
	}
	// MLMD's own spelling (proto field names) decodes too.
	back, err = structTypeFromJSON(`{"union_type": {"candidates": [{"simple": {"name": "A"}}]}}`)
	if err != nil || !proto.Equal(back, m) {
		t.Errorf("decode proto names: %v, %v", back, err)
	}
	if _, err := structTypeFromJSON(`{"unionType":`); err == nil {
		t.Error("truncated JSON decoded without error")
	}
	if _, err := executionTypeToPB(mlmd.ExecutionType{Name: "x", InputType: "{bad"}); status.Code(toStatus(err)) != codes.Internal {
		t.Errorf("bad stored input_type: %v, want Internal", err)
	}
}

func TestListOptionsFromPB(t *testing.T) {
	tests := []struct {
		name    string
		in      *pb.ListOperationOptions
		want    *mlmd.ListOptions
		wantErr string
	}{
		{name: "nil means no options", in: nil, want: nil},
		{name: "empty gets the proto defaults", in: &pb.ListOperationOptions{},
			want: &mlmd.ListOptions{MaxResultSize: 20, OrderBy: mlmd.OrderByID}},
		{name: "order by field with defaults", in: &pb.ListOperationOptions{OrderByField: &pb.ListOperationOptions_OrderByField{}},
			want: &mlmd.ListOptions{MaxResultSize: 20, OrderBy: mlmd.OrderByID}},
		{name: "everything", in: &pb.ListOperationOptions{
			MaxResultSize: proto.Int32(500),
			OrderByField: &pb.ListOperationOptions_OrderByField{
				Field: pb.ListOperationOptions_OrderByField_LAST_UPDATE_TIME.Enum(), IsAsc: proto.Bool(false)},
			NextPageToken: proto.String("tok"),
			FilterQuery:   proto.String("name = 'x'"),
		}, want: &mlmd.ListOptions{MaxResultSize: 500, OrderBy: mlmd.OrderByUpdateTime, Desc: true, NextPageToken: "tok", FilterQuery: "name = 'x'"}},
		{name: "create time", in: &pb.ListOperationOptions{MaxResultSize: proto.Int32(1),
			OrderByField: &pb.ListOperationOptions_OrderByField{Field: pb.ListOperationOptions_OrderByField_CREATE_TIME.Enum()}},
			want: &mlmd.ListOptions{MaxResultSize: 1, OrderBy: mlmd.OrderByCreateTime}},
		{name: "zero size", in: &pb.ListOperationOptions{MaxResultSize: proto.Int32(0)}, wantErr: "max_result_size must be greater than 0, got 0"},
		{name: "negative size", in: &pb.ListOperationOptions{MaxResultSize: proto.Int32(-1)}, wantErr: "max_result_size must be greater than 0, got -1"},
		{name: "unspecified field", in: &pb.ListOperationOptions{OrderByField: &pb.ListOperationOptions_OrderByField{
			Field: pb.ListOperationOptions_OrderByField_FIELD_UNSPECIFIED.Enum()}}, wantErr: "unsupported order_by_field.field FIELD_UNSPECIFIED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := listOptionsFromPB(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errcode.Of(err) != errcode.InvalidArgument {
					t.Fatalf("err = %v, want InvalidArgument containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if tt.want != nil {
				// And back: the proto built from the Go options converts to
				// the same options.
				again, err := listOptionsFromPB(listOptionsToPB(got))
				if err != nil || !reflect.DeepEqual(again, got) {
					t.Errorf("round trip: %+v, %v", again, err)
				}
			}
		})
	}
}

func TestEventEdges(t *testing.T) {
	ev := &pb.Event{Type: pb.Event_INPUT.Enum()}
	tests := []struct {
		name     string
		edges    []*pb.PutLineageSubgraphRequest_EventEdge
		want     []mlmd.EventEdge
		wantCode errcode.Code
	}{
		{"indexes", []*pb.PutLineageSubgraphRequest_EventEdge{{ExecutionIndex: proto.Int32(1), ArtifactIndex: proto.Int32(0), Event: ev}},
			[]mlmd.EventEdge{{ExecutionIndex: 1, ArtifactIndex: 0, Event: mlmd.Event{Type: mlmd.EventInput}}}, errcode.OK},
		{"unset indexes become -1", []*pb.PutLineageSubgraphRequest_EventEdge{{Event: &pb.Event{ArtifactId: proto.Int64(4), ExecutionId: proto.Int64(5), Type: pb.Event_OUTPUT.Enum()}}},
			[]mlmd.EventEdge{{ExecutionIndex: -1, ArtifactIndex: -1, Event: mlmd.Event{ArtifactID: 4, ExecutionID: 5, Type: mlmd.EventOutput}}}, errcode.OK},
		{"no event", []*pb.PutLineageSubgraphRequest_EventEdge{{ExecutionIndex: proto.Int32(0), ArtifactIndex: proto.Int32(0)}}, nil, errcode.InvalidArgument},
		{"negative index", []*pb.PutLineageSubgraphRequest_EventEdge{{ExecutionIndex: proto.Int32(-1), ArtifactIndex: proto.Int32(0), Event: ev}}, nil, errcode.OutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := eventEdgesFromPB(&pb.PutLineageSubgraphRequest{EventEdges: tt.edges})
			if errcode.Of(err) != tt.wantCode {
				t.Fatalf("err = %v, want code %v", err, tt.wantCode)
			}
			if err == nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestStatusMapping(t *testing.T) {
	tests := []struct {
		err  error
		want codes.Code
	}{
		{errcode.New(errcode.NotFound, "x"), codes.NotFound},
		{errcode.New(errcode.AlreadyExists, "x"), codes.AlreadyExists},
		{errcode.New(errcode.InvalidArgument, "x"), codes.InvalidArgument},
		{errcode.New(errcode.FailedPrecondition, "x"), codes.FailedPrecondition},
		{errcode.New(errcode.Aborted, "x"), codes.Aborted},
		{errcode.New(errcode.OutOfRange, "x"), codes.OutOfRange},
		{errcode.New(errcode.Unimplemented, "x"), codes.Unimplemented},
		{errcode.Annotate(errcode.New(errcode.NotFound, "inner"), "outer"), codes.NotFound},
		{errUnknown{}, codes.Internal},
		{status.Error(codes.ResourceExhausted, "already a status"), codes.ResourceExhausted},
	}
	for _, tt := range tests {
		st := status.Convert(toStatus(tt.err))
		if st.Code() != tt.want {
			t.Errorf("%v: code %v, want %v", tt.err, st.Code(), tt.want)
		}
		if want := errcode.Message(tt.err); st.Message() != want && status.Code(tt.err) == codes.Unknown {
			t.Errorf("%v: message %q, want %q", tt.err, st.Message(), want)
		}
		if _, ok := tt.err.(errUnknown); ok && strings.Contains(st.Message(), "driver") {
			t.Errorf("a driver's error reached the client: %q", st.Message())
		}
	}
	if toStatus(nil) != nil {
		t.Error("toStatus(nil) != nil")
	}
	// Every code of the errcode package is in the table.
	for c := errcode.OK; c <= errcode.Unauthenticated; c++ {
		if _, ok := grpcCodes[c]; !ok {
			t.Errorf("code %v missing from the table", c)
		}
	}
}

type errUnknown struct{}

func (errUnknown) Error() string { return "some driver error" }

func TestHasUnknownField(t *testing.T) {
	// An old client sends GetArtifactsByURIRequest.uri as field 1.
	var raw []byte
	raw = append(raw, 0x0a, 0x03, 'a', '/', 'b') // field 1, bytes "a/b"
	req := &pb.GetArtifactsByURIRequest{}
	if err := proto.Unmarshal(raw, req); err != nil {
		t.Fatal(err)
	}
	if !hasUnknownField(req, 1) {
		t.Error("field 1 not found among unknown fields")
	}
	if hasUnknownField(&pb.GetArtifactsByURIRequest{Uris: []string{"x"}}, 1) {
		t.Error("field 1 found in a clean request")
	}
}

func TestMapSliceCtxStops(t *testing.T) {
	in := make([]int, 100_000)
	calls := 0
	f := func(v int) int { calls++; return v + 1 }
	out, err := mapSliceCtx(context.Background(), in, f)
	if err != nil || len(out) != len(in) || out[99_999] != 1 {
		t.Fatalf("live context: %d results, %v", len(out), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls = 0
	if _, err := mapSliceCtx(ctx, in, f); !errors.Is(err, context.Canceled) || calls > 1024 {
		t.Errorf("cancelled context: %v after %d conversions, want Canceled within 1024", err, calls)
	}
}
