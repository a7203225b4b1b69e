package server

// gomlmd's own AdminService (proto/gomlmd/admin/v1): deletion over gRPC,
// as a separate service that mlmd-server registers only when asked to.

import (
	"context"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	adminpb "github.com/gomlmd/gomlmd/gen/adminpb"
	"github.com/gomlmd/gomlmd/mlmd"
)

// AdminService implements gomlmd.admin.v1.AdminService over a store.
type AdminService struct {
	adminpb.UnimplementedAdminServiceServer
	st atomic.Pointer[mlmd.Store]
}

var _ adminpb.AdminServiceServer = (*AdminService)(nil)

// NewAdmin returns the admin service for store. The caller keeps
// ownership of store. A nil store makes the service answer Unavailable
// until SetStore gives it one (mlmd-server listens before its database
// is connected).
func NewAdmin(store *mlmd.Store) *AdminService {
	a := &AdminService{}
	a.SetStore(store)
	return a
}

// SetStore gives the service its store.
func (a *AdminService) SetStore(store *mlmd.Store) { a.st.Store(store) }

// store returns the service's store, or Unavailable while it has none.
func (a *AdminService) store() (*mlmd.Store, error) {
	s := a.st.Load()
	if s == nil {
		return nil, status.Error(codes.Unavailable, "the metadata store is not ready: the server is still connecting to its database")
	}
	return s, nil
}

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
	store, err := a.store()
	if err != nil {
		return nil, err
	}
	err = store.Delete(ctx, mlmd.NodeIDs{Artifacts: req.GetArtifactIds(), Executions: req.GetExecutionIds(), Contexts: req.GetContextIds()})
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
	store, err := a.store()
	if err != nil {
		return nil, err
	}
	ids, err := store.DeleteByFilter(ctx, k, req.GetFilterQuery(), int(req.GetLimit()))
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
	store, err := a.store()
	if err != nil {
		return nil, err
	}
	if err := store.DeleteType(ctx, k, req.GetTypeId()); err != nil {
		return nil, toStatus(err)
	}
	return &adminpb.DeleteTypeResponse{}, nil
}
