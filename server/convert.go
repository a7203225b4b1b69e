package server

// This file holds every conversion between MLMD's protobuf messages
// (package mlmdpb) and gomlmd's plain Go types (package mlmd).
//
// Rules:
//   - An unset optional field in a request is the Go zero value; a Go zero
//     value (0, "", UNKNOWN state) is left unset in a response. mlmd treats
//     "" and NULL alike, as MLMD's schema does.
//   - Property values keep their kind: int, double, string, bool, struct
//     (google.protobuf.Struct) and proto (google.protobuf.Any).
//   - ExecutionType.input_type / output_type travel as ArtifactStructType
//     messages and are held by mlmd as their protobuf JSON, the way MLMD
//     stores them in its Type table.

import (
	"bytes"
	"context"
	"encoding/json"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// ---- scalars ----------------------------------------------------------------

// optString returns a pointer to s, or nil for "" (unset).
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return proto.String(s)
}

// optInt64 returns a pointer to v, or nil for 0 (unset).
func optInt64(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return proto.Int64(v)
}

// ---- values -----------------------------------------------------------------

// valueFromPB converts a property value. A nil message or one with no value
// set gives the zero mlmd.Value, which the store rejects with
// InvalidArgument.
func valueFromPB(v *pb.Value) mlmd.Value {
	switch x := v.GetValue().(type) {
	case *pb.Value_IntValue:
		return mlmd.IntValue(x.IntValue)
	case *pb.Value_DoubleValue:
		return mlmd.DoubleValue(x.DoubleValue)
	case *pb.Value_StringValue:
		return mlmd.StringValue(x.StringValue)
	case *pb.Value_BoolValue:
		return mlmd.BoolValue(x.BoolValue)
	case *pb.Value_StructValue:
		return mlmd.StructValue(x.StructValue)
	case *pb.Value_ProtoValue:
		return mlmd.ProtoValue(x.ProtoValue)
	}
	return mlmd.Value{}
}

// valueToPB converts a property value; the zero Value gives an empty message.
func valueToPB(v mlmd.Value) *pb.Value {
	switch v.Type() {
	case mlmd.PropertyInt:
		return &pb.Value{Value: &pb.Value_IntValue{IntValue: v.AsInt()}}
	case mlmd.PropertyDouble:
		return &pb.Value{Value: &pb.Value_DoubleValue{DoubleValue: v.AsDouble()}}
	case mlmd.PropertyString:
		return &pb.Value{Value: &pb.Value_StringValue{StringValue: v.AsString()}}
	case mlmd.PropertyBool:
		return &pb.Value{Value: &pb.Value_BoolValue{BoolValue: v.AsBool()}}
	case mlmd.PropertyStruct:
		return &pb.Value{Value: &pb.Value_StructValue{StructValue: v.AsStruct()}}
	case mlmd.PropertyProto:
		return &pb.Value{Value: &pb.Value_ProtoValue{ProtoValue: v.AsProto()}}
	}
	return &pb.Value{}
}

func propertiesFromPB(m map[string]*pb.Value) mlmd.Properties {
	if len(m) == 0 {
		return nil
	}
	p := make(mlmd.Properties, len(m))
	for k, v := range m {
		p[k] = valueFromPB(v)
	}
	return p
}

func propertiesToPB(p mlmd.Properties) map[string]*pb.Value {
	if len(p) == 0 {
		return nil
	}
	m := make(map[string]*pb.Value, len(p))
	for k, v := range p {
		m[k] = valueToPB(v)
	}
	return m
}

func propertyTypesFromPB(m map[string]pb.PropertyType) map[string]mlmd.PropertyType {
	if len(m) == 0 {
		return nil
	}
	p := make(map[string]mlmd.PropertyType, len(m))
	for k, v := range m {
		p[k] = mlmd.PropertyType(v)
	}
	return p
}

func propertyTypesToPB(p map[string]mlmd.PropertyType) map[string]pb.PropertyType {
	if len(p) == 0 {
		return nil
	}
	m := make(map[string]pb.PropertyType, len(p))
	for k, v := range p {
		m[k] = pb.PropertyType(v)
	}
	return m
}

// ---- types ------------------------------------------------------------------

