package mlmd

import (
	"context"
	"errors"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// errClosed is the error of every call on a closed store.
var errClosed = errcode.New(errcode.FailedPrecondition, "mlmd: the store is closed")

// inTx runs fn in one transaction of the backend, unless the store is
// closed: then, or if the store was closed while fn ran, it returns
// FailedPrecondition.
func (s *Store) inTx(ctx context.Context, opts driver.TxOptions, fn func(tx driver.Tx) error) error {
	if s.closed.Load() {
		return errClosed
	}
	err := s.conn.InTx(ctx, opts, fn)
	if err != nil && s.closed.Load() {
		return errClosed
	}
	return err
}

// read runs fn in one read-only transaction and wraps its error.
func (s *Store) read(ctx context.Context, op string, fn func(tx driver.Tx) error) error {
	err := s.inTx(ctx, driver.TxOptions{ReadOnly: true}, fn)
	return wrapErr(op, err)
}

// readOne is read for fn that usually reads with one statement, which
// needs no transaction around it (see driver.TxOptions.OneStatement): fn
// may run twice.
func (s *Store) readOne(ctx context.Context, op string, fn func(tx driver.Tx) error) error {
	err := s.inTx(ctx, driver.TxOptions{ReadOnly: true, OneStatement: true}, fn)
	return wrapErr(op, err)
}

// write runs fn in one read-write transaction and wraps its error. now is
// the store clock in milliseconds, read afresh for every attempt (InTx may
// run fn more than once).
func (s *Store) write(ctx context.Context, op string, fn func(tx driver.Tx, now int64) error) error {
	err := s.inTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
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

// checkEvery is how many items a loop over a call's input or results
// handles between two looks at the call's context (see stopped).
const checkEvery = 256

// stopped returns ctx's error, if it is done, at every checkEvery-th item
// i of a loop (i = 0 included), and nil otherwise: the loops that convert
// or check many nodes, properties or events call it, so that a cancelled
// call stops soon instead of converting all its input first.
func stopped(ctx context.Context, i int) error {
	if i%checkEvery != 0 {
		return nil
	}
	return ctx.Err()
}

// invalid returns an InvalidArgument error.
func invalid(format string, args ...any) error {
	return errcode.New(errcode.InvalidArgument, format, args...)
}
