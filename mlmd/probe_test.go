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
