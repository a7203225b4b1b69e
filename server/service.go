package server

import (
	"context"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Service implements ml_metadata.MetadataStoreService over an *mlmd.Store.
// It is safe for concurrent use; every call runs in the store's own
// transactions.
type Service struct {
	pb.UnimplementedMetadataStoreServiceServer
	store *mlmd.Store
	ready atomic.Bool
}

var _ pb.MetadataStoreServiceServer = (*Service)(nil)

// New returns the service for store. The caller keeps ownership of store and
// closes it after the gRPC server has stopped. A nil store makes a service
// that answers Unavailable until SetStore.
func New(store *mlmd.Store) *Service {
	s := &Service{}
	s.SetStore(store)
	return s
}

// Register registers the service on a gRPC server.
func (s *Service) Register(r grpc.ServiceRegistrar) {
	pb.RegisterMetadataStoreServiceServer(r, s)
}

// errMustMatchAllFields is MLMD's answer to all_fields_match = false.
func errMustMatchAllFields() error {
	return errcode.New(errcode.Unimplemented, "all_fields_match = false is not supported: types must match all fields")
}

// ---- Types -------------------------------------------------------------------

// PutArtifactType inserts or evolves an artifact type.
func (s *Service) PutArtifactType(ctx context.Context, req *pb.PutArtifactTypeRequest) (*pb.PutArtifactTypeResponse, error) {
	if !req.GetAllFieldsMatch() {
		return nil, toStatus(errMustMatchAllFields())
	}
	id, err := s.store.PutArtifactType(ctx, artifactTypeFromPB(req.GetArtifactType()), typeOptions(req.GetCanAddFields(), req.GetCanOmitFields()))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutArtifactTypeResponse{TypeId: proto.Int64(id)}, nil
}

// PutExecutionType inserts or evolves an execution type.
func (s *Service) PutExecutionType(ctx context.Context, req *pb.PutExecutionTypeRequest) (*pb.PutExecutionTypeResponse, error) {
	if !req.GetAllFieldsMatch() {
		return nil, toStatus(errMustMatchAllFields())
	}
	t, err := executionTypeFromPB(req.GetExecutionType())
	if err != nil {
		return nil, toStatus(err)
	}
	id, err := s.store.PutExecutionType(ctx, t, typeOptions(req.GetCanAddFields(), req.GetCanOmitFields()))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutExecutionTypeResponse{TypeId: proto.Int64(id)}, nil
}

// PutContextType inserts or evolves a context type.
func (s *Service) PutContextType(ctx context.Context, req *pb.PutContextTypeRequest) (*pb.PutContextTypeResponse, error) {
	if !req.GetAllFieldsMatch() {
		return nil, toStatus(errMustMatchAllFields())
	}
	id, err := s.store.PutContextType(ctx, contextTypeFromPB(req.GetContextType()), typeOptions(req.GetCanAddFields(), req.GetCanOmitFields()))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutContextTypeResponse{TypeId: proto.Int64(id)}, nil
}

// PutTypes puts types of all three kinds in one transaction.
func (s *Service) PutTypes(ctx context.Context, req *pb.PutTypesRequest) (*pb.PutTypesResponse, error) {
	if !req.GetAllFieldsMatch() {
		return nil, toStatus(errMustMatchAllFields())
	}
	ets, err := mapSliceErr(req.GetExecutionTypes(), executionTypeFromPB)
	if err != nil {
		return nil, toStatus(err)
	}
	types := mlmd.Types{
		ArtifactTypes:  mapSlice(req.GetArtifactTypes(), artifactTypeFromPB),
		ExecutionTypes: ets,
		ContextTypes:   mapSlice(req.GetContextTypes(), contextTypeFromPB),
	}
	res, err := s.store.PutTypes(ctx, types, typeOptions(req.GetCanAddFields(), req.GetCanOmitFields()))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutTypesResponse{
		ArtifactTypeIds:  res.ArtifactTypeIDs,
		ExecutionTypeIds: res.ExecutionTypeIDs,
		ContextTypeIds:   res.ContextTypeIDs,
	}, nil
}

// GetArtifactType returns an artifact type by name and version; NotFound if
// there is none.
func (s *Service) GetArtifactType(ctx context.Context, req *pb.GetArtifactTypeRequest) (*pb.GetArtifactTypeResponse, error) {
	t, err := s.store.GetArtifactType(ctx, req.GetTypeName(), req.GetTypeVersion())
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetArtifactTypeResponse{ArtifactType: artifactTypeToPB(t)}, nil
}

// GetExecutionType returns an execution type by name and version; NotFound
// if there is none.
func (s *Service) GetExecutionType(ctx context.Context, req *pb.GetExecutionTypeRequest) (*pb.GetExecutionTypeResponse, error) {
	t, err := s.store.GetExecutionType(ctx, req.GetTypeName(), req.GetTypeVersion())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := executionTypeToPB(t)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetExecutionTypeResponse{ExecutionType: out}, nil
}

// GetContextType returns a context type by name and version; NotFound if
// there is none (Kubeflow Pipelines relies on that code).
func (s *Service) GetContextType(ctx context.Context, req *pb.GetContextTypeRequest) (*pb.GetContextTypeResponse, error) {
	t, err := s.store.GetContextType(ctx, req.GetTypeName(), req.GetTypeVersion())
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetContextTypeResponse{ContextType: contextTypeToPB(t)}, nil
}

// GetArtifactTypesByID returns the artifact types with the given ids.
func (s *Service) GetArtifactTypesByID(ctx context.Context, req *pb.GetArtifactTypesByIDRequest) (*pb.GetArtifactTypesByIDResponse, error) {
	ts, err := s.store.GetArtifactTypesByID(ctx, req.GetTypeIds())
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetArtifactTypesByIDResponse{ArtifactTypes: mapSlice(ts, artifactTypeToPB)}, nil
}

// GetExecutionTypesByID returns the execution types with the given ids.
func (s *Service) GetExecutionTypesByID(ctx context.Context, req *pb.GetExecutionTypesByIDRequest) (*pb.GetExecutionTypesByIDResponse, error) {
	ts, err := s.store.GetExecutionTypesByID(ctx, req.GetTypeIds())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceErr(ts, executionTypeToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetExecutionTypesByIDResponse{ExecutionTypes: out}, nil
}

// GetContextTypesByID returns the context types with the given ids.
func (s *Service) GetContextTypesByID(ctx context.Context, req *pb.GetContextTypesByIDRequest) (*pb.GetContextTypesByIDResponse, error) {
	ts, err := s.store.GetContextTypesByID(ctx, req.GetTypeIds())
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetContextTypesByIDResponse{ContextTypes: mapSlice(ts, contextTypeToPB)}, nil
}

// GetArtifactTypes returns every artifact type.
func (s *Service) GetArtifactTypes(ctx context.Context, req *pb.GetArtifactTypesRequest) (*pb.GetArtifactTypesResponse, error) {
	ts, err := s.store.GetArtifactTypes(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetArtifactTypesResponse{ArtifactTypes: mapSlice(ts, artifactTypeToPB)}, nil
}

// GetExecutionTypes returns every execution type.
func (s *Service) GetExecutionTypes(ctx context.Context, req *pb.GetExecutionTypesRequest) (*pb.GetExecutionTypesResponse, error) {
	ts, err := s.store.GetExecutionTypes(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceErr(ts, executionTypeToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetExecutionTypesResponse{ExecutionTypes: out}, nil
}

// GetContextTypes returns every context type.
func (s *Service) GetContextTypes(ctx context.Context, req *pb.GetContextTypesRequest) (*pb.GetContextTypesResponse, error) {
	ts, err := s.store.GetContextTypes(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetContextTypesResponse{ContextTypes: mapSlice(ts, contextTypeToPB)}, nil
}

// GetArtifactTypesByExternalIds returns the artifact types with the given
// external ids.
func (s *Service) GetArtifactTypesByExternalIds(ctx context.Context, req *pb.GetArtifactTypesByExternalIdsRequest) (*pb.GetArtifactTypesByExternalIdsResponse, error) {
	ts, err := s.store.GetArtifactTypesByExternalIDs(ctx, req.GetExternalIds())
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetArtifactTypesByExternalIdsResponse{ArtifactTypes: mapSlice(ts, artifactTypeToPB)}, nil
}

// GetExecutionTypesByExternalIds returns the execution types with the given
// external ids.
func (s *Service) GetExecutionTypesByExternalIds(ctx context.Context, req *pb.GetExecutionTypesByExternalIdsRequest) (*pb.GetExecutionTypesByExternalIdsResponse, error) {
	ts, err := s.store.GetExecutionTypesByExternalIDs(ctx, req.GetExternalIds())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceErr(ts, executionTypeToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetExecutionTypesByExternalIdsResponse{ExecutionTypes: out}, nil
}

// GetContextTypesByExternalIds returns the context types with the given
// external ids.
func (s *Service) GetContextTypesByExternalIds(ctx context.Context, req *pb.GetContextTypesByExternalIdsRequest) (*pb.GetContextTypesByExternalIdsResponse, error) {
	ts, err := s.store.GetContextTypesByExternalIDs(ctx, req.GetExternalIds())
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetContextTypesByExternalIdsResponse{ContextTypes: mapSlice(ts, contextTypeToPB)}, nil
}

// ---- Nodes: writes -------------------------------------------------------------

// PutArtifacts inserts or updates artifacts in one transaction.
func (s *Service) PutArtifacts(ctx context.Context, req *pb.PutArtifactsRequest) (*pb.PutArtifactsResponse, error) {
	opts := &mlmd.PutArtifactsOptions{
		AbortIfLatestUpdatedTimeChanged: req.GetOptions().GetAbortIfLatestUpdatedTimeChanged(),
		UpdateMask:                      maskPaths(req.GetUpdateMask()),
	}
	ids, err := s.store.PutArtifacts(ctx, mapSlice(req.GetArtifacts(), artifactFromPB), opts)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutArtifactsResponse{ArtifactIds: ids}, nil
}

// PutExecutions inserts or updates executions in one transaction.
func (s *Service) PutExecutions(ctx context.Context, req *pb.PutExecutionsRequest) (*pb.PutExecutionsResponse, error) {
	opts := &mlmd.PutExecutionsOptions{UpdateMask: maskPaths(req.GetUpdateMask())}
	ids, err := s.store.PutExecutions(ctx, mapSlice(req.GetExecutions(), executionFromPB), opts)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutExecutionsResponse{ExecutionIds: ids}, nil
}

// PutContexts inserts or updates contexts in one transaction.
func (s *Service) PutContexts(ctx context.Context, req *pb.PutContextsRequest) (*pb.PutContextsResponse, error) {
	opts := &mlmd.PutContextsOptions{UpdateMask: maskPaths(req.GetUpdateMask())}
	ids, err := s.store.PutContexts(ctx, mapSlice(req.GetContexts(), contextFromPB), opts)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutContextsResponse{ContextIds: ids}, nil
}

// ---- Nodes: reads ------------------------------------------------------------

// GetArtifactsByID returns the artifacts with the given ids and, when
// populate_artifact_types is set, their types.
func (s *Service) GetArtifactsByID(ctx context.Context, req *pb.GetArtifactsByIDRequest) (*pb.GetArtifactsByIDResponse, error) {
	arts, err := s.store.GetArtifactsByID(ctx, req.GetArtifactIds())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, arts, artifactToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	res := &pb.GetArtifactsByIDResponse{Artifacts: out}
	if req.GetPopulateArtifactTypes() && len(arts) > 0 {
		seen := make(map[int64]bool, len(arts))
		var typeIDs []int64
		for _, a := range arts {
			if !seen[a.TypeID] {
				seen[a.TypeID] = true
				typeIDs = append(typeIDs, a.TypeID)
			}
		}
		ts, err := s.store.GetArtifactTypesByID(ctx, typeIDs)
		if err != nil {
			return nil, toStatus(err)
		}
		res.ArtifactTypes = mapSlice(ts, artifactTypeToPB)
	}
	return res, nil
}

// GetExecutionsByID returns the executions with the given ids.
func (s *Service) GetExecutionsByID(ctx context.Context, req *pb.GetExecutionsByIDRequest) (*pb.GetExecutionsByIDResponse, error) {
	es, err := s.store.GetExecutionsByID(ctx, req.GetExecutionIds())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, es, executionToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetExecutionsByIDResponse{Executions: out}, nil
}

// GetContextsByID returns the contexts with the given ids.
func (s *Service) GetContextsByID(ctx context.Context, req *pb.GetContextsByIDRequest) (*pb.GetContextsByIDResponse, error) {
	cs, err := s.store.GetContextsByID(ctx, req.GetContextIds())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, cs, contextToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetContextsByIDResponse{Contexts: out}, nil
}

// GetArtifacts lists artifacts.
func (s *Service) GetArtifacts(ctx context.Context, req *pb.GetArtifactsRequest) (*pb.GetArtifactsResponse, error) {
	lo, err := listOptionsFromPB(req.GetOptions())
	if err != nil {
		return nil, toStatus(err)
	}
	arts, next, err := s.store.GetArtifacts(ctx, lo)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, arts, artifactToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetArtifactsResponse{Artifacts: out, NextPageToken: optString(next)}, nil
}

// GetExecutions lists executions.
func (s *Service) GetExecutions(ctx context.Context, req *pb.GetExecutionsRequest) (*pb.GetExecutionsResponse, error) {
	lo, err := listOptionsFromPB(req.GetOptions())
	if err != nil {
		return nil, toStatus(err)
	}
	es, next, err := s.store.GetExecutions(ctx, lo)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, es, executionToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetExecutionsResponse{Executions: out, NextPageToken: optString(next)}, nil
}

// GetContexts lists contexts.
func (s *Service) GetContexts(ctx context.Context, req *pb.GetContextsRequest) (*pb.GetContextsResponse, error) {
	lo, err := listOptionsFromPB(req.GetOptions())
	if err != nil {
		return nil, toStatus(err)
	}
	cs, next, err := s.store.GetContexts(ctx, lo)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, cs, contextToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetContextsResponse{Contexts: out, NextPageToken: optString(next)}, nil
}

// byTypeToken is the next_page_token of the Get*ByType calls: MLMD sets the
// field, possibly to "", whenever the request had options.
func byTypeToken(lo *mlmd.ListOptions, next string) *string {
	if lo == nil {
		return nil
	}
	return proto.String(next)
}

// GetArtifactsByType lists the artifacts of a type; none if the type does
// not exist.
func (s *Service) GetArtifactsByType(ctx context.Context, req *pb.GetArtifactsByTypeRequest) (*pb.GetArtifactsByTypeResponse, error) {
	lo, err := listOptionsFromPB(req.GetOptions())
	if err != nil {
		return nil, toStatus(err)
	}
	arts, next, err := s.store.GetArtifactsByType(ctx, req.GetTypeName(), req.GetTypeVersion(), lo)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, arts, artifactToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetArtifactsByTypeResponse{Artifacts: out, NextPageToken: byTypeToken(lo, next)}, nil
}

// GetExecutionsByType lists the executions of a type.
func (s *Service) GetExecutionsByType(ctx context.Context, req *pb.GetExecutionsByTypeRequest) (*pb.GetExecutionsByTypeResponse, error) {
	lo, err := listOptionsFromPB(req.GetOptions())
	if err != nil {
		return nil, toStatus(err)
	}
	es, next, err := s.store.GetExecutionsByType(ctx, req.GetTypeName(), req.GetTypeVersion(), lo)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, es, executionToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetExecutionsByTypeResponse{Executions: out, NextPageToken: byTypeToken(lo, next)}, nil
}

// GetContextsByType lists the contexts of a type.
func (s *Service) GetContextsByType(ctx context.Context, req *pb.GetContextsByTypeRequest) (*pb.GetContextsByTypeResponse, error) {
	lo, err := listOptionsFromPB(req.GetOptions())
	if err != nil {
		return nil, toStatus(err)
	}
	cs, next, err := s.store.GetContextsByType(ctx, req.GetTypeName(), req.GetTypeVersion(), lo)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, cs, contextToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetContextsByTypeResponse{Contexts: out, NextPageToken: byTypeToken(lo, next)}, nil
}

// GetArtifactByTypeAndName returns the artifact with a name in a type. When
// the type or the artifact does not exist the answer is OK with no
// artifact, as MLMD answers.
func (s *Service) GetArtifactByTypeAndName(ctx context.Context, req *pb.GetArtifactByTypeAndNameRequest) (*pb.GetArtifactByTypeAndNameResponse, error) {
	a, err := s.store.GetArtifactByTypeAndName(ctx, req.GetTypeName(), req.GetTypeVersion(), req.GetArtifactName())
	if errcode.Of(err) == errcode.NotFound {
		return &pb.GetArtifactByTypeAndNameResponse{}, nil
	}
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetArtifactByTypeAndNameResponse{Artifact: artifactToPB(a)}, nil
}

// GetExecutionByTypeAndName returns the execution with a name in a type, or
// OK with no execution.
func (s *Service) GetExecutionByTypeAndName(ctx context.Context, req *pb.GetExecutionByTypeAndNameRequest) (*pb.GetExecutionByTypeAndNameResponse, error) {
	e, err := s.store.GetExecutionByTypeAndName(ctx, req.GetTypeName(), req.GetTypeVersion(), req.GetExecutionName())
	if errcode.Of(err) == errcode.NotFound {
		return &pb.GetExecutionByTypeAndNameResponse{}, nil
	}
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetExecutionByTypeAndNameResponse{Execution: executionToPB(e)}, nil
}

// GetContextByTypeAndName returns the context with a name in a type, or OK
// with no context: Kubeflow Pipelines' get-or-create of pipeline and run
// contexts depends on this answer.
func (s *Service) GetContextByTypeAndName(ctx context.Context, req *pb.GetContextByTypeAndNameRequest) (*pb.GetContextByTypeAndNameResponse, error) {
	c, err := s.store.GetContextByTypeAndName(ctx, req.GetTypeName(), req.GetTypeVersion(), req.GetContextName())
	if errcode.Of(err) == errcode.NotFound {
		return &pb.GetContextByTypeAndNameResponse{}, nil
	}
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetContextByTypeAndNameResponse{Context: contextToPB(c)}, nil
}

// GetArtifactsByURI returns the artifacts with any of the given uris. A
// request that still carries the removed single-uri field (number 1) is
// rejected, as MLMD rejects it, rather than silently answering nothing.
func (s *Service) GetArtifactsByURI(ctx context.Context, req *pb.GetArtifactsByURIRequest) (*pb.GetArtifactsByURIResponse, error) {
	if hasUnknownField(req, 1) {
		return nil, toStatus(invalidArgument("GetArtifactsByURIRequest carries the removed field 1 (uri); send uris instead (MLMD client 0.21.0 or later)"))
	}
	arts, err := s.store.GetArtifactsByURI(ctx, req.GetUris())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, arts, artifactToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetArtifactsByURIResponse{Artifacts: out}, nil
}

// hasUnknownField reports whether m carries an unknown field with number n.
func hasUnknownField(m proto.Message, n protowire.Number) bool {
	b := m.ProtoReflect().GetUnknown()
	for len(b) > 0 {
		num, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return false
		}
		if num == n {
			return true
		}
		b = b[l:]
		l = protowire.ConsumeFieldValue(num, typ, b)
		if l < 0 {
			return false
		}
		b = b[l:]
	}
	return false
}

// GetArtifactsByExternalIds returns the artifacts with the given external ids.
func (s *Service) GetArtifactsByExternalIds(ctx context.Context, req *pb.GetArtifactsByExternalIdsRequest) (*pb.GetArtifactsByExternalIdsResponse, error) {
	arts, err := s.store.GetArtifactsByExternalIDs(ctx, req.GetExternalIds())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, arts, artifactToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetArtifactsByExternalIdsResponse{Artifacts: out}, nil
}

// GetExecutionsByExternalIds returns the executions with the given external
// ids.
func (s *Service) GetExecutionsByExternalIds(ctx context.Context, req *pb.GetExecutionsByExternalIdsRequest) (*pb.GetExecutionsByExternalIdsResponse, error) {
	es, err := s.store.GetExecutionsByExternalIDs(ctx, req.GetExternalIds())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, es, executionToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetExecutionsByExternalIdsResponse{Executions: out}, nil
}

// GetContextsByExternalIds returns the contexts with the given external ids.
func (s *Service) GetContextsByExternalIds(ctx context.Context, req *pb.GetContextsByExternalIdsRequest) (*pb.GetContextsByExternalIdsResponse, error) {
	cs, err := s.store.GetContextsByExternalIDs(ctx, req.GetExternalIds())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, cs, contextToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetContextsByExternalIdsResponse{Contexts: out}, nil
}

// ---- Edges -----------------------------------------------------------------------

// PutEvents inserts events.
func (s *Service) PutEvents(ctx context.Context, req *pb.PutEventsRequest) (*pb.PutEventsResponse, error) {
	if err := s.store.PutEvents(ctx, mapSlice(req.GetEvents(), eventFromPB)); err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutEventsResponse{}, nil
}

// GetEventsByExecutionIDs returns the events of the given executions.
func (s *Service) GetEventsByExecutionIDs(ctx context.Context, req *pb.GetEventsByExecutionIDsRequest) (*pb.GetEventsByExecutionIDsResponse, error) {
	evs, err := s.store.GetEventsByExecutionIDs(ctx, req.GetExecutionIds())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, evs, eventToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetEventsByExecutionIDsResponse{Events: out}, nil
}

// GetEventsByArtifactIDs returns the events of the given artifacts.
func (s *Service) GetEventsByArtifactIDs(ctx context.Context, req *pb.GetEventsByArtifactIDsRequest) (*pb.GetEventsByArtifactIDsResponse, error) {
	evs, err := s.store.GetEventsByArtifactIDs(ctx, req.GetArtifactIds())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, evs, eventToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetEventsByArtifactIDsResponse{Events: out}, nil
}

// PutAttributionsAndAssociations links artifacts and executions to contexts.
func (s *Service) PutAttributionsAndAssociations(ctx context.Context, req *pb.PutAttributionsAndAssociationsRequest) (*pb.PutAttributionsAndAssociationsResponse, error) {
	err := s.store.PutAttributionsAndAssociations(ctx,
		mapSlice(req.GetAttributions(), attributionFromPB),
		mapSlice(req.GetAssociations(), associationFromPB))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutAttributionsAndAssociationsResponse{}, nil
}

// PutParentContexts links contexts to their parents.
func (s *Service) PutParentContexts(ctx context.Context, req *pb.PutParentContextsRequest) (*pb.PutParentContextsResponse, error) {
	if err := s.store.PutParentContexts(ctx, mapSlice(req.GetParentContexts(), parentContextFromPB)); err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutParentContextsResponse{}, nil
}

// GetContextsByArtifact returns the contexts an artifact is attributed to.
func (s *Service) GetContextsByArtifact(ctx context.Context, req *pb.GetContextsByArtifactRequest) (*pb.GetContextsByArtifactResponse, error) {
	cs, err := s.store.GetContextsByArtifact(ctx, req.GetArtifactId())
	if err != nil {
		return nil, toStatus(err)
	}
	if len(cs) == 0 {
		// MLMD answers NotFound, not an empty list, for an artifact
		// without contexts (or a missing artifact); clients rely on it.
		return nil, status.Errorf(codes.NotFound, "no contexts found for artifact_id: %d", req.GetArtifactId())
	}
	out, err := mapSliceCtx(ctx, cs, contextToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetContextsByArtifactResponse{Contexts: out}, nil
}

// GetContextsByExecution returns the contexts an execution is associated with.
func (s *Service) GetContextsByExecution(ctx context.Context, req *pb.GetContextsByExecutionRequest) (*pb.GetContextsByExecutionResponse, error) {
	cs, err := s.store.GetContextsByExecution(ctx, req.GetExecutionId())
	if err != nil {
		return nil, toStatus(err)
	}
	if len(cs) == 0 {
		// As GetContextsByArtifact: MLMD answers NotFound.
		return nil, status.Errorf(codes.NotFound, "no contexts found for execution_id: %d", req.GetExecutionId())
	}
	out, err := mapSliceCtx(ctx, cs, contextToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetContextsByExecutionResponse{Contexts: out}, nil
}

// GetParentContextsByContext returns the parents of a context.
func (s *Service) GetParentContextsByContext(ctx context.Context, req *pb.GetParentContextsByContextRequest) (*pb.GetParentContextsByContextResponse, error) {
	cs, err := s.store.GetParentContextsByContext(ctx, req.GetContextId())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, cs, contextToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetParentContextsByContextResponse{Contexts: out}, nil
}

// GetChildrenContextsByContext returns the children of a context.
func (s *Service) GetChildrenContextsByContext(ctx context.Context, req *pb.GetChildrenContextsByContextRequest) (*pb.GetChildrenContextsByContextResponse, error) {
	cs, err := s.store.GetChildrenContextsByContext(ctx, req.GetContextId())
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, cs, contextToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetChildrenContextsByContextResponse{Contexts: out}, nil
}

// GetParentContextsByContexts returns the parents of many contexts, keyed by
// child id; contexts without parents have no entry.
func (s *Service) GetParentContextsByContexts(ctx context.Context, req *pb.GetParentContextsByContextsRequest) (*pb.GetParentContextsByContextsResponse, error) {
	m, err := s.store.GetParentContextsByContexts(ctx, req.GetContextIds())
	if err != nil {
		return nil, toStatus(err)
	}
	res := &pb.GetParentContextsByContextsResponse{}
	if len(m) > 0 {
		res.Contexts = make(map[int64]*pb.GetParentContextsByContextsResponse_ParentContextsPerChild, len(m))
		for child, parents := range m {
			res.Contexts[child] = &pb.GetParentContextsByContextsResponse_ParentContextsPerChild{ParentContexts: mapSlice(parents, contextToPB)}
		}
	}
	return res, nil
}

// GetChildrenContextsByContexts returns the children of many contexts, keyed
// by parent id; contexts without children have no entry.
func (s *Service) GetChildrenContextsByContexts(ctx context.Context, req *pb.GetChildrenContextsByContextsRequest) (*pb.GetChildrenContextsByContextsResponse, error) {
	m, err := s.store.GetChildrenContextsByContexts(ctx, req.GetContextIds())
	if err != nil {
		return nil, toStatus(err)
	}
	res := &pb.GetChildrenContextsByContextsResponse{}
	if len(m) > 0 {
		res.Contexts = make(map[int64]*pb.GetChildrenContextsByContextsResponse_ChildrenContextsPerParent, len(m))
		for parent, children := range m {
			res.Contexts[parent] = &pb.GetChildrenContextsByContextsResponse_ChildrenContextsPerParent{ChildrenContexts: mapSlice(children, contextToPB)}
		}
	}
	return res, nil
}

// GetArtifactsByContext lists the artifacts attributed to a context.
func (s *Service) GetArtifactsByContext(ctx context.Context, req *pb.GetArtifactsByContextRequest) (*pb.GetArtifactsByContextResponse, error) {
	lo, err := listOptionsFromPB(req.GetOptions())
	if err != nil {
		return nil, toStatus(err)
	}
	arts, next, err := s.store.GetArtifactsByContext(ctx, req.GetContextId(), lo)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, arts, artifactToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetArtifactsByContextResponse{Artifacts: out, NextPageToken: optString(next)}, nil
}

// GetExecutionsByContext lists the executions associated with a context.
func (s *Service) GetExecutionsByContext(ctx context.Context, req *pb.GetExecutionsByContextRequest) (*pb.GetExecutionsByContextResponse, error) {
	lo, err := listOptionsFromPB(req.GetOptions())
	if err != nil {
		return nil, toStatus(err)
	}
	es, next, err := s.store.GetExecutionsByContext(ctx, req.GetContextId(), lo)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := mapSliceCtx(ctx, es, executionToPB)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetExecutionsByContextResponse{Executions: out, NextPageToken: optString(next)}, nil
}

// ---- Transactions ------------------------------------------------------------

// PutExecution records an execution with its artifacts, events and contexts
// in one transaction.
func (s *Service) PutExecution(ctx context.Context, req *pb.PutExecutionRequest) (*pb.PutExecutionResponse, error) {
	if req.Execution == nil {
		return nil, toStatus(invalidArgument("PutExecutionRequest has no execution"))
	}
	pairs := make([]mlmd.ArtifactAndEvent, len(req.GetArtifactEventPairs()))
	for i, p := range req.GetArtifactEventPairs() {
		if p.Artifact != nil {
			a := artifactFromPB(p.Artifact)
			pairs[i].Artifact = &a
		}
		if p.Event != nil {
			e := eventFromPB(p.Event)
			pairs[i].Event = &e
		}
	}
	o := req.GetOptions()
	opts := &mlmd.PutExecutionOptions{
		ReuseContextIfAlreadyExist:              o.GetReuseContextIfAlreadyExist(),
		ReuseArtifactIfAlreadyExistByExternalID: o.GetReuseArtifactIfAlreadyExistByExternalId(),
		ForceUpdateTime:                         o.GetForceUpdateTime(),
		ForceReuseContext:                       o.GetForceReuseContext(),
	}
	res, err := s.store.PutExecution(ctx, executionFromPB(req.Execution), pairs, mapSlice(req.GetContexts(), contextFromPB), opts)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutExecutionResponse{
		ExecutionId: proto.Int64(res.ExecutionID),
		ArtifactIds: res.ArtifactIDs,
		ContextIds:  res.ContextIDs,
	}, nil
}

// PutLineageSubgraph records executions, artifacts, contexts and the events
// between them in one transaction.
func (s *Service) PutLineageSubgraph(ctx context.Context, req *pb.PutLineageSubgraphRequest) (*pb.PutLineageSubgraphResponse, error) {
	g := mlmd.LineageSubgraph{
		Executions: mapSlice(req.GetExecutions(), executionFromPB),
		Artifacts:  mapSlice(req.GetArtifacts(), artifactFromPB),
		Contexts:   mapSlice(req.GetContexts(), contextFromPB),
	}
	edges, err := eventEdgesFromPB(req)
	if err != nil {
		return nil, toStatus(err)
	}
	g.EventEdges = edges
	o := req.GetOptions()
	opts := &mlmd.PutLineageSubgraphOptions{
		ReuseContextIfAlreadyExist:              o.GetReuseContextIfAlreadyExist(),
		ReuseArtifactIfAlreadyExistByExternalID: o.GetReuseArtifactIfAlreadyExistByExternalId(),
	}
	res, err := s.store.PutLineageSubgraph(ctx, g, opts)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PutLineageSubgraphResponse{
		ExecutionIds: res.ExecutionIDs,
		ArtifactIds:  res.ArtifactIDs,
		ContextIds:   res.ContextIDs,
	}, nil
}

// eventEdgesFromPB converts the event edges of a PutLineageSubgraph request.
// It performs the one check that needs to know whether a field was set,
// which the Go types cannot express: every edge needs an event. A missing
// execution_index or artifact_index becomes -1, which tells the store that
// the event names the node by its id (and the store checks that it does).
func eventEdgesFromPB(req *pb.PutLineageSubgraphRequest) ([]mlmd.EventEdge, error) {
	in := req.GetEventEdges()
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]mlmd.EventEdge, len(in))
	for i, e := range in {
		if e.Event == nil {
			return nil, invalidArgument("event_edges[%d] has no event", i)
		}
		out[i] = mlmd.EventEdge{ExecutionIndex: -1, ArtifactIndex: -1, Event: eventFromPB(e.Event)}
		// An index that is set must be in range; a negative one would read
		// as "unset" to the store, so it is rejected here, with MLMD's code.
		if e.ExecutionIndex != nil {
			if e.GetExecutionIndex() < 0 {
				return nil, errcode.New(errcode.OutOfRange, "event_edges[%d].execution_index %d is negative", i, e.GetExecutionIndex())
			}
			out[i].ExecutionIndex = int(e.GetExecutionIndex())
		}
		if e.ArtifactIndex != nil {
			if e.GetArtifactIndex() < 0 {
				return nil, errcode.New(errcode.OutOfRange, "event_edges[%d].artifact_index %d is negative", i, e.GetArtifactIndex())
			}
			out[i].ArtifactIndex = int(e.GetArtifactIndex())
		}
	}
	return out, nil
}
