package server

import (
	"context"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// The lineage calls. Each is one function: when package mlmd gains the
// lineage queries (issue 5), the body converts the request's options, calls
// the store, and fills a LineageGraph message with the converters of
// convert.go (artifactToPB, eventToPB, ...).

// GetLineageGraph is MLMD's deprecated lineage query. MLMD's own server
// answers it with Unimplemented too.
func (s *Service) GetLineageGraph(ctx context.Context, req *pb.GetLineageGraphRequest) (*pb.GetLineageGraphResponse, error) {
	return nil, toStatus(errcode.New(errcode.Unimplemented, "GetLineageGraph is not implemented; use GetLineageSubgraph"))
}

// GetLineageSubgraph walks the lineage graph from a set of starting nodes.
func (s *Service) GetLineageSubgraph(ctx context.Context, req *pb.GetLineageSubgraphRequest) (*pb.GetLineageSubgraphResponse, error) {
	return nil, toStatus(errcode.New(errcode.Unimplemented, "GetLineageSubgraph is not implemented yet"))
}
