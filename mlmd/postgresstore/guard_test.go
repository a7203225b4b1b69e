package postgresstore

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// TestSavepointsOnlyAfterAFailure checks that writes run without
// savepoints, and that a call which reads on after a failed write (a
// duplicate name: the lookup behind MLMD's message) runs again with them
// and answers AlreadyExists with that message.
func TestSavepointsOnlyAfterAFailure(t *testing.T) {
	ctx := context.Background()
	var c testdb.StatementCounter
	conn, err := c.Driver(Driver{}).Open(ctx, testdb.PostgresStoreDatabase(t), &driver.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := mlmd.NewStore(conn, nil)
	t.Cleanup(func() { s.Close() })
	ct, err := s.PutContextType(ctx, mlmd.ContextType{Name: "ct"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: ct, Name: "taken"}}, nil); err != nil {
		t.Fatal(err)
	}
	savepoints := func(qs []string) int {
		return len(slices.DeleteFunc(qs, func(q string) bool { return !strings.HasPrefix(q, "SAVEPOINT") }))
	}

	c.Take()
	if _, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: ct, Name: "new", CustomProperties: mlmd.Properties{"p": mlmd.IntValue(1)}}}, nil); err != nil {
		t.Fatal(err)
	}
	if qs := c.Take(); savepoints(qs) != 0 {
		t.Errorf("a successful put sent savepoints:\n%s", strings.Join(qs, "\n"))
	}

	_, err = s.PutContexts(ctx, []mlmd.Context{{TypeID: ct, Name: "taken"}}, nil)
	qs := c.Take()
	if errcode.Of(err) != errcode.AlreadyExists {
		t.Fatalf("put of a taken name: %v, want AlreadyExists", err)
	}
	if savepoints(qs) == 0 {
		t.Errorf("the duplicate was not run again guarded:\n%s", strings.Join(qs, "\n"))
	}
	// The answer is the guarded one: MLMD's message, not the aborted
	// transaction's.
	if msg := err.Error(); strings.Contains(msg, "aborted") || !strings.Contains(msg, "taken") {
		t.Errorf("message %q", msg)
	}
}
