package main

import (
	"context"

	"google.golang.org/grpc"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/server"
)

// api is the part of MLMD's service the workload calls. The generated gRPC
// client implements it, and so does direct, which calls the service in the
// same process without gRPC: the baseline that the network path is
// compared with.
type api interface {
	GetContextByTypeAndName(ctx context.Context, in *pb.GetContextByTypeAndNameRequest, opts ...grpc.CallOption) (*pb.GetContextByTypeAndNameResponse, error)
	PutContextType(ctx context.Context, in *pb.PutContextTypeRequest, opts ...grpc.CallOption) (*pb.PutContextTypeResponse, error)
	PutContexts(ctx context.Context, in *pb.PutContextsRequest, opts ...grpc.CallOption) (*pb.PutContextsResponse, error)
	PutParentContexts(ctx context.Context, in *pb.PutParentContextsRequest, opts ...grpc.CallOption) (*pb.PutParentContextsResponse, error)
	PutExecutionType(ctx context.Context, in *pb.PutExecutionTypeRequest, opts ...grpc.CallOption) (*pb.PutExecutionTypeResponse, error)
	PutExecution(ctx context.Context, in *pb.PutExecutionRequest, opts ...grpc.CallOption) (*pb.PutExecutionResponse, error)
	PutArtifactType(ctx context.Context, in *pb.PutArtifactTypeRequest, opts ...grpc.CallOption) (*pb.PutArtifactTypeResponse, error)
	PutArtifacts(ctx context.Context, in *pb.PutArtifactsRequest, opts ...grpc.CallOption) (*pb.PutArtifactsResponse, error)
	GetExecutionsByContext(ctx context.Context, in *pb.GetExecutionsByContextRequest, opts ...grpc.CallOption) (*pb.GetExecutionsByContextResponse, error)
	GetArtifactsByID(ctx context.Context, in *pb.GetArtifactsByIDRequest, opts ...grpc.CallOption) (*pb.GetArtifactsByIDResponse, error)
}

var _ api = pb.MetadataStoreServiceClient(nil)

// direct calls a server.Service in process.
type direct struct{ s *server.Service }

func (d direct) GetContextByTypeAndName(ctx context.Context, in *pb.GetContextByTypeAndNameRequest, _ ...grpc.CallOption) (*pb.GetContextByTypeAndNameResponse, error) {
	return d.s.GetContextByTypeAndName(ctx, in)
}
func (d direct) PutContextType(ctx context.Context, in *pb.PutContextTypeRequest, _ ...grpc.CallOption) (*pb.PutContextTypeResponse, error) {
	return d.s.PutContextType(ctx, in)
}
func (d direct) PutContexts(ctx context.Context, in *pb.PutContextsRequest, _ ...grpc.CallOption) (*pb.PutContextsResponse, error) {
	return d.s.PutContexts(ctx, in)
}
func (d direct) PutParentContexts(ctx context.Context, in *pb.PutParentContextsRequest, _ ...grpc.CallOption) (*pb.PutParentContextsResponse, error) {
	return d.s.PutParentContexts(ctx, in)
}
func (d direct) PutExecutionType(ctx context.Context, in *pb.PutExecutionTypeRequest, _ ...grpc.CallOption) (*pb.PutExecutionTypeResponse, error) {
	return d.s.PutExecutionType(ctx, in)
}
func (d direct) PutExecution(ctx context.Context, in *pb.PutExecutionRequest, _ ...grpc.CallOption) (*pb.PutExecutionResponse, error) {
	return d.s.PutExecution(ctx, in)
}
func (d direct) PutArtifactType(ctx context.Context, in *pb.PutArtifactTypeRequest, _ ...grpc.CallOption) (*pb.PutArtifactTypeResponse, error) {
	return d.s.PutArtifactType(ctx, in)
}
func (d direct) PutArtifacts(ctx context.Context, in *pb.PutArtifactsRequest, _ ...grpc.CallOption) (*pb.PutArtifactsResponse, error) {
	return d.s.PutArtifacts(ctx, in)
}
func (d direct) GetExecutionsByContext(ctx context.Context, in *pb.GetExecutionsByContextRequest, _ ...grpc.CallOption) (*pb.GetExecutionsByContextResponse, error) {
	return d.s.GetExecutionsByContext(ctx, in)
}
func (d direct) GetArtifactsByID(ctx context.Context, in *pb.GetArtifactsByIDRequest, _ ...grpc.CallOption) (*pb.GetArtifactsByIDResponse, error) {
	return d.s.GetArtifactsByID(ctx, in)
}
