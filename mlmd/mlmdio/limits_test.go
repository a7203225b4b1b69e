package mlmdio_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/mlmd/mlmdio"
)

// checkStoreEmpty fails the test unless s holds no node and no type but
// MLMD's system types.
func checkStoreEmpty(t testing.TB, s *mlmd.Store) {
	t.Helper()
	ctx := context.Background()
	as, _, err := s.GetArtifacts(ctx, nil)
	mustDo(t, err)
	xs, _, err := s.GetExecutions(ctx, nil)
	mustDo(t, err)
	cs, _, err := s.GetContexts(ctx, nil)
	mustDo(t, err)
	var types []string
	for _, at := range must(s.GetArtifactTypes(ctx))(t) {
		types = append(types, at.Name)
	}
	for _, et := range must(s.GetExecutionTypes(ctx))(t) {
		types = append(types, et.Name)
	}
	for _, ct := range must(s.GetContextTypes(ctx))(t) {
		types = append(types, ct.Name)
	}
	var own []string
	for _, n := range types {
		if !strings.HasPrefix(n, "mlmd.") {
			own = append(own, n)
		}
	}
	if len(as)+len(xs)+len(cs)+len(own) > 0 {
		t.Errorf("the store holds %d artifacts, %d executions, %d contexts and types %v, want none", len(as), len(xs), len(cs), own)
	}
}

