package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
)

// The lineage calls: each converts the request's options, calls the store,
// and fills a LineageGraph message with the converters of convert.go.

// GetLineageGraph is MLMD's deprecated lineage query. Current MLMD servers
// answer it with Unimplemented; this one answers it as MLMD did before it
// was deprecated (see mlmd.Store.GetLineageGraph), for the clients that
// still call it.
func (s *Service) GetLineageGraph(ctx context.Context, req *pb.GetLineageGraphRequest) (*pb.GetLineageGraphResponse, error) {
	q, err := lineageGraphQueryFromPB(req.GetOptions())
	if err != nil {
		return nil, toStatus(err)
	}
	g, err := s.store.GetLineageGraph(ctx, q)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := lineageGraphToPB(g)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetLineageGraphResponse{Subgraph: out}, nil
}

// GetLineageSubgraph walks the lineage graph from a set of starting nodes.
// As MLMD's server, it returns the artifacts, executions and contexts
// with their ids only ("dehydrated"); clients read the nodes with the
// Get*ByID calls.
func (s *Service) GetLineageSubgraph(ctx context.Context, req *pb.GetLineageSubgraphRequest) (*pb.GetLineageSubgraphResponse, error) {
	q := lineageSubgraphQueryFromPB(req.GetLineageSubgraphQueryOptions())
	q.ReadMask = maskPaths(req.GetReadMask())
	q.NodeIDsOnly = true
	g, err := s.store.GetLineageSubgraph(ctx, q)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := lineageGraphToPB(g)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetLineageSubgraphResponse{LineageSubgraph: out}, nil
}

// lineageSubgraphQueryFromPB converts LineageSubgraphQueryOptions. MLMD
// tells "ending nodes with an empty filter" (every node ends) from "ending
// nodes without a filter" (none ends) by the filter's presence; so does
// this function.
func lineageSubgraphQueryFromPB(o *pb.LineageSubgraphQueryOptions) mlmd.LineageSubgraphQuery {
	var q mlmd.LineageSubgraphQuery
	if o == nil {
		return q
	}
	q.MaxNumHops, q.Direction = o.MaxNumHops, mlmd.LineageDirection(o.GetDirection())
	switch start := o.GetStartingNodes().(type) {
	case *pb.LineageSubgraphQueryOptions_StartingArtifacts:
		q.StartingArtifacts = &mlmd.StartingNodes{FilterQuery: start.StartingArtifacts.GetFilterQuery()}
	case *pb.LineageSubgraphQueryOptions_StartingExecutions:
		q.StartingExecutions = &mlmd.StartingNodes{FilterQuery: start.StartingExecutions.GetFilterQuery()}
	}
	q.EndingArtifacts = endingNodesFromPB(o.GetEndingArtifacts())
	q.EndingExecutions = endingNodesFromPB(o.GetEndingExecutions())
	return q
}

func endingNodesFromPB(e *pb.LineageSubgraphQueryOptions_EndingNodes) *mlmd.EndingNodes {
	if e == nil || e.FilterQuery == nil {
		return nil
	}
	return &mlmd.EndingNodes{FilterQuery: e.GetFilterQuery(), IncludeEndingNodes: e.GetIncludeEndingNodes()}
}

// lineageGraphQueryFromPB converts LineageGraphQueryOptions; max_node_size
// keeps its proto default, 20, when unset.
func lineageGraphQueryFromPB(o *pb.LineageGraphQueryOptions) (mlmd.LineageGraphQuery, error) {
	list, err := listOptionsFromPB(o.GetArtifactsOptions())
	if err != nil {
		return mlmd.LineageGraphQuery{}, err
	}
	stop := o.GetStopConditions()
	var hops *int64
	if stop != nil {
		hops = stop.MaxNumHops
	}
	return mlmd.LineageGraphQuery{
		Artifacts:          list,
		MaxNumHops:         hops,
		BoundaryArtifacts:  stop.GetBoundaryArtifacts(),
		BoundaryExecutions: stop.GetBoundaryExecutions(),
		MaxNodeSize:        proto.Int64(o.GetMaxNodeSize()),
	}, nil
}

// lineageGraphToPB converts a LineageGraph.
func lineageGraphToPB(g mlmd.LineageGraph) (*pb.LineageGraph, error) {
	executionTypes, err := mapSliceErr(g.ExecutionTypes, executionTypeToPB)
	if err != nil {
		return nil, err
	}
	return &pb.LineageGraph{
		ArtifactTypes:  mapSlice(g.ArtifactTypes, artifactTypeToPB),
		ExecutionTypes: executionTypes,
		ContextTypes:   mapSlice(g.ContextTypes, contextTypeToPB),
		Artifacts:      mapSlice(g.Artifacts, artifactToPB),
		Executions:     mapSlice(g.Executions, executionToPB),
		Contexts:       mapSlice(g.Contexts, contextToPB),
		Events:         mapSlice(g.Events, eventToPB),
		Attributions:   mapSlice(g.Attributions, attributionToPB),
		Associations:   mapSlice(g.Associations, associationToPB),
		ParentContexts: mapSlice(g.ParentContexts, parentContextToPB),
	}, nil
}
