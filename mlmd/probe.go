package mlmd

import (
	"context"
	"errors"

	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// errNeedsWrite is returned by a probeTx write method: the call cannot be
// answered by reading alone.
var errNeedsWrite = errors.New("mlmd: the call needs a write transaction")

// writeUnlessUnchanged runs fn first in a read-only transaction over a
// probeTx; if fn gets as far as a write, it runs fn again in a read-write
// transaction. Calls that usually change nothing - putting a type that is
// already stored, as Kubeflow Pipelines and TFX do before every run - then
// take no write lock, and do not queue behind writers on SQLite.
func (s *Store) writeUnlessUnchanged(ctx context.Context, op string, fn func(tx driver.Tx, now int64) error) error {
	err := s.inTx(ctx, driver.TxOptions{ReadOnly: true, OneStatement: true}, func(tx driver.Tx) error {
		return fn(probeTx{tx}, s.nowMillis())
	})
	if !errors.Is(err, errNeedsWrite) {
		return wrapErr(op, err)
	}
	return s.write(ctx, op, fn)
}

// probeTx forwards the reads of a driver.Tx and refuses its writes with
// errNeedsWrite. It lists every method (no embedding), so that a method
// added to driver.Tx must be classified here before the package compiles.
type probeTx struct{ tx driver.Tx }

var _ driver.Tx = probeTx{}

func (p probeTx) InsertType(context.Context, driver.TypeRow) (int64, error) {
	return 0, errNeedsWrite
}

func (p probeTx) UpdateType(context.Context, driver.TypeRow) error { return errNeedsWrite }

func (p probeTx) AddTypeProperties(context.Context, int64, map[string]int32) error {
	return errNeedsWrite
}

func (p probeTx) SetParentTypes(context.Context, []driver.ParentTypeRow) error {
	return errNeedsWrite
}

func (p probeTx) FindTypes(ctx context.Context, q driver.TypeQuery) ([]driver.TypeRow, error) {
	return p.tx.FindTypes(ctx, q)
}

func (p probeTx) InsertNodes(context.Context, driver.Kind, []driver.NodeRow) ([]int64, error) {
	return nil, errNeedsWrite
}

func (p probeTx) UpdateNodes(context.Context, driver.Kind, []driver.NodeRow) error {
	return errNeedsWrite
}

func (p probeTx) GetNodes(ctx context.Context, kind driver.Kind, ids []int64) ([]driver.NodeRow, error) {
	return p.tx.GetNodes(ctx, kind, ids)
}

func (p probeTx) FindNodeIDs(ctx context.Context, kind driver.Kind, q driver.NodeQuery) ([]int64, error) {
	return p.tx.FindNodeIDs(ctx, kind, q)
}

func (p probeTx) ListNodes(ctx context.Context, q driver.ListQuery) ([]driver.NodeKey, error) {
	return p.tx.ListNodes(ctx, q)
}

func (p probeTx) UpsertProperties(context.Context, driver.Kind, []driver.PropertyRow) error {
	return errNeedsWrite
}

func (p probeTx) DeleteProperties(context.Context, driver.Kind, []driver.PropertyKey) error {
	return errNeedsWrite
}

func (p probeTx) InsertEvents(context.Context, []driver.EventRow) error { return errNeedsWrite }

func (p probeTx) GetEvents(ctx context.Context, kind driver.Kind, ids []int64) ([]driver.EventRow, error) {
	return p.tx.GetEvents(ctx, kind, ids)
}

func (p probeTx) InsertLinks(context.Context, driver.Kind, []driver.LinkRow) error {
	return errNeedsWrite
}

func (p probeTx) GetLinks(ctx context.Context, kind driver.Kind, nodeIDs, contextIDs []int64) ([]driver.LinkRow, error) {
	return p.tx.GetLinks(ctx, kind, nodeIDs, contextIDs)
}

func (p probeTx) InsertParentContexts(context.Context, []driver.ParentContextRow) error {
	return errNeedsWrite
}

func (p probeTx) GetParentContexts(ctx context.Context, childIDs, parentIDs []int64) ([]driver.ParentContextRow, error) {
	return p.tx.GetParentContexts(ctx, childIDs, parentIDs)
}
