package mlmd_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// cancelCalls are the driver calls of the "cancel-sqlite" backend, the
// SQLite backend wrapped to count calls, whose after hook the tests set.
var cancelCalls = &calls{}

func init() {
	mlmd.Register("cancel-sqlite", countingDriver{sqlitestore.Driver{}, cancelCalls})
}

// TestCancelStopsLargeWrite cancels a large write right after the store
// has read the nodes' types, the last driver call before it converts the
// nodes and their properties into rows: the call must stop in the
// conversion, with the context's error, send no rows to the driver and
// leave the store as it was. With a context that is not cancelled the
// same write succeeds.
func TestCancelStopsLargeWrite(t *testing.T) {
	const nodes, props = 4000, 10
	s, err := mlmd.Open(t.Context(), "cancel-sqlite", ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := mlmd.ArtifactType{Name: "Big", Properties: map[string]mlmd.PropertyType{}}
	for p := range props {
		at.Properties[fmt.Sprint("p", p)] = mlmd.PropertyInt
	}
	typeID, err := s.PutArtifactType(t.Context(), at, nil)
	if err != nil {
		t.Fatal(err)
	}
	arts := make([]mlmd.Artifact, nodes)
	for i := range arts {
		arts[i] = mlmd.Artifact{TypeID: typeID, URI: fmt.Sprint("/big/", i), Properties: mlmd.Properties{},
			CustomProperties: mlmd.Properties{"note": mlmd.StringValue(fmt.Sprint("artifact ", i))}}
		for p := range props {
			arts[i].Properties[fmt.Sprint("p", p)] = mlmd.IntValue(int64(i*props + p))
		}
	}
	calls := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"PutArtifacts", func(ctx context.Context) error {
			_, err := s.PutArtifacts(ctx, arts, nil)
			return err
		}},
		{"PutLineageSubgraph", func(ctx context.Context) error {
			_, err := s.PutLineageSubgraph(ctx, mlmd.LineageSubgraph{Artifacts: arts}, nil)
			return err
		}},
	}
	stops := []struct {
		name string
		want error
		ctx  func() (context.Context, func(), func())
	}{
		{"cancelled", context.Canceled, func() (context.Context, func(), func()) {
			ctx, cancel := context.WithCancel(t.Context())
			return ctx, cancel, cancel
		}},
		{"deadline", context.DeadlineExceeded, func() (context.Context, func(), func()) {
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			return ctx, func() { <-ctx.Done() }, cancel
		}},
	}
	for _, c := range calls {
		for _, stop := range stops {
			t.Run(c.name+"/"+stop.name, func(t *testing.T) {
				ctx, stopNow, cancel := stop.ctx()
				defer cancel()
				stopped := false
				cancelCalls.mu.Lock()
				cancelCalls.after = func(name string) {
					if name == "FindTypes" && !stopped {
						stopped = true
						stopNow()
					}
				}
				cancelCalls.mu.Unlock()
				defer func() {
					cancelCalls.mu.Lock()
					cancelCalls.after = nil
					cancelCalls.mu.Unlock()
				}()
				cancelCalls.take()
				err := c.run(ctx)
				got := cancelCalls.take()
				if !stopped {
					t.Fatalf("the call read no types; calls %s", render(got))
				}
				if !errors.Is(err, stop.want) {
					t.Fatalf("error %v, want %v", err, stop.want)
				}
				for _, m := range []string{"InsertNodes", "UpdateNodes", "UpsertProperties", "InsertLinks", "InsertEvents"} {
					if got[m] != 0 {
						t.Errorf("%s was called after the context ended: calls %s", m, render(got))
					}
				}
				stored, _, err := s.GetArtifactsByType(t.Context(), "Big", "", nil)
				if err != nil || len(stored) != 0 {
					t.Fatalf("the stopped call left %d artifacts (%v)", len(stored), err)
				}
			})
		}
	}
	if err := calls[0].run(t.Context()); err != nil {
		t.Fatalf("the same write, not cancelled: %v", err)
	}
	stored, _, err := s.GetArtifactsByType(t.Context(), "Big", "", nil)
	if err != nil || len(stored) != nodes {
		t.Fatalf("stored %d artifacts (%v), want %d", len(stored), err, nodes)
	}
}
