// Package mlmdgc is garbage collection for an ML Metadata store: it finds
// old executions and the artifacts they output, keeps everything that a
// live artifact, a named context or any other kept node still needs in
// its lineage, and deletes the rest in batches, one transaction each, so
// that the store stays online and every intermediate state is
// consistent.
//
// A collection has two steps: NewPlan reads the store and decides what
// goes (a dry run prints the plan), Plan.Apply deletes it. The rules are
// in docs/lifecycle.md; in short:
//
//   - candidates are the executions last updated before Now-OlderThan
//     (associated with a context of ContextType, if set) and the artifacts
//     they output (any output event type);
//   - a candidate is kept if it is a LIVE artifact, a member of a context
//     named in KeepContexts, or upstream of a kept node or of any node
//     that is not a candidate: the provenance of every node that stays is
//     complete;
//   - contexts and types are never deleted; the inputs of a deleted
//     execution that are not candidates stay (they lose that event).
//
// Batches go downstream first (a node is deleted no earlier than
// everything below it), so a run that stops halfway, even killed, leaves
// a store whose remaining nodes all have their complete provenance; run
// again to finish.
package mlmdgc

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Policy says what a collection may delete.
type Policy struct {
	// OlderThan selects executions whose last update is older than this
	// (required, positive).
	OlderThan time.Duration
	// ContextType, if set, keeps the candidates to executions associated
	// with a context of this type (e.g. "pipeline_run").
	ContextType string
	// KeepContexts names contexts (of any type) whose member artifacts and
	// executions are kept, with everything upstream of them.
	KeepContexts []string
	// MaxCandidates bounds the executions one plan considers, and so its
	// memory; 0 means 100000. A store with more old executions needs more
	// runs (each plan takes the oldest ids first).
	MaxCandidates int
	// Now, if set, replaces time.Now (tests).
	Now func() time.Time
}

// Node is a node of a plan.
type Node struct {
	Kind mlmd.Kind
	ID   int64
	// Type is the type's name; Name the node's name; URI the artifact's uri.
	Type, Name, URI string
}

// String formats the node for a dry run, e.g. `execution 12 "train-3" (Trainer)`.
func (n Node) String() string {
	s := fmt.Sprintf("%s %d", n.Kind, n.ID)
	if n.Name != "" {
		s += fmt.Sprintf(" %q", n.Name)
	}
	if n.URI != "" {
		s += " " + n.URI
	}
	return s + " (" + n.Type + ")"
}

// Plan is what a collection deletes, in deletion order (downstream first).
type Plan struct {
	Nodes []Node
	// Candidates and Kept count the candidate nodes and those of them the
	// policy keeps.
	Candidates, Kept int
}

// Count returns the number of executions and artifacts the plan deletes.
func (p *Plan) Count() (executions, artifacts int) {
	for _, n := range p.Nodes {
		if n.Kind == mlmd.KindExecution {
			executions++
		} else {
			artifacts++
		}
	}
	return executions, artifacts
}

type key struct {
	kind mlmd.Kind
	id   int64
}

// planner holds the candidate graph while a plan is made.
type planner struct {
	ctx   context.Context
	s     *mlmd.Store
	nodes map[key]Node
	// succ are the downstream neighbours of each candidate: the artifacts
	// an execution wrote, the executions that read an artifact.
	succ map[key][]key
	// protected are the candidates kept whatever their neighbours.
	protected map[key]bool
}

func quote(what, s string) (string, error) {
	if strings.ContainsAny(s, "'\\") {
		return "", errcode.New(errcode.InvalidArgument, "mlmdgc: %s %q: quotes and backslashes are not supported", what, s)
	}
	return "'" + s + "'", nil
}

