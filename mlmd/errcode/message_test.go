package errcode

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestMessage(t *testing.T) {
	driverErr := errors.New("Error 1062 (23000): Duplicate entry '13-exp1' for key 'type_id' on db01.internal:3306")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil-free plain error", errors.New("dial tcp 10.0.0.1:3306: refused"), "internal error"},
		{"coded, no cause", New(NotFound, "artifact 7 not found"), "artifact 7 not found"},
		{"driver cause dropped", Wrap(AlreadyExists, driverErr, "context %q of type 13 already exists", "exp1"), `context "exp1" of type 13 already exists`},
		{"annotations kept", Annotate(Wrap(Internal, driverErr, "sqlstore: insert contexts"), "mlmd: put contexts"), "mlmd: put contexts: sqlstore: insert contexts"},
		{"fmt wrapper around a coded error", fmt.Errorf("outer %s: %w", "db01:3306", New(InvalidArgument, "bad id")), "bad id"},
		{"empty message uses the code", Wrap(AlreadyExists, driverErr, ""), "already exists"},
		{"client message of a cause", Annotate(Annotate(clientErr{}, "invalid filter query"), "mlmd: GetArtifacts"), "mlmd: GetArtifacts: invalid filter query: 1:7: unknown field"},
		{"context cancel", context.Canceled, "the call was cancelled"},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), "the call's deadline was exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Message(tt.err); got != tt.want {
				t.Errorf("Message() = %q, want %q", got, tt.want)
			}
		})
	}
}

type clientErr struct{}

func (clientErr) Error() string         { return "1:7: unknown field" }
func (clientErr) ClientMessage() string { return "1:7: unknown field" }
