package server

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// grpcCodes is the one table from gomlmd's error codes to gRPC status codes.
// The numbering is the same (MLMD's C++ server also passes its absl codes
// through unchanged), but the table is spelled out so that a change on either
// side shows up here. An error that carries no code (Unknown) is a bug or an
// unexpected database failure, and is reported as Internal.
var grpcCodes = map[errcode.Code]codes.Code{
	errcode.OK:                 codes.OK,
	errcode.Canceled:           codes.Canceled,
	errcode.Unknown:            codes.Internal,
	errcode.InvalidArgument:    codes.InvalidArgument,
	errcode.DeadlineExceeded:   codes.DeadlineExceeded,
	errcode.NotFound:           codes.NotFound,
	errcode.AlreadyExists:      codes.AlreadyExists,
	errcode.PermissionDenied:   codes.PermissionDenied,
	errcode.ResourceExhausted:  codes.ResourceExhausted,
	errcode.FailedPrecondition: codes.FailedPrecondition,
	errcode.Aborted:            codes.Aborted,
	errcode.OutOfRange:         codes.OutOfRange,
	errcode.Unimplemented:      codes.Unimplemented,
	errcode.Internal:           codes.Internal,
	errcode.Unavailable:        codes.Unavailable,
	errcode.DataLoss:           codes.DataLoss,
	errcode.Unauthenticated:    codes.Unauthenticated,
}

// GRPCCode returns the gRPC status code for a gomlmd error code.
func GRPCCode(c errcode.Code) codes.Code {
	if g, ok := grpcCodes[c]; ok {
		return g
	}
	return codes.Internal
}

// toStatus turns an error from package mlmd (or from the conversions) into a
// gRPC status error with the mapped code and the error's client-safe message
// (errcode.Message: no driver errors, SQL, host names or schema names). The
// full error stays attached for the server's log (see callDetail). Errors
// that already are gRPC status errors pass through unchanged, and nil stays
// nil.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(interface{ GRPCStatus() *status.Status }); ok {
		return err
	}
	c := errcode.Of(err)
	// A context error from the client's side: keep the gRPC meaning.
	if c == errcode.Unknown {
		switch {
		case errors.Is(err, context.Canceled):
			c = errcode.Canceled
		case errors.Is(err, context.DeadlineExceeded):
			c = errcode.DeadlineExceeded
		}
	}
	msg := errcode.Message(err)
	if c == errcode.ResourceExhausted {
		msg += " (--max_response_rows)" // the store's only ResourceExhausted
	}
	return &statusError{st: status.New(GRPCCode(c), msg), cause: err}
}

// statusError is the gRPC status a client receives, with the full error
// behind it, which only the server's log shows.
type statusError struct {
	st    *status.Status
	cause error
}

func (e *statusError) Error() string {
	return "rpc error: code = " + e.st.Code().String() + " desc = " + e.st.Message()
}

// GRPCStatus is what gRPC sends to the client.
func (e *statusError) GRPCStatus() *status.Status { return e.st }

// Unwrap returns the full error.
func (e *statusError) Unwrap() error { return e.cause }

// callDetail returns the full text of err for the server's log when it
// says more than the status the client received, or "".
func callDetail(err error) string {
	var se *statusError
	if errors.As(err, &se) && se.cause != nil {
		if d := se.cause.Error(); d != se.st.Message() {
			return d
		}
	}
	return ""
}

// invalidArgument returns an InvalidArgument error built with errcode, so it
// goes through the same table as the store's errors.
func invalidArgument(format string, args ...any) error {
	return errcode.New(errcode.InvalidArgument, format, args...)
}