// NewPlan reads the store and returns what the policy deletes. It reads
// page by page; its memory is proportional to the candidates and their
// events.
func NewPlan(ctx context.Context, s *mlmd.Store, p Policy) (*Plan, error) {
	if p.OlderThan <= 0 {
		return nil, errcode.New(errcode.InvalidArgument, "mlmdgc: OlderThan must be positive, got %v", p.OlderThan)
	}
	if p.MaxCandidates <= 0 {
		p.MaxCandidates = 100000
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	filter := fmt.Sprintf("last_update_time_since_epoch < %d", now().Add(-p.OlderThan).UnixMilli())
	if p.ContextType != "" {
		q, err := quote("context type", p.ContextType)
		if err != nil {
			return nil, err
		}
		filter += " AND contexts_gc.type = " + q
	}
	pl := &planner{ctx: ctx, s: s, nodes: map[key]Node{}, succ: map[key][]key{}, protected: map[key]bool{}}
	if err := pl.collect(filter, p.MaxCandidates); err != nil {
		return nil, fmt.Errorf("mlmdgc: plan: %w", err)
	}
	if err := pl.protectContexts(p.KeepContexts); err != nil {
		return nil, fmt.Errorf("mlmdgc: plan: %w", err)
	}
	return pl.plan(), nil
}

// collect reads the candidate executions, their outputs and the events
// that lead downstream from them.
func (pl *planner) collect(filter string, maxCandidates int) error {
	opts := &mlmd.ListOptions{MaxResultSize: mlmd.MaxListResultSize, OrderBy: mlmd.OrderByID, FilterQuery: filter}
	var artifactIDs []int64
	count := 0
	for count < maxCandidates {
		xs, next, err := pl.s.GetExecutions(pl.ctx, opts)
		if err != nil {
			return err
		}
		xs = xs[:min(len(xs), maxCandidates-count)]
		count += len(xs)
		ids := make([]int64, len(xs))
		for i, x := range xs {
			ids[i] = x.ID
			pl.nodes[key{mlmd.KindExecution, x.ID}] = Node{Kind: mlmd.KindExecution, ID: x.ID, Type: x.Type, Name: x.Name}
		}
		if len(ids) > 0 {
			evs, err := pl.s.GetEventsByExecutionIDs(pl.ctx, ids)
			if err != nil {
				return err
			}
			for _, ev := range evs {
				if ev.Type.IsInput() {
					continue
				}
				x, a := key{mlmd.KindExecution, ev.ExecutionID}, key{mlmd.KindArtifact, ev.ArtifactID}
				pl.succ[x] = append(pl.succ[x], a)
				if ev.Type.IsOutput() {
					if _, seen := pl.nodes[a]; !seen {
						pl.nodes[a] = Node{Kind: mlmd.KindArtifact, ID: a.id}
						artifactIDs = append(artifactIDs, a.id)
					}
				}
			}
		}
		if next == "" {
			break
		}
		opts.NextPageToken = next
	}
	// The candidate artifacts: their states and the executions that read
	// them.
	for start := 0; start < len(artifactIDs); start += mlmd.MaxListResultSize {
		ids := artifactIDs[start:min(start+mlmd.MaxListResultSize, len(artifactIDs))]
		as, err := pl.s.GetArtifactsByID(pl.ctx, ids)
		if err != nil {
			return err
		}
		for _, a := range as {
			k := key{mlmd.KindArtifact, a.ID}
			pl.nodes[k] = Node{Kind: mlmd.KindArtifact, ID: a.ID, Type: a.Type, Name: a.Name, URI: a.URI}
			if a.State == mlmd.ArtifactStateLive {
				pl.protected[k] = true
			}
		}
		evs, err := pl.s.GetEventsByArtifactIDs(pl.ctx, ids)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if ev.Type.IsOutput() {
				continue
			}
			a, x := key{mlmd.KindArtifact, ev.ArtifactID}, key{mlmd.KindExecution, ev.ExecutionID}
			pl.succ[a] = append(pl.succ[a], x)
		}
	}
	return nil
}