func artifactTypeFromPB(t *pb.ArtifactType) mlmd.ArtifactType {
	return mlmd.ArtifactType{
		ID:          t.GetId(),
		Name:        t.GetName(),
		Version:     t.GetVersion(),
		Description: t.GetDescription(),
		ExternalID:  t.GetExternalId(),
		Properties:  propertyTypesFromPB(t.GetProperties()),
		BaseType:    mlmd.ArtifactBaseType(t.GetBaseType()),
	}
}

func artifactTypeToPB(t mlmd.ArtifactType) *pb.ArtifactType {
	out := &pb.ArtifactType{
		Id:          optInt64(t.ID),
		Name:        proto.String(t.Name),
		Version:     optString(t.Version),
		Description: optString(t.Description),
		ExternalId:  optString(t.ExternalID),
		Properties:  propertyTypesToPB(t.Properties),
	}
	if t.BaseType != mlmd.ArtifactBaseUnset {
		out.BaseType = pb.ArtifactType_SystemDefinedBaseType(t.BaseType).Enum()
	}
	return out
}

func executionTypeFromPB(t *pb.ExecutionType) (mlmd.ExecutionType, error) {
	in, err := structTypeToJSON(t.GetInputType())
	if err != nil {
		return mlmd.ExecutionType{}, errcode.New(errcode.InvalidArgument, "execution type %q: input_type: %v", t.GetName(), err)
	}
	out, err := structTypeToJSON(t.GetOutputType())
	if err != nil {
		return mlmd.ExecutionType{}, errcode.New(errcode.InvalidArgument, "execution type %q: output_type: %v", t.GetName(), err)
	}
	return mlmd.ExecutionType{
		ID:          t.GetId(),
		Name:        t.GetName(),
		Version:     t.GetVersion(),
		Description: t.GetDescription(),
		ExternalID:  t.GetExternalId(),
		Properties:  propertyTypesFromPB(t.GetProperties()),
		BaseType:    mlmd.ExecutionBaseType(t.GetBaseType()),
		InputType:   in,
		OutputType:  out,
	}, nil
}

func executionTypeToPB(t mlmd.ExecutionType) (*pb.ExecutionType, error) {
	in, err := structTypeFromJSON(t.InputType)
	if err != nil {
		return nil, errcode.Wrap(errcode.Internal, err, "execution type %d: stored input_type", t.ID)
	}
	out, err := structTypeFromJSON(t.OutputType)
	if err != nil {
		return nil, errcode.Wrap(errcode.Internal, err, "execution type %d: stored output_type", t.ID)
	}
	res := &pb.ExecutionType{
		Id:          optInt64(t.ID),
		Name:        proto.String(t.Name),
		Version:     optString(t.Version),
		Description: optString(t.Description),
		ExternalId:  optString(t.ExternalID),
		Properties:  propertyTypesToPB(t.Properties),
		InputType:   in,
		OutputType:  out,
	}
	if t.BaseType != mlmd.ExecutionBaseUnset {
		res.BaseType = pb.ExecutionType_SystemDefinedBaseType(t.BaseType).Enum()
	}
	return res, nil
}

func contextTypeFromPB(t *pb.ContextType) mlmd.ContextType {
	return mlmd.ContextType{
		ID:          t.GetId(),
		Name:        t.GetName(),
		Version:     t.GetVersion(),
		Description: t.GetDescription(),
		ExternalID:  t.GetExternalId(),
		Properties:  propertyTypesFromPB(t.GetProperties()),
	}
}

func contextTypeToPB(t mlmd.ContextType) *pb.ContextType {
	return &pb.ContextType{
		Id:          optInt64(t.ID),
		Name:        proto.String(t.Name),
		Version:     optString(t.Version),
		Description: optString(t.Description),
		ExternalId:  optString(t.ExternalID),
		Properties:  propertyTypesToPB(t.Properties),
	}
}

