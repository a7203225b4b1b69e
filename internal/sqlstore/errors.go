package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// transientError marks a database error after which the whole transaction
// may succeed when run again. Conn.InTx looks for it in the chain of the
// error its function returns.
type transientError struct{ err error }

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

// connectionLostError marks a database error after which the connection
// is gone and the server has rolled back the transaction, so that running
// the whole transaction again on another connection is safe. Conn.InTx looks
// for it in the chain of the error its function returns.
type connectionLostError struct{ err error }

func (e *connectionLostError) Error() string { return e.err.Error() }
func (e *connectionLostError) Unwrap() error { return e.err }

func isConnectionLost(err error) bool {
	var c *connectionLostError
	return errors.As(err, &c)
}

// isTransient reports whether err, or an error it wraps, is a transient
// database error.
func isTransient(err error) bool {
	var t *transientError
	return errors.As(err, &t)
}

// Explainer is an optional interface of a Dialect: Explain says, for an
// error of ClassInvalid, what was wrong with the request, in words fit for
// the client (no SQL text, no table or database names), or "".
type Explainer interface {
	Explain(err error) string
}

// dbError turns an error returned by the database into an error with the
// code the driver contract asks for, with what was being done as context:
// "sqlstore: <what>: <database message>". Errors of the context package
// are returned as they are.
func dbError(d Dialect, err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var coded *errcode.Error
	if errors.As(err, &coded) {
		return errcode.Annotate(err, "sqlstore: "+format, args...)
	}
	what := fmt.Sprintf(format, args...)
	switch d.Classify(err) {
	case ClassDuplicate:
		return errcode.Wrap(errcode.AlreadyExists, err, "sqlstore: %s", what)
	case ClassTransient:
		return errcode.Wrap(errcode.Aborted, &transientError{err}, "sqlstore: %s", what)
	case ClassUnavailable:
		return errcode.Wrap(errcode.Unavailable, err, "sqlstore: %s", what)
	case ClassConnectionLost:
		return errcode.Wrap(errcode.Unavailable, &connectionLostError{err}, "sqlstore: %s", what)
	case ClassInvalid:
		if ex, ok := d.(Explainer); ok {
			if why := ex.Explain(err); why != "" {
				return errcode.Wrap(errcode.InvalidArgument, err, "sqlstore: %s: %s", what, why)
			}
		}
		return errcode.Wrap(errcode.InvalidArgument, err, "sqlstore: %s", what)
	}
	return errcode.Wrap(errcode.Internal, err, "sqlstore: %s", what)
}
