package mlmd_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// txKinds counts the read-only and read-write transactions a store opens.
type txKinds struct {
	driver.Conn
	reads, writes *atomic.Int64
}

func (c txKinds) InTx(ctx context.Context, opts driver.TxOptions, fn func(tx driver.Tx) error) error {
	if opts.ReadOnly {
		c.reads.Add(1)
	} else {
		c.writes.Add(1)
	}
	return c.Conn.InTx(ctx, opts, fn)
}

// TestPutTypeUnchangedTakesNoWriteTransaction checks that putting a type
// that is stored already, unchanged, is answered from a read-only
// transaction, and that every change still goes through a write.
func TestPutTypeUnchangedTakesNoWriteTransaction(t *testing.T) {
	ctx := context.Background()
	conn, err := sqlitestore.Driver{}.Open(ctx, "file:"+filepath.Join(t.TempDir(), "p.db"), &driver.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var reads, writes atomic.Int64
	s := mlmd.NewStore(txKinds{conn, &reads, &writes}, nil)
	defer s.Close()

	dataset := mlmd.ArtifactType{Name: "DataSet", Properties: map[string]mlmd.PropertyType{"day": mlmd.PropertyInt}}
	steps := []struct {
		name       string
		put        func() (int64, error)
		wantWrites int64 // write transactions the step may open
		wantSameID bool  // the id equals the first step's
	}{
		{"create", func() (int64, error) { return s.PutArtifactType(ctx, dataset, nil) }, 1, true},
		{"same again", func() (int64, error) { return s.PutArtifactType(ctx, dataset, nil) }, 0, true},
		{"fewer properties, can omit", func() (int64, error) {
			return s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "DataSet"}, &mlmd.TypeOptions{CanOmitFields: true})
		}, 0, true},
		{"one more property", func() (int64, error) {
			more := mlmd.ArtifactType{Name: "DataSet", Properties: map[string]mlmd.PropertyType{"day": mlmd.PropertyInt, "split": mlmd.PropertyString}}
			return s.PutArtifactType(ctx, more, &mlmd.TypeOptions{CanAddFields: true})
		}, 1, true},
		{"other type", func() (int64, error) { return s.PutContextType(ctx, mlmd.ContextType{Name: "Run"}, nil) }, 1, false},
	}
	var first int64
	for i, st := range steps {
		before := writes.Load()
		id, err := st.put()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if i == 0 {
			first = id
		}
		if got := writes.Load() - before; got != st.wantWrites {
			t.Errorf("%s: %d write transactions, want %d", st.name, got, st.wantWrites)
		}
		if (id == first) != st.wantSameID {
			t.Errorf("%s: id %d, first id %d, want same: %v", st.name, id, first, st.wantSameID)
		}
	}
	got, err := s.GetArtifactType(ctx, "DataSet", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Properties) != 2 {
		t.Errorf("DataSet has properties %v, want day and split", got.Properties)
	}
	// An incompatible put is refused from the read-only transaction too.
	before := writes.Load()
	_, err = s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "DataSet", Properties: map[string]mlmd.PropertyType{"day": mlmd.PropertyString}}, nil)
	if mlmd.CodeOf(err) != mlmd.AlreadyExists {
		t.Errorf("incompatible put: %v, want AlreadyExists", err)
	}
	if writes.Load() != before {
		t.Errorf("incompatible put opened a write transaction")
	}
}

// TestBadFilterFailsBeforeTransaction checks that filter queries are
// parsed and checked before any transaction begins: a query that does not
// parse or check is InvalidArgument, and the store opens no transaction.
func TestBadFilterFailsBeforeTransaction(t *testing.T) {
	ctx := context.Background()
	conn, err := sqlitestore.Driver{}.Open(ctx, ":memory:", &driver.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var reads, writes atomic.Int64
	s := mlmd.NewStore(txKinds{conn, &reads, &writes}, nil)
	defer s.Close()

	starting := &mlmd.StartingNodes{FilterQuery: "id > 0"}
	calls := []struct {
		name string
		call func() error
	}{
		{"does not parse", func() error {
			_, _, err := s.GetArtifacts(ctx, &mlmd.ListOptions{FilterQuery: "name ="})
			return err
		}},
		{"unknown field", func() error {
			_, _, err := s.GetExecutions(ctx, &mlmd.ListOptions{FilterQuery: "uri = 'x'"})
			return err
		}},
		{"starting nodes", func() error {
			_, err := s.GetLineageSubgraph(ctx, mlmd.LineageSubgraphQuery{StartingArtifacts: &mlmd.StartingNodes{FilterQuery: "nope nope"}})
			return err
		}},
		{"ending nodes", func() error {
			_, err := s.GetLineageSubgraph(ctx, mlmd.LineageSubgraphQuery{StartingArtifacts: starting,
				EndingExecutions: &mlmd.EndingNodes{FilterQuery: "uri = 'x'"}})
			return err
		}},
		{"boundary", func() error {
			_, err := s.GetLineageGraph(ctx, mlmd.LineageGraphQuery{Artifacts: &mlmd.ListOptions{}, BoundaryArtifacts: "id >"})
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if mlmd.CodeOf(err) != mlmd.InvalidArgument {
				t.Fatalf("got %v, want InvalidArgument", err)
			}
			if n := reads.Load() + writes.Load(); n != 0 {
				t.Errorf("%d transactions begun before the query was refused", n)
			}
		})
	}
}

// TestClosedStore checks that every call on a closed store, Close
// included, is FailedPrecondition.
func TestClosedStore(t *testing.T) {
	ctx := context.Background()
	s, err := mlmd.Open(ctx, "sqlite", ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"read": func() error { _, err := s.GetArtifactTypes(ctx); return err },
		"write": func() error {
			_, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "T"}, nil)
			return err
		},
		"list":  func() error { _, _, err := s.GetArtifacts(ctx, &mlmd.ListOptions{}); return err },
		"close": s.Close,
	} {
		if err := call(); mlmd.CodeOf(err) != mlmd.FailedPrecondition {
			t.Errorf("%s on a closed store: %v, want FailedPrecondition", name, err)
		}
	}
}
