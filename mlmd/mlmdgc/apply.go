package mlmdgc

import (
	"context"
	"fmt"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// ApplyOptions are the options of Plan.Apply. A nil *ApplyOptions means
// the defaults.
type ApplyOptions struct {
	// BatchSize is how many nodes one transaction deletes; 0 means 500,
	// at most mlmd.MaxDeleteBatch.
	BatchSize int
	// Pause is a rest between batches, to leave room to other writers.
	Pause time.Duration
	// Progress, if set, is called after each batch with the nodes deleted
	// so far and the plan's total.
	Progress func(done, total int)
}

// Apply deletes the plan's nodes in order, BatchSize nodes per
// transaction, and returns how many it deleted. A node that is gone
// already (deleted by someone else since the plan was made) is skipped.
// When Apply stops early (an error, ctx done, the process killed), what
// was deleted is whole batches from the start of the plan, and the rest of
// the store is consistent; a new plan picks up the rest.
func (p *Plan) Apply(ctx context.Context, s *mlmd.Store, opts *ApplyOptions) (int, error) {
	var o ApplyOptions
	if opts != nil {
		o = *opts
	}
	if o.BatchSize == 0 {
		o.BatchSize = 500
	}
	if o.BatchSize < 0 || o.BatchSize > mlmd.MaxDeleteBatch {
		return 0, errcode.New(errcode.InvalidArgument, "mlmdgc: batch size %d is out of range 1..%d", o.BatchSize, mlmd.MaxDeleteBatch)
	}
	done := 0
	for start := 0; start < len(p.Nodes); start += o.BatchSize {
		if start > 0 && o.Pause > 0 {
			select {
			case <-ctx.Done():
				return done, ctx.Err()
			case <-time.After(o.Pause):
			}
		}
		batch := p.Nodes[start:min(start+o.BatchSize, len(p.Nodes))]
		if err := deleteBatch(ctx, s, batch); err != nil {
			return done, fmt.Errorf("mlmdgc: delete nodes %d..%d of %d: %w", start+1, start+len(batch), len(p.Nodes), err)
		}
		done += len(batch)
		if o.Progress != nil {
			o.Progress(done, len(p.Nodes))
		}
	}
	return done, nil
}

// deleteBatch deletes a batch in one transaction; if some of its nodes are
// gone already, it deletes those that remain.
func deleteBatch(ctx context.Context, s *mlmd.Store, batch []Node) error {
	var ids mlmd.NodeIDs
	for _, n := range batch {
		if n.Kind == mlmd.KindExecution {
			ids.Executions = append(ids.Executions, n.ID)
		} else {
			ids.Artifacts = append(ids.Artifacts, n.ID)
		}
	}
	err := s.Delete(ctx, ids)
	if mlmd.CodeOf(err) != mlmd.NotFound {
		return err
	}
	as, err := s.GetArtifactsByID(ctx, ids.Artifacts)
	if err != nil {
		return err
	}
	xs, err := s.GetExecutionsByID(ctx, ids.Executions)
	if err != nil {
		return err
	}
	ids = mlmd.NodeIDs{}
	for _, a := range as {
		ids.Artifacts = append(ids.Artifacts, a.ID)
	}
	for _, x := range xs {
		ids.Executions = append(ids.Executions, x.ID)
	}
	return s.Delete(ctx, ids)
}