// protectContexts marks the candidates that are members of the named
// contexts.
func (pl *planner) protectContexts(names []string) error {
	for _, name := range names {
		q, err := quote("context name", name)
		if err != nil {
			return err
		}
		cs, _, err := pl.s.GetContexts(pl.ctx, &mlmd.ListOptions{MaxResultSize: mlmd.MaxListResultSize, FilterQuery: "name = " + q})
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return errcode.New(errcode.NotFound, "no context named %q to keep", name)
		}
		for _, c := range cs {
			if err := members(pl.ctx, func(o *mlmd.ListOptions) ([]int64, string, error) {
				as, next, err := pl.s.GetArtifactsByContext(pl.ctx, c.ID, o)
				ids := make([]int64, len(as))
				for i, a := range as {
					ids[i] = a.ID
				}
				return ids, next, err
			}, func(id int64) { pl.protect(key{mlmd.KindArtifact, id}) }); err != nil {
				return err
			}
			if err := members(pl.ctx, func(o *mlmd.ListOptions) ([]int64, string, error) {
				xs, next, err := pl.s.GetExecutionsByContext(pl.ctx, c.ID, o)
				ids := make([]int64, len(xs))
				for i, x := range xs {
					ids[i] = x.ID
				}
				return ids, next, err
			}, func(id int64) { pl.protect(key{mlmd.KindExecution, id}) }); err != nil {
				return err
			}
		}
	}
	return nil
}

func (pl *planner) protect(k key) {
	if _, ok := pl.nodes[k]; ok {
		pl.protected[k] = true
	}
}

func members(ctx context.Context, list func(*mlmd.ListOptions) ([]int64, string, error), each func(int64)) error {
	opts := &mlmd.ListOptions{MaxResultSize: mlmd.MaxListResultSize, OrderBy: mlmd.OrderByID}
	for {
		ids, next, err := list(opts)
		if err != nil {
			return err
		}
		for _, id := range ids {
			each(id)
		}
		if next == "" || ctx.Err() != nil {
			return ctx.Err()
		}
		opts.NextPageToken = next
	}
}

// plan keeps the protected candidates and everything upstream of a node
// that is not deleted, and orders the rest downstream first.
func (pl *planner) plan() *Plan {
	del := map[key]bool{}
	for k := range pl.nodes {
		if !pl.protected[k] {
			del[k] = true
		}
	}
	pred := map[key][]key{}
	for u, vs := range pl.succ {
		for _, v := range vs {
			pred[v] = append(pred[v], u)
		}
	}
	// Keep every candidate with a downstream neighbour that is kept, and
	// so on upstream.
	var queue []key
	for u := range del {
		for _, v := range pl.succ[u] {
			if !del[v] {
				queue = append(queue, u)
				break
			}
		}
	}
	for len(queue) > 0 {
		u := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if !del[u] {
			continue
		}
		delete(del, u)
		for _, p := range pred[u] {
			if del[p] {
				queue = append(queue, p)
			}
		}
	}
	// Downstream first: a node comes after all its successors.
	out := map[key]int{}
	for u := range del {
		for _, v := range pl.succ[u] {
			if del[v] && v != u {
				out[u]++
			}
		}
	}
	var ready, order []key
	for u := range del {
		if out[u] == 0 {
			ready = append(ready, u)
		}
	}
	sortKeys(ready)
	placed := map[key]bool{}
	for len(ready) > 0 {
		u := ready[0]
		ready = ready[1:]
		order = append(order, u)
		placed[u] = true
		var next []key
		for _, p := range pred[u] {
			if del[p] && p != u && !placed[p] {
				out[p]--
				if out[p] == 0 {
					next = append(next, p)
				}
			}
		}
		sortKeys(next)
		ready = append(ready, next...)
	}
	// Cycles (an execution that reads what it writes): their nodes last.
	var rest []key
	for u := range del {
		if !placed[u] {
			rest = append(rest, u)
		}
	}
	sortKeys(rest)
	order = append(order, rest...)

	p := &Plan{Candidates: len(pl.nodes), Kept: len(pl.nodes) - len(del)}
	for _, k := range order {
		p.Nodes = append(p.Nodes, pl.nodes[k])
	}
	return p
}

// sortKeys orders keys by id, artifacts first, for reproducible plans.
func sortKeys(ks []key) {
	slices.SortFunc(ks, func(a, b key) int {
		if a.kind != b.kind {
			return int(b.kind) - int(a.kind)
		}
		return cmp.Compare(a.id, b.id)
	})
}
