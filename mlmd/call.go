package mlmd

import (
	"context"
	"errors"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// read runs fn in one read-only transaction and wraps its error.
func (s *Store) read(ctx context.Context, op string, fn func(tx driver.Tx) error) error {
	if s.maxRows > 0 {
		inner := fn
		fn = func(tx driver.Tx) error { return inner(rowLimitTx{tx, s.maxRows}) }
	}
	err := s.conn.InTx(ctx, driver.TxOptions{ReadOnly: true}, fn)
	return wrapErr(op, err)
}

// rowLimitTx bounds the unpaged listings of a read transaction to max
// nodes (Options.MaxResultRows): it asks the backend for one key more than
// max, and fails with ResourceExhausted if it gets it, before any node is
// loaded.
type rowLimitTx struct {
	driver.Tx
	max int
}

func (t rowLimitTx) ListNodes(ctx context.Context, q driver.ListQuery) ([]driver.NodeKey, error) {
	if q.Limit != 0 { // a page: bounded by MaxListResultSize
		return t.Tx.ListNodes(ctx, q)
	}
	q.Limit = t.max + 1
	keys, err := t.Tx.ListNodes(ctx, q)
	if err == nil && len(keys) > t.max {
		return nil, errcode.New(errcode.ResourceExhausted,
			"the answer would hold more than %d %ss, the limit of one call; list them in pages (ListOperationOptions max_result_size and next_page_token)",
			t.max, Kind(q.Kind))
	}
	return keys, err
}

// write runs fn in one read-write transaction and wraps its error. now is
// the store clock in milliseconds, read afresh for every attempt (InTx may
// run fn more than once).
func (s *Store) write(ctx context.Context, op string, fn func(tx driver.Tx, now int64) error) error {
	err := s.conn.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		return fn(tx, s.nowMillis())
	})
	return wrapErr(op, err)
}

// wrapErr adds the operation to err's message and keeps its code. Errors
// of the context package are returned unchanged; errors without a code
// become Internal.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errcode.Of(err) == errcode.Unknown {
		return errcode.Wrap(errcode.Internal, err, "mlmd: %s", op)
	}
	return errcode.Annotate(err, "mlmd: %s", op)
}

// invalid returns an InvalidArgument error.
func invalid(format string, args ...any) error {
	return errcode.New(errcode.InvalidArgument, format, args...)
}