// structTypeToJSON encodes an ArtifactStructType as MLMD stores it: protobuf
// JSON without insignificant white space. nil gives "".
func structTypeToJSON(m *pb.ArtifactStructType) (string, error) {
	if m == nil {
		return "", nil
	}
	b, err := protojson.Marshal(m)
	if err != nil {
		return "", err
	}
	// protojson deliberately varies its spacing; compact it so the stored
	// text is stable and matches what MLMD writes.
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// structTypeFromJSON decodes what structTypeToJSON (or MLMD) stored; "" gives
// nil. Unknown fields are tolerated, so types written by a newer MLMD still
// load.
func structTypeFromJSON(s string) (*pb.ArtifactStructType, error) {
	if s == "" || s == "null" {
		return nil, nil
	}
	m := &pb.ArtifactStructType{}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal([]byte(s), m); err != nil {
		return nil, err
	}
	return m, nil
}

// ---- nodes ------------------------------------------------------------------

func artifactFromPB(a *pb.Artifact) mlmd.Artifact {
	return mlmd.Artifact{
		ID:                       a.GetId(),
		TypeID:                   a.GetTypeId(),
		Type:                     a.GetType(),
		Name:                     a.GetName(),
		URI:                      a.GetUri(),
		ExternalID:               a.GetExternalId(),
		State:                    mlmd.ArtifactState(a.GetState()),
		Properties:               propertiesFromPB(a.GetProperties()),
		CustomProperties:         propertiesFromPB(a.GetCustomProperties()),
		CreateTimeSinceEpoch:     a.GetCreateTimeSinceEpoch(),
		LastUpdateTimeSinceEpoch: a.GetLastUpdateTimeSinceEpoch(),
	}
}

func artifactToPB(a mlmd.Artifact) *pb.Artifact {
	out := &pb.Artifact{
		Id:                       optInt64(a.ID),
		TypeId:                   optInt64(a.TypeID),
		Type:                     optString(a.Type),
		Name:                     optString(a.Name),
		Uri:                      optString(a.URI),
		ExternalId:               optString(a.ExternalID),
		Properties:               propertiesToPB(a.Properties),
		CustomProperties:         propertiesToPB(a.CustomProperties),
		CreateTimeSinceEpoch:     optInt64(a.CreateTimeSinceEpoch),
		LastUpdateTimeSinceEpoch: optInt64(a.LastUpdateTimeSinceEpoch),
	}
	if a.State != mlmd.ArtifactStateUnknown {
		out.State = pb.Artifact_State(a.State).Enum()
	}
	return out
}

func executionFromPB(e *pb.Execution) mlmd.Execution {
	return mlmd.Execution{
		ID:                       e.GetId(),
		TypeID:                   e.GetTypeId(),
		Type:                     e.GetType(),
		Name:                     e.GetName(),
		ExternalID:               e.GetExternalId(),
		LastKnownState:           mlmd.ExecutionState(e.GetLastKnownState()),
		Properties:               propertiesFromPB(e.GetProperties()),
		CustomProperties:         propertiesFromPB(e.GetCustomProperties()),
		CreateTimeSinceEpoch:     e.GetCreateTimeSinceEpoch(),
		LastUpdateTimeSinceEpoch: e.GetLastUpdateTimeSinceEpoch(),
	}
}

func executionToPB(e mlmd.Execution) *pb.Execution {
	out := &pb.Execution{
		Id:                       optInt64(e.ID),
		TypeId:                   optInt64(e.TypeID),
		Type:                     optString(e.Type),
		Name:                     optString(e.Name),
		ExternalId:               optString(e.ExternalID),
		Properties:               propertiesToPB(e.Properties),
		CustomProperties:         propertiesToPB(e.CustomProperties),
		CreateTimeSinceEpoch:     optInt64(e.CreateTimeSinceEpoch),
		LastUpdateTimeSinceEpoch: optInt64(e.LastUpdateTimeSinceEpoch),
	}
	if e.LastKnownState != mlmd.ExecutionStateUnknown {
		out.LastKnownState = pb.Execution_State(e.LastKnownState).Enum()
	}
	return out
}

func contextFromPB(c *pb.Context) mlmd.Context {
	return mlmd.Context{
		ID:                       c.GetId(),
		TypeID:                   c.GetTypeId(),
		Type:                     c.GetType(),
		Name:                     c.GetName(),
		ExternalID:               c.GetExternalId(),
		Properties:               propertiesFromPB(c.GetProperties()),
		CustomProperties:         propertiesFromPB(c.GetCustomProperties()),
		CreateTimeSinceEpoch:     c.GetCreateTimeSinceEpoch(),
		LastUpdateTimeSinceEpoch: c.GetLastUpdateTimeSinceEpoch(),
	}
}

func contextToPB(c mlmd.Context) *pb.Context {
	return &pb.Context{
		Id:                       optInt64(c.ID),
		TypeId:                   optInt64(c.TypeID),
		Type:                     optString(c.Type),
		Name:                     optString(c.Name),
		ExternalId:               optString(c.ExternalID),
		Properties:               propertiesToPB(c.Properties),
		CustomProperties:         propertiesToPB(c.CustomProperties),
		CreateTimeSinceEpoch:     optInt64(c.CreateTimeSinceEpoch),
		LastUpdateTimeSinceEpoch: optInt64(c.LastUpdateTimeSinceEpoch),
	}
}

// ---- edges ------------------------------------------------------------------

func eventFromPB(e *pb.Event) mlmd.Event {
	var path []mlmd.Step
	if steps := e.GetPath().GetSteps(); len(steps) > 0 {
		path = make([]mlmd.Step, len(steps))
		for i, s := range steps {
			switch x := s.GetValue().(type) {
			case *pb.Event_Path_Step_Key:
				path[i] = mlmd.KeyStep(x.Key)
			case *pb.Event_Path_Step_Index:
				path[i] = mlmd.IndexStep(x.Index)
			default:
				// A step with neither index nor key: MLMD stores it as an
				// empty step; an index of 0 is the nearest Go value.
				path[i] = mlmd.IndexStep(0)
			}
		}
	}
	return mlmd.Event{
		ArtifactID:             e.GetArtifactId(),
		ExecutionID:            e.GetExecutionId(),
		Path:                   path,
		Type:                   mlmd.EventType(e.GetType()),
		MillisecondsSinceEpoch: e.GetMillisecondsSinceEpoch(),
	}
}

func eventToPB(e mlmd.Event) *pb.Event {
	out := &pb.Event{
		ArtifactId:             optInt64(e.ArtifactID),
		ExecutionId:            optInt64(e.ExecutionID),
		Type:                   pb.Event_Type(e.Type).Enum(),
		MillisecondsSinceEpoch: optInt64(e.MillisecondsSinceEpoch),
	}
	if len(e.Path) > 0 {
		steps := make([]*pb.Event_Path_Step, len(e.Path))
		for i, s := range e.Path {
			if s.IsKey {
				steps[i] = &pb.Event_Path_Step{Value: &pb.Event_Path_Step_Key{Key: s.Key}}
			} else {
				steps[i] = &pb.Event_Path_Step{Value: &pb.Event_Path_Step_Index{Index: s.Index}}
			}
		}
		out.Path = &pb.Event_Path{Steps: steps}
	}
	return out
}

func attributionFromPB(a *pb.Attribution) mlmd.Attribution {
	return mlmd.Attribution{ArtifactID: a.GetArtifactId(), ContextID: a.GetContextId()}
}

func associationFromPB(a *pb.Association) mlmd.Association {
	return mlmd.Association{ExecutionID: a.GetExecutionId(), ContextID: a.GetContextId()}
}

func parentContextFromPB(p *pb.ParentContext) mlmd.ParentContext {
	return mlmd.ParentContext{ChildID: p.GetChildId(), ParentID: p.GetParentId()}
}

// The links of a response always carry both ids.

func attributionToPB(a mlmd.Attribution) *pb.Attribution {
	return &pb.Attribution{ArtifactId: proto.Int64(a.ArtifactID), ContextId: proto.Int64(a.ContextID)}
}

func associationToPB(a mlmd.Association) *pb.Association {
	return &pb.Association{ExecutionId: proto.Int64(a.ExecutionID), ContextId: proto.Int64(a.ContextID)}
}

func parentContextToPB(p mlmd.ParentContext) *pb.ParentContext {
	return &pb.ParentContext{ChildId: proto.Int64(p.ChildID), ParentId: proto.Int64(p.ParentID)}
}

// ---- slices -------------------------------------------------------------------

// mapSlice applies f to every element of in.
func mapSlice[T, U any](in []T, f func(T) U) []U {
	if len(in) == 0 {
		return nil
	}
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// mapSliceCtx is mapSlice for the nodes of an answer, which may be many:
// it stops with ctx's error when the call is cancelled or past its
// deadline, checking every 1024 elements.
func mapSliceCtx[T, U any](ctx context.Context, in []T, f func(T) U) ([]U, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]U, len(in))
	for i, v := range in {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = f(v)
	}
	return out, nil
}

