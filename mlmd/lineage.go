package mlmd

// Lineage: GetLineageSubgraph, GetLineageGraph and the everyday helpers
// Provenance and Descendants. The walk itself is in lineage_walk.go.

import (
	"context"
	"fmt"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// LineageGraph is a piece of the lineage graph, as the lineage queries
// return it (MLMD's LineageGraph). Nodes are ordered by id, events by the
// order they were stored in, attributions and associations by the order
// they were stored in, types by id.
type LineageGraph struct {
	ArtifactTypes  []ArtifactType
	ExecutionTypes []ExecutionType
	ContextTypes   []ContextType
	Artifacts      []Artifact
	Executions     []Execution
	Contexts       []Context
	Events         []Event
	Attributions   []Attribution
	Associations   []Association
	// ParentContexts completes the shape of MLMD's message; neither
	// lineage query fills it, as in MLMD.
	ParentContexts []ParentContext
}

// LineageDirection is the direction of the hops of a lineage walk (MLMD's
// LineageSubgraphQueryOptions.Direction).
type LineageDirection int32

// The directions. An upstream hop goes from an artifact to the execution
// that output it, or from an execution to the artifacts it input; a
// downstream hop goes the other way. DirectionUnspecified is Bidirectional.
const (
	DirectionUnspecified LineageDirection = 0
	Upstream             LineageDirection = 1
	Downstream           LineageDirection = 2
	Bidirectional        LineageDirection = 3
)

// String returns MLMD's name of the direction, e.g. "UPSTREAM".
func (d LineageDirection) String() string {
	switch d {
	case DirectionUnspecified:
		return "DIRECTION_UNSPECIFIED"
	case Upstream:
		return "UPSTREAM"
	case Downstream:
		return "DOWNSTREAM"
	case Bidirectional:
		return "BIDIRECTIONAL"
	}
	return fmt.Sprintf("LineageDirection(%d)", int32(d))
}

// MaxLineageHops is the most hops GetLineageSubgraph walks (MLMD's cap):
// larger MaxNumHops values are lowered to it, and it is the default.
const MaxLineageHops = 100

// MaxLineageStartingNodes is the most starting nodes GetLineageSubgraph
// walks from: the ones with the lowest ids among those its filter query
// matches. It is MLMD's listing limit of 100 plus the one row MLMD reads
// to learn whether more follow.
const MaxLineageStartingNodes = 101

// LineageSubgraphReadMask lists the read mask paths of GetLineageSubgraph:
// the fields of LineageGraph by MLMD's names. An empty read mask means all
// of them.
var LineageSubgraphReadMask = []string{
	"artifact_types", "execution_types", "context_types",
	"artifacts", "executions", "contexts",
	"events", "attributions", "associations", "parent_contexts",
}

// StartingNodes chooses the nodes a lineage walk starts from.
type StartingNodes struct {
	// FilterQuery is a filter query over nodes of the kind, e.g.
	// "uri = 'gs://bucket/model'"; it must not be empty.
	FilterQuery string
}

// EndingNodes chooses the nodes where a lineage walk stops: it reaches
// them but does not go on from them.
type EndingNodes struct {
	// FilterQuery is a filter query over nodes of the kind. As in MLMD, an
	// empty FilterQuery in a non-nil EndingNodes makes every node of the
	// kind an ending node.
	FilterQuery string
	// IncludeEndingNodes returns the ending nodes reached, with the events
	// that reached them; by default both are left out.
	IncludeEndingNodes bool
}

// LineageSubgraphQuery is the question of GetLineageSubgraph (MLMD's
// LineageSubgraphQueryOptions and GetLineageSubgraphRequest.read_mask).
type LineageSubgraphQuery struct {
	// StartingArtifacts or StartingExecutions (exactly one) chooses the
	// starting nodes.
	StartingArtifacts  *StartingNodes
	StartingExecutions *StartingNodes
	// MaxNumHops is the most hops to walk; nil means MaxLineageHops, which
	// is also the cap, and 0 returns the starting nodes only. A hop goes
	// from a node over an event to the next node, so an artifact's inputs
	// are 2 hops upstream of it.
	MaxNumHops *int64
	// Direction is the direction of every hop.
	Direction LineageDirection
	// EndingArtifacts and EndingExecutions, if not nil, stop the walk at
	// the nodes they match.
	EndingArtifacts  *EndingNodes
	EndingExecutions *EndingNodes
	// ReadMask names the fields of the LineageGraph to fill (see
	// LineageSubgraphReadMask; unknown paths are ignored, as in MLMD); an
	// empty mask fills them all.
	ReadMask []string
	// NodeIDsOnly returns artifacts, executions and contexts with only
	// their ID set, as MLMD's GetLineageSubgraph RPC does ("dehydrated"
	// nodes), which spares reading the nodes.
	NodeIDsOnly bool
}

// GetLineageSubgraph walks the lineage graph from the starting nodes, as
// MLMD's GetLineageSubgraph does, and returns what it finds:
//
//   - the starting nodes (at most MaxLineageStartingNodes, the lowest ids
//     matched) and the nodes reached within MaxNumHops hops in the
//     Direction; a walk does not go on from an ending node, and ending
//     nodes (starting nodes included) are returned only with
//     IncludeEndingNodes;
//   - the events the walk followed: to a newly reached node, to an ending
//     node with IncludeEndingNodes, and, when the walk is upstream or
//     downstream, to a node reached before;
//   - the contexts of the returned artifacts and executions, with their
//     attributions and associations (all those of the returned nodes);
//   - every type of the store, MLMD's system base types included.
//
// Errors: InvalidArgument for no or two kinds of starting nodes, an empty
// starting filter query, a filter query that does not parse or check, a
// negative MaxNumHops or an unknown Direction; NotFound when no node
// matches the starting filter query.
func (s *Store) GetLineageSubgraph(ctx context.Context, q LineageSubgraphQuery) (LineageGraph, error) {
	plan, err := planSubgraph(q)
	if err != nil {
		return LineageGraph{}, wrapErr("GetLineageSubgraph", err)
	}
	plan.walk = s.walk
	return s.readGraph(ctx, "GetLineageSubgraph", plan.run)
}

// Provenance returns the upstream lineage of an artifact: the artifact,
// the executions that output it, their inputs, the executions that output
// those, and so on, up to MaxLineageHops hops, with the events, contexts
// and types of GetLineageSubgraph. Returns NotFound if there is no
// artifact with the id.
func (s *Store) Provenance(ctx context.Context, artifactID int64) (LineageGraph, error) {
	return s.lineageOf(ctx, "Provenance", artifactID, Upstream)
}

// Descendants returns the downstream lineage of an artifact: the
// artifact, the executions that input it, their outputs, the executions
// that input those, and so on, up to MaxLineageHops hops, with the events,
// contexts and types of GetLineageSubgraph. Returns NotFound if there is
// no artifact with the id.
func (s *Store) Descendants(ctx context.Context, artifactID int64) (LineageGraph, error) {
	return s.lineageOf(ctx, "Descendants", artifactID, Downstream)
}

func (s *Store) lineageOf(ctx context.Context, op string, artifactID int64, dir LineageDirection) (LineageGraph, error) {
	if artifactID <= 0 {
		return LineageGraph{}, wrapErr(op, errcode.New(errcode.NotFound, "no artifact with id %d", artifactID))
	}
	plan := &subgraphPlan{
		startKind: KindArtifact,
		startIDs:  []int64{artifactID},
		maxHops:   MaxLineageHops,
		dir:       dir,
		mask:      fullLineageMask(),
	}
	return s.readGraph(ctx, op, plan.run)
}

// readGraph answers a lineage query: run in one read transaction.
func (s *Store) readGraph(ctx context.Context, op string, run func(context.Context, driver.Tx) (LineageGraph, error)) (LineageGraph, error) {
	var g LineageGraph
	err := s.read(ctx, op, func(tx driver.Tx) (err error) {
		g, err = run(ctx, tx)
		return err
	})
	if err != nil {
		return LineageGraph{}, err
	}
	return g, nil
}

// MaxLineageGraphHops is the most hops GetLineageGraph walks, and its
// default (MLMD's).
const MaxLineageGraphHops = 20

// DefaultLineageGraphNodeSize is GetLineageGraph's default MaxNodeSize.
const DefaultLineageGraphNodeSize = 20

// LineageGraphQuery is the question of GetLineageGraph (MLMD's
// LineageGraphQueryOptions).
type LineageGraphQuery struct {
	// Artifacts lists the artifacts to start from (one page of the
	// listing, as GetArtifacts with these options returns it); it must not
	// be nil.
	Artifacts *ListOptions
	// MaxNumHops is the most hops to walk; nil means MaxLineageGraphHops,
	// which is also the cap.
	MaxNumHops *int64
	// BoundaryArtifacts and BoundaryExecutions, if not empty, are filter
	// queries: the walk keeps only the nodes of the kind that match, and
	// does not go on from the others.
	BoundaryArtifacts  string
	BoundaryExecutions string
	// MaxNodeSize is the most artifacts and executions to return; nil
	// means DefaultLineageGraphNodeSize, and 0 or less means no limit.
	MaxNodeSize *int64
}

// GetLineageGraph walks the lineage graph in both directions from the
// artifacts that q.Artifacts lists, as MLMD's deprecated GetLineageGraph
// did: hop by hop, it keeps the newly found nodes that match the boundary
// filter of their kind, until MaxNumHops hops are walked, nothing new is
// found, or MaxNodeSize nodes are found. When a hop finds more nodes than
// the limit leaves room for, it keeps the ones with the lowest ids (MLMD
// keeps an unspecified subset). It returns the nodes, the events that
// reached them, and the types of the store except MLMD's system base
// types; no contexts.
//
// Errors: InvalidArgument for a nil q.Artifacts, bad listing options, a
// filter query that does not parse or check, or a negative MaxNumHops;
// NotFound when the listing finds no artifact.
func (s *Store) GetLineageGraph(ctx context.Context, q LineageGraphQuery) (LineageGraph, error) {
	plan, err := planGraph(q)
	if err != nil {
		return LineageGraph{}, wrapErr("GetLineageGraph", err)
	}
	return s.readGraph(ctx, "GetLineageGraph", plan.run)
}
