package sqlstore_test

// The driver contract of driver.LineageTx, checked directly on both
// engines: what the store never asks (more than one chunk of start ids,
// empty type lists) and the error codes. The semantics of the walk are
// checked through the store by mlmd's lineage property test and the
// conformance suite.

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/drivertest/txtest"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

func lineageConns(t *testing.T) map[string]func(t *testing.T) driver.Conn {
	return map[string]func(t *testing.T) driver.Conn{
		"sqlite": func(t *testing.T) driver.Conn {
			c, err := sqlitestore.Driver{}.Open(context.Background(), ":memory:", &driver.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			return c
		},
		"mysql": func(t *testing.T) driver.Conn {
			c, err := mysqlstore.Driver{}.Open(context.Background(), testdb.MySQLStoreDatabase(t), &driver.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			return c
		},
	}
}

// fanIn stores n artifacts that are all inputs of one execution, which
// outputs one more artifact, and returns the input ids, the execution and
// the output.
func fanIn(t *testing.T, s *mlmd.Store, n int) (inputs []int64, exec, output int64) {
	ctx := context.Background()
	at, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "A"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	et, err := s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "E"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	as := make([]mlmd.Artifact, n+1)
	for i := range as {
		as[i] = mlmd.Artifact{TypeID: at, Name: fmt.Sprintf("a%d", i)}
	}
	ids, err := s.PutArtifacts(ctx, as, nil)
	if err != nil {
		t.Fatal(err)
	}
	es, err := s.PutExecutions(ctx, []mlmd.Execution{{TypeID: et}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var evs []mlmd.Event
	for _, id := range ids[:n] {
		evs = append(evs, mlmd.Event{ArtifactID: id, ExecutionID: es[0], Type: mlmd.EventInput})
	}
	evs = append(evs, mlmd.Event{ArtifactID: ids[n], ExecutionID: es[0], Type: mlmd.EventOutput,
		Path: []mlmd.Step{mlmd.KeyStep("out"), mlmd.IndexStep(1)}})
	if err := s.PutEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	return ids[:n], es[0], ids[n]
}

func TestLineageTx(t *testing.T) {
	for name, open := range lineageConns(t) {
		t.Run(name, func(t *testing.T) {
			conn := open(t)
			const n = 1234 // three chunks of start ids
			inputs, exec, output := fanIn(t, mlmd.NewStore(conn, nil), n)
			ctx := context.Background()
			read := func(fn func(tx driver.LineageTx) error) error {
				return conn.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
					lt, ok := tx.(driver.LineageTx)
					if !ok {
						t.Fatal("the Tx has no LineageTx")
					}
					return fn(lt)
				})
			}

			// Every input, given by id, reaches the execution at 1 hop and
			// the output at 2; the start nodes come in three chunks.
			var byIDs, byFilter driver.LineageTraceResult
			starts := append(slices.Clone(inputs), inputs[0], -5, output+1000) // duplicates and unknown ids
			q := driver.LineageTrace{StartKind: driver.KindArtifact, StartIDs: starts, MaxHops: 2, WithEvents: true}
			err := read(func(tx driver.LineageTx) (err error) {
				byIDs, err = tx.TraceLineage(ctx, q)
				if err != nil {
					return err
				}
				q.StartIDs, q.StartFilter = nil, txtest.Filter(t, fmt.Sprintf("id <= %d", inputs[n-1]), driver.KindArtifact)
				byFilter, err = tx.TraceLineage(ctx, q)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(byIDs.Nodes) != n+2 || len(byIDs.Events) != n+1 {
				t.Fatalf("from %d inputs: %d nodes, %d events; want %d and %d", n, len(byIDs.Nodes), len(byIDs.Events), n+2, n+1)
			}
			if fmt.Sprint(byIDs) != fmt.Sprint(byFilter) {
				t.Errorf("start by ids and by filter differ:\n%v\n%v", byIDs.Nodes[n-2:], byFilter.Nodes[n-2:])
			}
			want := []driver.TracedNode{{Kind: driver.KindExecution, ID: exec, Hops: 1}, {Kind: driver.KindArtifact, ID: inputs[0]}}
			if got := []driver.TracedNode{byIDs.Nodes[0], byIDs.Nodes[1]}; !slices.Equal(got, want) {
				t.Errorf("first nodes %+v, want %+v (ordered by kind, then id)", got, want)
			}
			if last := byIDs.Nodes[n+1]; last != (driver.TracedNode{Kind: driver.KindArtifact, ID: output, Hops: 2}) {
				t.Errorf("output node %+v", last)
			}
			if ev := byIDs.Events[n]; ev.ArtifactID != output || len(ev.Path) != 2 || ev.Path[0].Key != "out" || ev.Path[1].Index != 1 {
				t.Errorf("the output event %+v, want its path", ev)
			}

			// A start limit, an ending filter, and type lists.
			err = read(func(tx driver.LineageTx) error {
				res, err := tx.TraceLineage(ctx, driver.LineageTrace{StartKind: driver.KindArtifact, StartFilter: txtest.Filter(t, "id > 0", driver.KindArtifact),
					StartLimit: 3, MaxHops: 0})
				if err != nil {
					return err
				}
				if len(res.Nodes) != 3 || res.Nodes[2].ID != inputs[2] {
					t.Errorf("the 3 lowest start ids: %+v", res.Nodes)
				}
				res, err = tx.TraceLineage(ctx, driver.LineageTrace{StartKind: driver.KindArtifact, StartIDs: inputs[:1], MaxHops: 5,
					EndingExecutions: txtest.Filter(t, fmt.Sprintf("id = %d", exec), driver.KindExecution), WithEvents: true})
				if err != nil {
					return err
				}
				if len(res.Nodes) != 2 || !res.Nodes[0].Ending || len(res.Events) != 1 {
					t.Errorf("ending at the execution: %+v", res)
				}
				res, err = tx.TraceLineage(ctx, driver.LineageTrace{StartKind: driver.KindExecution, StartIDs: []int64{exec}, MaxHops: 1,
					ExecutionEventTypes: []int32{int32(mlmd.EventOutput)}, ArtifactEventTypes: []int32{}, WithEvents: true})
				if err != nil {
					return err
				}
				if len(res.Nodes) != 2 || res.Nodes[1].ID != output || len(res.Events) != 1 {
					t.Errorf("outputs only: %+v", res)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}

			// MatchNodeIDs, over three chunks of ids.
			err = read(func(tx driver.LineageTx) error {
				got, err := tx.MatchNodeIDs(ctx, txtest.Filter(t, "name != 'a0'", driver.KindArtifact), append(slices.Clone(inputs), output, output, -1))
				if err != nil {
					return err
				}
				if len(got) != n || got[0] != inputs[1] || got[n-1] != output {
					t.Errorf("MatchNodeIDs: %d ids, from %d to %d", len(got), got[0], got[len(got)-1])
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}

			for _, c := range []struct {
				what string
				call func(tx driver.LineageTx) error
			}{
				{"no filter", func(tx driver.LineageTx) error {
					_, err := tx.MatchNodeIDs(ctx, nil, inputs)
					return err
				}},
				{"ending filter of another kind", func(tx driver.LineageTx) error {
					_, err := tx.TraceLineage(ctx, driver.LineageTrace{StartKind: driver.KindArtifact, StartIDs: inputs[:1],
						EndingArtifacts: txtest.Filter(t, "id > 0", driver.KindExecution)})
					return err
				}},
				{"start filter of another kind", func(tx driver.LineageTx) error {
					_, err := tx.TraceLineage(ctx, driver.LineageTrace{StartKind: driver.KindExecution,
						StartFilter: txtest.Filter(t, "uri = 'x'", driver.KindArtifact)})
					return err
				}},
				{"contexts", func(tx driver.LineageTx) error {
					_, err := tx.TraceLineage(ctx, driver.LineageTrace{StartKind: driver.KindContext, StartIDs: []int64{1}})
					return err
				}},
				{"negative hops", func(tx driver.LineageTx) error {
					_, err := tx.TraceLineage(ctx, driver.LineageTrace{StartKind: driver.KindArtifact, StartIDs: inputs[:1], MaxHops: -1})
					return err
				}},
			} {
				if err := read(c.call); errcode.Of(err) != errcode.InvalidArgument {
					t.Errorf("%s: %v, want InvalidArgument", c.what, err)
				}
			}
		})
	}
}