// mapSliceErr applies f to every element of in and stops at the first error.
func mapSliceErr[T, U any](in []T, f func(T) (U, error)) ([]U, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]U, len(in))
	for i, v := range in {
		u, err := f(v)
		if err != nil {
			return nil, err
		}
		out[i] = u
	}
	return out, nil
}

// ---- options ------------------------------------------------------------------

// listOptionsFromPB converts ListOperationOptions. A nil message means "no
// options": everything, ordered by id, in one answer (nil *ListOptions).
// MLMD rejects a max_result_size that is set to 0 or less, and an order_by
// field that is set to FIELD_UNSPECIFIED; so does this function.
func listOptionsFromPB(o *pb.ListOperationOptions) (*mlmd.ListOptions, error) {
	if o == nil {
		return nil, nil
	}
	if o.MaxResultSize != nil && o.GetMaxResultSize() <= 0 {
		return nil, invalidArgument("max_result_size must be greater than 0, got %d", o.GetMaxResultSize())
	}
	lo := &mlmd.ListOptions{
		MaxResultSize: o.GetMaxResultSize(), // 20 when unset, as the proto default says
		OrderBy:       mlmd.OrderByID,
		NextPageToken: o.GetNextPageToken(),
		FilterQuery:   o.GetFilterQuery(),
	}
	if ob := o.GetOrderByField(); ob != nil {
		switch f := ob.GetField(); f {
		case pb.ListOperationOptions_OrderByField_CREATE_TIME:
			lo.OrderBy = mlmd.OrderByCreateTime
		case pb.ListOperationOptions_OrderByField_LAST_UPDATE_TIME:
			lo.OrderBy = mlmd.OrderByUpdateTime
		case pb.ListOperationOptions_OrderByField_ID:
			lo.OrderBy = mlmd.OrderByID
		default:
			return nil, invalidArgument("unsupported order_by_field.field %v in ListOperationOptions", f)
		}
		lo.Desc = !ob.GetIsAsc()
	}
	return lo, nil
}

