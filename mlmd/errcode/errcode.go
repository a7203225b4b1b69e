// Package errcode defines the closed set of error codes that every gomlmd
// error carries, and the error value that carries them.
//
// The codes have the numeric values of the gRPC status codes that Google's
// MLMD returns for the same conditions, so a gRPC server can translate them
// one to one. Most code should use the aliases in package mlmd
// (mlmd.CodeOf, mlmd.ErrNotFound, ...); backends use this package directly,
// because the driver contract (package driver), which mlmd builds on, is
// stated in its codes.
package errcode

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error. The zero value OK means "no error".
type Code int32

// The codes, numbered as gRPC numbers its status codes.
const (
	OK                 Code = 0
	Canceled           Code = 1
	Unknown            Code = 2
	InvalidArgument    Code = 3
	DeadlineExceeded   Code = 4
	NotFound           Code = 5
	AlreadyExists      Code = 6
	PermissionDenied   Code = 7
	ResourceExhausted  Code = 8
	FailedPrecondition Code = 9
	Aborted            Code = 10
	OutOfRange         Code = 11
	Unimplemented      Code = 12
	Internal           Code = 13
	Unavailable        Code = 14
	DataLoss           Code = 15
	Unauthenticated    Code = 16
)

var codeNames = [...]string{
	OK:                 "OK",
	Canceled:           "Canceled",
	Unknown:            "Unknown",
	InvalidArgument:    "InvalidArgument",
	DeadlineExceeded:   "DeadlineExceeded",
	NotFound:           "NotFound",
	AlreadyExists:      "AlreadyExists",
	PermissionDenied:   "PermissionDenied",
	ResourceExhausted:  "ResourceExhausted",
	FailedPrecondition: "FailedPrecondition",
	Aborted:            "Aborted",
	OutOfRange:         "OutOfRange",
	Unimplemented:      "Unimplemented",
	Internal:           "Internal",
	Unavailable:        "Unavailable",
	DataLoss:           "DataLoss",
	Unauthenticated:    "Unauthenticated",
}

// String returns the code's name, e.g. "NotFound".
func (c Code) String() string {
	if c >= 0 && int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("Code(%d)", int32(c))
}

// Sentinel errors, one per code, for use with errors.Is:
//
//	if errors.Is(err, errcode.ErrNotFound) { ... }
//
// Every *Error matches the sentinel of its code.
var (
	ErrCanceled           = sentinel(Canceled)
	ErrUnknown            = sentinel(Unknown)
	ErrInvalidArgument    = sentinel(InvalidArgument)
	ErrDeadlineExceeded   = sentinel(DeadlineExceeded)
	ErrNotFound           = sentinel(NotFound)
	ErrAlreadyExists      = sentinel(AlreadyExists)
	ErrPermissionDenied   = sentinel(PermissionDenied)
	ErrResourceExhausted  = sentinel(ResourceExhausted)
	ErrFailedPrecondition = sentinel(FailedPrecondition)
	ErrAborted            = sentinel(Aborted)
	ErrOutOfRange         = sentinel(OutOfRange)
	ErrUnimplemented      = sentinel(Unimplemented)
	ErrInternal           = sentinel(Internal)
	ErrUnavailable        = sentinel(Unavailable)
	ErrDataLoss           = sentinel(DataLoss)
	ErrUnauthenticated    = sentinel(Unauthenticated)
)

var sentinels = map[Code]error{}

func sentinel(c Code) error {
	err := &sentinelError{code: c}
	sentinels[c] = err
	return err
}

type sentinelError struct{ code Code }

func (e *sentinelError) Error() string { return "mlmd: " + e.code.String() }

// Error is an error with a code. Its message is meant for people; programs
// should branch on the code (Of, or errors.Is with a sentinel).
type Error struct {
	Code Code
	msg  string
	err  error // the cause, may be nil
}

// Error returns the message, followed by the cause's message if there is one.
func (e *Error) Error() string {
	if e.err == nil {
		return e.msg
	}
	if e.msg == "" {
		return e.err.Error()
	}
	return e.msg + ": " + e.err.Error()
}

// Unwrap returns the cause (if any) and the sentinel of the code, so that
// errors.Is finds both.
func (e *Error) Unwrap() []error {
	s := sentinels[e.Code]
	switch {
	case e.err == nil && s == nil:
		return nil
	case e.err == nil:
		return []error{s}
	case s == nil:
		return []error{e.err}
	}
	return []error{e.err, s}
}

// New returns an error with code c and a message formatted as by fmt.Sprintf.
func New(c Code, format string, args ...any) error {
	return &Error{Code: c, msg: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with code c whose message is the formatted text
// followed by the cause's message. Wrap(c, nil, ...) returns nil.
func Wrap(c Code, cause error, format string, args ...any) error {
	if cause == nil {
		return nil
	}
	return &Error{Code: c, msg: fmt.Sprintf(format, args...), err: cause}
}

// Annotate adds context to err's message and keeps err's code: the result
// has code Of(err) and message "<context>: <err>". Annotate(nil, ...) returns nil.
func Annotate(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &Error{Code: Of(err), msg: fmt.Sprintf(format, args...), err: err}
}

// Of returns the code of err: OK for nil, the code of the outermost *Error
// in err's chain, Canceled or DeadlineExceeded for the context package's
// errors, and Unknown for anything else.
func Of(err error) Code {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var s *sentinelError
	if errors.As(err, &s) {
		return s.code
	}
	switch {
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return DeadlineExceeded
	}
	return Unknown
}

// Message returns the part of err's message that is safe to show to a
// client: the messages of the *Error values in err's chain, joined by ": ",
// without the text of causes that are not *Error (a database driver's
// error, which may name hosts, schemas or SQL). Causes stay available to
// Error() and errors.Is/As for the server's own log. An error with no
// *Error in its chain (and no ClientMessager) gives a generic message naming its code, e.g.
// "internal error" or "deadline exceeded".
func Message(err error) string {
	c := Of(err)
	var parts []string
	for err != nil {
		if p, ok := err.(ClientMessager); ok {
			parts = append(parts, p.ClientMessage())
			break
		}
		var e *Error
		if !errors.As(err, &e) {
			var p ClientMessager
			if errors.As(err, &p) {
				parts = append(parts, p.ClientMessage())
			}
			break
		}
		if e.msg != "" {
			parts = append(parts, e.msg)
		}
		err = e.err
	}
	if len(parts) == 0 {
		return genericMessage(c)
	}
	return strings.Join(parts, ": ")
}

// ClientMessager is implemented by errors that are not *Error but whose
// text is meant for the client, such as a filter query's syntax error with
// its position: Message includes ClientMessage() when it meets one in the
// chain.
type ClientMessager interface {
	ClientMessage() string
}

// genericMessage is the client message of an error that carries no
// message of its own.
func genericMessage(c Code) string {
	switch c {
	case Canceled:
		return "the call was cancelled"
	case DeadlineExceeded:
		return "the call's deadline was exceeded"
	case Unknown, Internal:
		return "internal error"
	}
	var b strings.Builder
	for i, r := range c.String() {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}
