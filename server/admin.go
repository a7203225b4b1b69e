package server

// gomlmd's own AdminService (proto/gomlmd/admin/v1): deletion over gRPC,
// as a separate service that mlmd-server registers only when asked to.

import (
	"context"

	"google.golang.org/grpc"

	adminpb "github.com/gomlmd/gomlmd/gen/adminpb"
	"github.com/gomlmd/gomlmd/mlmd"
)

// AdminService implements gomlmd.admin.v1.AdminService over a store.
type AdminService struct {
	adminpb.UnimplementedAdminServiceServer
	store *mlmd.Store
}

var _ adminpb.AdminServiceServer = (*AdminService)(nil)

// NewAdmin returns the admin service for store. The caller keeps
// ownership of store.
func NewAdmin(store *mlmd.Store) *AdminService { return &AdminService{store: store} }

// Register registers the service on a gRPC server.
func (a *AdminService) Register(r grpc.ServiceRegistrar) { adminpb.RegisterAdminServiceServer(r, a) }

func kindFromPB(k adminpb.Kind) (mlmd.Kind, error) {
	switch k {
	case adminpb.Kind_KIND_ARTIFACT:
		return mlmd.KindArtifact, nil
	case adminpb.Kind_KIND_EXECUTION:
		return mlmd.KindExecution, nil
	case adminpb.Kind_KIND_CONTEXT:
		return mlmd.KindContext, nil
	}
	return 0, invalidArgument("kind %v: want KIND_ARTIFACT, KIND_EXECUTION or KIND_CONTEXT", k)
}

// DeleteNodes deletes nodes by id (mlmd.Store.Delete).
func (a *AdminService) DeleteNodes(ctx context.Context, req *adminpb.DeleteNodesRequest) (*adminpb.DeleteNodesResponse, error) {
	err := a.store.Delete(ctx, mlmd.NodeIDs{Artifacts: req.GetArtifactIds(), Executions: req.GetExecutionIds(), Contexts: req.GetContextIds()})
	if err != nil {
		return nil, toStatus(err)
	}
	return &adminpb.DeleteNodesResponse{}, nil
}

// DeleteNodesByFilter deletes a batch of matching nodes
// (mlmd.Store.DeleteByFilter).
func (a *AdminService) DeleteNodesByFilter(ctx context.Context, req *adminpb.DeleteNodesByFilterRequest) (*adminpb.DeleteNodesByFilterResponse, error) {
	k, err := kindFromPB(req.GetKind())
	if err != nil {
		return nil, toStatus(err)
	}
	ids, err := a.store.DeleteByFilter(ctx, k, req.GetFilterQuery(), int(req.GetLimit()))
	if err != nil {
		return nil, toStatus(err)
	}
	return &adminpb.DeleteNodesByFilterResponse{DeletedIds: ids}, nil
}

// DeleteType deletes an unused type (mlmd.Store.DeleteType).
func (a *AdminService) DeleteType(ctx context.Context, req *adminpb.DeleteTypeRequest) (*adminpb.DeleteTypeResponse, error) {
	k, err := kindFromPB(req.GetKind())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := a.store.DeleteType(ctx, k, req.GetTypeId()); err != nil {
		return nil, toStatus(err)
	}
	return &adminpb.DeleteTypeResponse{}, nil
}
