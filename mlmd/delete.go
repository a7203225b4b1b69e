package mlmd

// Deletion: gomlmd's own addition to MLMD's API (MLMD deletes nothing).
// docs/lifecycle.md states the rules; they are repeated on each method.

import (
	"context"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// MaxDeleteBatch is the most nodes one Delete or DeleteByFilter call
// deletes, which bounds its transaction.
const MaxDeleteBatch = 10000

// NodeIDs names nodes of each kind.
type NodeIDs struct {
	Artifacts  []int64
	Executions []int64
	Contexts   []int64
}

// Len returns the number of ids of every kind.
func (n NodeIDs) Len() int { return len(n.Artifacts) + len(n.Executions) + len(n.Contexts) }

func (n NodeIDs) of(k Kind) []int64 {
	switch k {
	case KindArtifact:
		return n.Artifacts
	case KindExecution:
		return n.Executions
	}
	return n.Contexts
}

// deleteTx returns tx's deletion methods, or Unimplemented.
func deleteTx(tx driver.Tx) (driver.DeleteTx, error) {
	dt, ok := optional[driver.DeleteTx](tx)
	if !ok {
		return nil, errcode.New(errcode.Unimplemented, "mlmd: this backend cannot delete")
	}
	return dt, nil
}

// Delete deletes the named artifacts, executions and contexts, all in one
// transaction, with everything that refers to them:
//
//   - a node's properties and custom properties;
//   - an artifact's or execution's events, with their paths: the node at
//     the other end of an event stays, and loses that event;
//   - an artifact's attributions and an execution's associations: their
//     contexts stay;
//   - a context's attributions and associations (its member artifacts and
//     executions stay) and its parent-context links as child and as parent
//     (the linked contexts stay).
//
// Types are never deleted with their nodes (see DeleteType). Nothing else
// changes: no other node, no update time. If one id names no node of its
// kind, Delete fails with NotFound and deletes nothing; more than
// MaxDeleteBatch ids is InvalidArgument.
func (s *Store) Delete(ctx context.Context, ids NodeIDs) error {
	if ids.Len() > MaxDeleteBatch {
		return invalid("mlmd: Delete: %d ids, at most %d per call", ids.Len(), MaxDeleteBatch)
	}
	return s.write(ctx, "Delete", func(tx driver.Tx, _ int64) error {
		dt, err := deleteTx(tx)
		if err != nil {
			return err
		}
		for _, k := range []Kind{KindArtifact, KindExecution, KindContext} {
			want := dedupIDs(ids.of(k))
			id, missing, err := firstMissing(ctx, tx, k, want, nil)
			if err != nil {
				return err
			}
			if missing {
				return errcode.New(errcode.NotFound, "no %s with id %d", k, id)
			}
		}
		for _, k := range []Kind{KindArtifact, KindExecution, KindContext} {
			if _, err := dt.DeleteNodes(ctx, driver.Kind(k), dedupIDs(ids.of(k))); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteArtifacts deletes artifacts as Delete does.
func (s *Store) DeleteArtifacts(ctx context.Context, ids []int64) error {
	return s.Delete(ctx, NodeIDs{Artifacts: ids})
}

// DeleteExecutions deletes executions as Delete does.
func (s *Store) DeleteExecutions(ctx context.Context, ids []int64) error {
	return s.Delete(ctx, NodeIDs{Executions: ids})
}

// DeleteContexts deletes contexts as Delete does.
func (s *Store) DeleteContexts(ctx context.Context, ids []int64) error {
	return s.Delete(ctx, NodeIDs{Contexts: ids})
}

// DeleteByFilter deletes, in one transaction and as Delete does, the nodes
// of kind k that match the filter query (MLMD's filter language, as in
// ListOptions.FilterQuery), at most limit of them (1 to MaxDeleteBatch),
// those with the lowest ids. It returns the ids it deleted; call it again
// until it returns none to delete every match in bounded transactions.
// An empty filter is InvalidArgument: it would match every node.
func (s *Store) DeleteByFilter(ctx context.Context, k Kind, filter string, limit int) ([]int64, error) {
	if strings.TrimSpace(filter) == "" {
		return nil, invalid("mlmd: DeleteByFilter: the filter query is empty (it would delete every %s)", k)
	}
	if limit < 1 || limit > MaxDeleteBatch {
		return nil, invalid("mlmd: DeleteByFilter: limit %d is out of range 1..%d", limit, MaxDeleteBatch)
	}
	if k != KindArtifact && k != KindExecution && k != KindContext {
		return nil, invalid("mlmd: DeleteByFilter: unknown kind %v", k)
	}
	checked, err := checkFilter(filter, k)
	if err != nil {
		return nil, err
	}
	var deleted []int64
	err = s.write(ctx, "DeleteByFilter", func(tx driver.Tx, _ int64) error {
		deleted = nil
		dt, err := deleteTx(tx)
		if err != nil {
			return err
		}
		keys, err := tx.ListNodes(ctx, driver.ListQuery{Kind: driver.Kind(k), Filter: checked, OrderBy: driver.OrderByID, Limit: limit})
		if err != nil {
			return err
		}
		for _, key := range keys {
			deleted = append(deleted, key.ID)
		}
		_, err = dt.DeleteNodes(ctx, driver.Kind(k), deleted)
		return err
	})
	if err != nil {
		return nil, err
	}
	return deleted, nil
}

// DeleteType deletes the type of kind k with the given id, with its
// property definitions and its link to its base type. A type in use is
// never deleted: if a node has the type, or another type names it as its
// base type, DeleteType fails with FailedPrecondition; MLMD's system base
// types (mlmd.Dataset, ...) are refused the same way. No such type is
// NotFound.
func (s *Store) DeleteType(ctx context.Context, k Kind, id int64) error {
	if k != KindArtifact && k != KindExecution && k != KindContext {
		return invalid("mlmd: DeleteType: unknown kind %v", k)
	}
	return s.write(ctx, "DeleteType", func(tx driver.Tx, _ int64) error {
		dt, err := deleteTx(tx)
		if err != nil {
			return err
		}
		all, err := tx.FindTypes(ctx, driver.TypeQuery{Kind: driver.Kind(k)})
		if err != nil {
			return err
		}
		var name string
		found := false
		for _, t := range all {
			if t.ID == id {
				name, found = t.Name, true
			}
		}
		if !found {
			return errcode.New(errcode.NotFound, "no %s type with id %d", k, id)
		}
		if systemTypeNames[name] && k != KindContext {
			return errcode.New(errcode.FailedPrecondition, "%s type %q is one of MLMD's system types", k, name)
		}
		for _, t := range all {
			for _, p := range t.ParentIDs {
				if p == id {
					return errcode.New(errcode.FailedPrecondition, "%s type %q is in use: it is the base type of type %q", k, name, t.Name)
				}
			}
		}
		keys, err := tx.ListNodes(ctx, driver.ListQuery{Kind: driver.Kind(k), TypeID: id, OrderBy: driver.OrderByID, Limit: 1})
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			return errcode.New(errcode.FailedPrecondition, "%s type %q is in use: %s %d has it", k, name, k, keys[0].ID)
		}
		_, err = dt.DeleteTypes(ctx, driver.Kind(k), []int64{id})
		return err
	})
}