// limitSource writes a SQLite store with 30 good pipeline steps (several
// import batches of every kind) and then, through bad, one thing beyond
// what MLMD's MySQL or PostgreSQL schema holds.
func limitSource(t testing.TB, bad func(s *mlmd.Store, artifactType, executionType, contextType, artifact, execution int64)) []byte {
	t.Helper()
	ctx := context.Background()
	s := openSQLite(t)
	at := must(s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Data"}, nil))(t)
	et := must(s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Step"}, nil))(t)
	ct := must(s.PutContextType(ctx, mlmd.ContextType{Name: "Run"}, nil))(t)
	var lastA, lastX int64
	for i := range 30 {
		res := must(s.PutExecution(ctx, mlmd.Execution{TypeID: et, CustomProperties: mlmd.Properties{"n": mlmd.IntValue(math.MaxInt32 - int64(i))}},
			[]mlmd.ArtifactAndEvent{{Artifact: &mlmd.Artifact{TypeID: at, URI: fmt.Sprintf("/d/%d", i)},
				Event: &mlmd.Event{Type: mlmd.EventOutput, Path: []mlmd.Step{mlmd.IndexStep(math.MinInt32)}}}},
			[]mlmd.Context{{TypeID: ct, Name: fmt.Sprintf("run-%d", i)}}, nil))(t)
		lastA, lastX = res.ArtifactIDs[0], res.ExecutionID
	}
	bad(s, at, et, ct, lastA, lastX)
	return export(t, s)
}

// TestImportBeyondLimits imports, into MariaDB and PostgreSQL, streams
// from SQLite that hold one value the target's schema cannot: the import
// must fail with InvalidArgument naming the record, its line and the
// property, and leave the target empty (it wrote several batches before).
func TestImportBeyondLimits(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("é", 256)
	cases := []struct {
		name    string
		bad     func(s *mlmd.Store, at, et, ct, a, x int64)
		targets []string
		msg     string
	}{
		{"int property beyond 32 bits", func(s *mlmd.Store, at, _, _, _, _ int64) {
			must(s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: at, URI: "/big",
				CustomProperties: mlmd.Properties{"rows": mlmd.IntValue(math.MaxInt32 + 1)}}}, nil))(t)
		}, []string{"mysql", "postgres"}, `: artifact 31, `}, // the stream's id
		{"negative int property beyond 32 bits", func(s *mlmd.Store, _, et, _, _, _ int64) {
			must(s.PutExecutions(ctx, []mlmd.Execution{{TypeID: et, Properties: nil,
				CustomProperties: mlmd.Properties{"offset": mlmd.IntValue(math.MinInt64)}}}, nil))(t)
		}, []string{"mysql", "postgres"}, `: execution 31, `},
		{"event path index beyond 32 bits", func(s *mlmd.Store, _, _, _, a, x int64) {
			mustDo(t, s.PutEvents(ctx, []mlmd.Event{{ArtifactID: a, ExecutionID: x, Type: mlmd.EventInput,
				Path: []mlmd.Step{mlmd.KeyStep("k"), mlmd.IndexStep(1 << 40)}}}))
		}, []string{"mysql", "postgres"}, `: event (artifact 30, execution 30), `},
		{"name longer than 255 characters", func(s *mlmd.Store, _, _, ct, _, _ int64) {
			must(s.PutContexts(ctx, []mlmd.Context{{TypeID: ct, Name: long}}, nil))(t)
		}, []string{"mysql", "postgres"}, `: context 31, `},
		{"NUL in a string property", func(s *mlmd.Store, _, _, ct, _, _ int64) {
			must(s.PutContexts(ctx, []mlmd.Context{{TypeID: ct, Name: "nul",
				CustomProperties: mlmd.Properties{"note": mlmd.StringValue("a\x00b")}}}, nil))(t)
		}, []string{"postgres"}, `: context 31, `},
	}
	wantWhy := map[string]string{
		"int property beyond 32 bits":          `custom property "rows": int value 2147483648 is outside the 32-bit range of int_value`,
		"negative int property beyond 32 bits": `custom property "offset": int value -9223372036854775808 is outside the 32-bit range`,
		"event path index beyond 32 bits":      `path step 1: index 1099511627776 is outside the 32-bit range of EventPath.step_index`,
		"name longer than 255 characters":      `name is 256 characters long, more than VARCHAR(255) holds`,
		"NUL in a string property":             `custom property "note": string value holds a NUL character`,
	}
	open := map[string]func(testing.TB) *mlmd.Store{"mysql": openMySQL, "postgres": openPostgres}
	good := limitSource(t, func(*mlmd.Store, int64, int64, int64, int64, int64) {})
	for _, c := range cases {
		stream := limitSource(t, c.bad)
		// SQLite holds it.
		if _, err := mlmdio.Import(ctx, openSQLite(t), bytes.NewReader(stream), nil); err != nil {
			t.Errorf("%s into SQLite: %v", c.name, err)
		}
		for _, target := range c.targets {
			t.Run(c.name+"/"+target, func(t *testing.T) {
				dst := open[target](t)
				_, err := mlmdio.Import(ctx, dst, bytes.NewReader(stream), &mlmdio.ImportOptions{BatchSize: 7})
				if mlmd.CodeOf(err) != errcode.InvalidArgument {
					t.Fatalf("got %v (code %v), want InvalidArgument", err, mlmd.CodeOf(err))
				}
				for _, want := range []string{c.msg, wantWhy[c.name], "the target store cannot hold it", "the import was rolled back"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q\ndoes not say %q", err, want)
					}
				}
				checkStoreEmpty(t, dst)
				// The store is as good as new: a good stream imports.
				if _, err := mlmdio.Import(ctx, dst, bytes.NewReader(good), nil); err != nil {
					t.Fatalf("import after the rollback: %v", err)
				}
			})
		}
	}
}

// TestImportRollback cancels an import halfway, which rolls back what it
// wrote, and closes the store halfway, which leaves the rollback unable to
// run: the error must say that the store holds part of the stream.
func TestImportRollback(t *testing.T) {
	stream := limitSource(t, func(*mlmd.Store, int64, int64, int64, int64, int64) {})
	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		dst := openSQLite(t)
		n := 0
		_, err := mlmdio.Import(ctx, dst, bytes.NewReader(stream), &mlmdio.ImportOptions{BatchSize: 5, Progress: func(string, int) {
			if n++; n == 10 {
				cancel()
			}
		}})
		if mlmd.CodeOf(err) != errcode.Canceled || !strings.Contains(err.Error(), "rolled back") {
			t.Fatalf("got %v (code %v), want Canceled and rolled back", err, mlmd.CodeOf(err))
		}
		checkStoreEmpty(t, dst)
	})
	t.Run("store closed", func(t *testing.T) {
		dst := openSQLite(t)
		n := 0
		_, err := mlmdio.Import(context.Background(), dst, bytes.NewReader(stream), &mlmdio.ImportOptions{BatchSize: 5, Progress: func(string, int) {
			if n++; n == 10 {
				dst.Close()
			}
		}})
		if mlmd.CodeOf(err) != errcode.FailedPrecondition || !strings.Contains(err.Error(), "the store holds part of the stream") {
			t.Fatalf("got %v (code %v), want FailedPrecondition and a failed rollback", err, mlmd.CodeOf(err))
		}
	})
}