// listOptionsToPB is the inverse of listOptionsFromPB, for tests and clients.
func listOptionsToPB(lo *mlmd.ListOptions) *pb.ListOperationOptions {
	if lo == nil {
		return nil
	}
	o := &pb.ListOperationOptions{
		NextPageToken: optString(lo.NextPageToken),
		FilterQuery:   optString(lo.FilterQuery),
	}
	if lo.MaxResultSize != 0 {
		o.MaxResultSize = proto.Int32(lo.MaxResultSize)
	}
	var f pb.ListOperationOptions_OrderByField_Field
	switch lo.OrderBy {
	case mlmd.OrderByCreateTime:
		f = pb.ListOperationOptions_OrderByField_CREATE_TIME
	case mlmd.OrderByUpdateTime:
		f = pb.ListOperationOptions_OrderByField_LAST_UPDATE_TIME
	default:
		f = pb.ListOperationOptions_OrderByField_ID
	}
	o.OrderByField = &pb.ListOperationOptions_OrderByField{Field: f.Enum(), IsAsc: proto.Bool(!lo.Desc)}
	return o
}

// maskPaths returns the paths of an update mask; nil for none.
func maskPaths(m *fieldmaskpb.FieldMask) []string {
	if len(m.GetPaths()) == 0 {
		return nil
	}
	return append([]string(nil), m.GetPaths()...)
}

// typeOptions builds the upsert flags of the Put*Type calls.
func typeOptions(canAdd, canOmit bool) *mlmd.TypeOptions {
	return &mlmd.TypeOptions{CanAddFields: canAdd, CanOmitFields: canOmit}
}
