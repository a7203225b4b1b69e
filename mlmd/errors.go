package mlmd

import "github.com/gomlmd/gomlmd/mlmd/errcode"

// Code classifies errors returned by the store; see package errcode for the
// values. Codes are numbered as gRPC status codes, and are the codes MLMD
// returns for the same conditions.
type Code = errcode.Code

// The codes that the store returns.
const (
	OK                 = errcode.OK
	Canceled           = errcode.Canceled
	InvalidArgument    = errcode.InvalidArgument
	DeadlineExceeded   = errcode.DeadlineExceeded
	NotFound           = errcode.NotFound
	AlreadyExists      = errcode.AlreadyExists
	FailedPrecondition = errcode.FailedPrecondition
	Aborted            = errcode.Aborted
	OutOfRange         = errcode.OutOfRange
	Unimplemented      = errcode.Unimplemented
	Internal           = errcode.Internal
	Unavailable        = errcode.Unavailable
	// Opening a store may also fail with these permanent codes (see the
	// backends' documentation).
	PermissionDenied = errcode.PermissionDenied
	Unauthenticated  = errcode.Unauthenticated
	DataLoss         = errcode.DataLoss
)

// Sentinel errors for errors.Is; every error the store returns matches the
// one of its code.
var (
	ErrInvalidArgument    = errcode.ErrInvalidArgument
	ErrNotFound           = errcode.ErrNotFound
	ErrAlreadyExists      = errcode.ErrAlreadyExists
	ErrFailedPrecondition = errcode.ErrFailedPrecondition
	ErrAborted            = errcode.ErrAborted
	ErrOutOfRange         = errcode.ErrOutOfRange
	ErrUnimplemented      = errcode.ErrUnimplemented
	ErrInternal           = errcode.ErrInternal
	ErrUnavailable        = errcode.ErrUnavailable
)

// CodeOf returns the code of err: OK for nil, Unknown for errors that carry
// no code.
func CodeOf(err error) Code { return errcode.Of(err) }