// TestExportInvalidUTF8 exports SQLite stores holding a string that is
// not valid UTF-8, which JSON cannot carry: Export must fail naming the
// record and the string rather than change it.
func TestExportInvalidUTF8(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		put  func(s *mlmd.Store, at, et int64)
		msg  string
	}{
		{"custom property", func(s *mlmd.Store, at, _ int64) {
			must(s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: at, CustomProperties: mlmd.Properties{"note": mlmd.StringValue("a\xffb")}}}, nil))(t)
		}, `artifact 1: custom property "note" is not valid UTF-8`},
		{"uri", func(s *mlmd.Store, at, _ int64) {
			must(s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: at, URI: "/data/\xc3"}}, nil))(t)
		}, `artifact 1: uri is not valid UTF-8`},
		{"execution name", func(s *mlmd.Store, _, et int64) {
			must(s.PutExecutions(ctx, []mlmd.Execution{{TypeID: et, Name: "\xfe"}}, nil))(t)
		}, `execution 1: name is not valid UTF-8`},
		{"path key", func(s *mlmd.Store, at, et int64) {
			a := must(s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: at}}, nil))(t)
			x := must(s.PutExecutions(ctx, []mlmd.Execution{{TypeID: et}}, nil))(t)
			mustDo(t, s.PutEvents(ctx, []mlmd.Event{{ArtifactID: a[0], ExecutionID: x[0], Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep("\xff")}}}))
		}, `event (artifact 1, execution 1): the key of path step 0 is not valid UTF-8`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openSQLite(t)
			at := must(s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Data"}, nil))(t)
			et := must(s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Step"}, nil))(t)
			c.put(s, at, et)
			var buf bytes.Buffer
			_, err := mlmdio.Export(ctx, s, &buf, nil)
			if mlmd.CodeOf(err) != errcode.InvalidArgument || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v (code %v), want InvalidArgument and %q", err, mlmd.CodeOf(err), c.msg)
			}
		})
	}
}

// TestImportNamesEqualToMySQL imports into MariaDB a stream from SQLite
// with two context names that MariaDB's collation takes for one: the
// import must fail with AlreadyExists, say why, and roll back.
func TestImportNamesEqualToMySQL(t *testing.T) {
	ctx := context.Background()
	for _, names := range [][2]string{{"Nightly", "nightly"}, {"nightly", "nightly "}} {
		stream := limitSource(t, func(s *mlmd.Store, _, _, ct, _, _ int64) {
			must(s.PutContexts(ctx, []mlmd.Context{{TypeID: ct, Name: names[0]}, {TypeID: ct, Name: names[1]}}, nil))(t)
		})
		dst := openMySQL(t)
		_, err := mlmdio.Import(ctx, dst, bytes.NewReader(stream), &mlmdio.ImportOptions{BatchSize: 7})
		if mlmd.CodeOf(err) != errcode.AlreadyExists || !strings.Contains(err.Error(), "ignoring case and trailing spaces") ||
			!strings.Contains(err.Error(), "rolled back") {
			t.Fatalf("%q and %q: got %v (code %v), want AlreadyExists, why and rolled back", names[0], names[1], err, mlmd.CodeOf(err))
		}
		checkStoreEmpty(t, dst)
		if _, err := mlmdio.Import(ctx, openPostgres(t), bytes.NewReader(stream), nil); err != nil {
			t.Errorf("%q and %q into PostgreSQL: %v", names[0], names[1], err)
		}
	}
}
