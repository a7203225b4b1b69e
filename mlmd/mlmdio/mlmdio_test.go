package mlmdio_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/mlmd/mlmdio"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	_ "github.com/gomlmd/gomlmd/mlmd/postgresstore"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// must returns v, or ends the test if err is set:
// must(f())(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// mustDo ends the test if err is set.
func mustDo(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func openSQLite(t testing.TB) *mlmd.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mlmd.db")
	s := must(mlmd.Open(context.Background(), "sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)", nil))(t)
	t.Cleanup(func() { s.Close() })
	return s
}

// openMySQL opens a store in an empty MariaDB database of the test
// server (a new one, or one of an earlier test emptied).
func openMySQL(t testing.TB) *mlmd.Store {
	t.Helper()
	s := must(mlmd.Open(context.Background(), "mysql", testdb.MySQLStoreDatabase(t), nil))(t)
	t.Cleanup(func() { s.Close() })
	return s
}

// openPostgres is openMySQL for PostgreSQL.
func openPostgres(t testing.TB) *mlmd.Store {
	t.Helper()
	s := must(mlmd.Open(context.Background(), "postgres", testdb.PostgresStoreDatabase(t), nil))(t)
	t.Cleanup(func() { s.Close() })
	return s
}

// fill writes a store with every kind of thing the format carries: types
// of each kind with every property type, base types and external ids;
// nodes with every value kind (extreme numbers, structs, protos);
// events with paths; attributions, associations, parent contexts.
func fill(t testing.TB, s *mlmd.Store) {
	t.Helper()
	ctx := context.Background()
	allProps := map[string]mlmd.PropertyType{"i": mlmd.PropertyInt, "d": mlmd.PropertyDouble, "s": mlmd.PropertyString,
		"st": mlmd.PropertyStruct, "p": mlmd.PropertyProto, "b": mlmd.PropertyBool}
	dataset := must(s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Data", Version: "v1", Description: "a dataset",
		ExternalID: "type-data", Properties: allProps, BaseType: mlmd.ArtifactBaseDataset}, nil))(t)
	model := must(s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Model"}, nil))(t)
	trainer := must(s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Trainer", Properties: allProps,
		BaseType: mlmd.ExecutionBaseTrain, InputType: `{"none":{}}`, OutputType: `{"any":{}}`}, nil))(t)
	pipeline := must(s.PutContextType(ctx, mlmd.ContextType{Name: "Pipeline", ExternalID: "type-pipeline",
		Properties: map[string]mlmd.PropertyType{"owner": mlmd.PropertyString}}, nil))(t)
	run := must(s.PutContextType(ctx, mlmd.ContextType{Name: "Run"}, nil))(t)

	st := must(structpb.NewStruct(map[string]any{"a": 1.5, "b": []any{"x", true, nil}, "c": map[string]any{"d": "e"}}))(t)
	anyMsg := must(anypb.New(structpb.NewStringValue("packed")))(t)
	props := func(i int) mlmd.Properties {
		return mlmd.Properties{"i": mlmd.IntValue(int64(i) << 20), "d": mlmd.DoubleValue(float64(i) / 3),
			"s": mlmd.StringValue(fmt.Sprintf("s%d ü \"q\" \n", i)), "st": mlmd.StructValue(st), "p": mlmd.ProtoValue(anyMsg),
			"b": mlmd.BoolValue(i%2 == 0)}
	}
	custom := mlmd.Properties{"tiny": mlmd.DoubleValue(math.SmallestNonzeroFloat64), "big": mlmd.DoubleValue(-math.MaxFloat64),
		"neg": mlmd.IntValue(math.MinInt32), "empty": mlmd.StringValue("")}

	ctxIDs := must(s.PutContexts(ctx, []mlmd.Context{
		{TypeID: pipeline, Name: "p1", ExternalID: "ext-p1", Properties: mlmd.Properties{"owner": mlmd.StringValue("me")}},
		{TypeID: run, Name: "r1", CustomProperties: custom},
		{TypeID: run, Name: "r2"},
	}, nil))(t)
	mustDo(t, s.PutParentContexts(ctx, []mlmd.ParentContext{{ChildID: ctxIDs[1], ParentID: ctxIDs[0]}, {ChildID: ctxIDs[2], ParentID: ctxIDs[0]}}))

	for i := range 7 {
		res := must(s.PutExecution(ctx,
			mlmd.Execution{TypeID: trainer, Name: fmt.Sprintf("train-%d", i), LastKnownState: mlmd.ExecutionStateComplete, Properties: props(i)},
			[]mlmd.ArtifactAndEvent{
				{Artifact: &mlmd.Artifact{TypeID: dataset, URI: fmt.Sprintf("/data/%d", i), State: mlmd.ArtifactStateLive, Properties: props(i), CustomProperties: custom},
					Event: &mlmd.Event{Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep("examples"), mlmd.IndexStep(int64(i))}}},
				{Artifact: &mlmd.Artifact{TypeID: model, Name: fmt.Sprintf("model-%d", i), ExternalID: fmt.Sprintf("ext-m%d", i)},
					Event: &mlmd.Event{Type: mlmd.EventOutput, MillisecondsSinceEpoch: 1700000000000 + int64(i)}},
			},
			[]mlmd.Context{{ID: ctxIDs[1+i%2], TypeID: run, Name: fmt.Sprintf("r%d", 1+i%2)}}, nil))(t)
		if i > 0 {
			// The previous model feeds this run too.
			prev := must(s.GetArtifactsByExternalIDs(ctx, []string{fmt.Sprintf("ext-m%d", i-1)}))(t)
			mustDo(t, s.PutEvents(ctx, []mlmd.Event{{ArtifactID: prev[0].ID, ExecutionID: res.ExecutionID, Type: mlmd.EventInput}}))
		}
	}
	// A node of a system type, which the stream does not carry.
	sys := must(s.GetArtifactType(ctx, "mlmd.Statistics", ""))(t)
	must(s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: sys.ID, URI: "/stats"}}, nil))(t)
	// A node in no context and with no events.
	must(s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: model, URI: "/lonely", State: mlmd.ArtifactStateDeleted}}, nil))(t)
	mustDo(t, s.PutAttributionsAndAssociations(ctx, []mlmd.Attribution{{ArtifactID: 1, ContextID: ctxIDs[0]}}, nil))
}

// canonical is mlmdio.Canonical, ending the test on error.
func canonical(t testing.TB, stream []byte) []string {
	t.Helper()
	return must(mlmdio.Canonical(bytes.NewReader(stream)))(t)
}

func export(t testing.TB, s *mlmd.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := mlmdio.Export(context.Background(), s, &buf, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func diff(a, b []string) string {
	var d []string
	for _, l := range a {
		if !slices.Contains(b, l) {
			d = append(d, "- "+l)
		}
	}
	for _, l := range b {
		if !slices.Contains(a, l) {
			d = append(d, "+ "+l)
		}
	}
	return strings.Join(d, "\n")
}

// TestRoundTrip copies a store through the stream along SQLite → SQLite →
// MariaDB → MariaDB → PostgreSQL → PostgreSQL → SQLite → PostgreSQL →
// MariaDB → SQLite, which crosses every ordered pair of the three
// backends, and checks that every copy's stream equals the original's up
// to ids and store-set times, and that the lineage answers the same.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := openSQLite(t)
	fill(t, src)
	want := export(t, src)
	wantCanon := canonical(t, want)

	hops := []struct {
		name string
		open func(testing.TB) *mlmd.Store
	}{
		{"sqlite", openSQLite},
		{"mysql", openMySQL},
		{"mysql", openMySQL},
		{"postgres", openPostgres},
		{"postgres", openPostgres},
		{"sqlite", openSQLite},
		{"postgres", openPostgres},
		{"mysql", openMySQL},
		{"sqlite", openSQLite},
	}
	stream := want
	for _, hop := range hops {
		dst := hop.open(t)
		stats, err := mlmdio.Import(ctx, dst, bytes.NewReader(stream), &mlmdio.ImportOptions{BatchSize: 3})
		if err != nil {
			t.Fatalf("import into %s: %v", hop.name, err)
		}
		if stats[mlmdio.KindArtifact] != 16 || stats[mlmdio.KindEvent] != 20 || stats[mlmdio.KindParentContext] != 2 {
			t.Errorf("import into %s: stats %v", hop.name, stats)
		}
		stream = export(t, dst)
		if got := canonical(t, stream); !slices.Equal(got, wantCanon) {
			t.Fatalf("%s copy differs from the original:\n%s", hop.name, diff(wantCanon, got))
		}
		// The last model's provenance reaches every execution.
		ms := must(dst.GetArtifactsByExternalIDs(ctx, []string{"ext-m6"}))(t)
		g := must(dst.Provenance(ctx, ms[0].ID))(t)
		if len(g.Executions) != 7 {
			t.Errorf("%s: provenance of the last model has %d executions, want 7", hop.name, len(g.Executions))
		}
	}
}

func TestImportErrors(t *testing.T) {
	ctx := context.Background()
	src := openSQLite(t)
	fill(t, src)
	good := string(export(t, src))
	lines := strings.Split(strings.TrimSpace(good), "\n")
	header, end := lines[0], lines[len(lines)-1]
	cases := []struct {
		name   string
		stream string
		code   mlmd.Code
		msg    string
	}{
		{"empty", "", errcode.InvalidArgument, "no header"},
		{"no header", lines[1] + "\n", errcode.InvalidArgument, "must be its header"},
		{"future version", strings.Replace(header, `"format_version":1`, `"format_version":99`, 1) + "\n" + end, errcode.InvalidArgument, "format version 99"},
		{"truncated", strings.Join(lines[:len(lines)-1], "\n"), errcode.InvalidArgument, "truncated"},
		{"count mismatch", strings.Join(append(slices.Clone(lines[:len(lines)-2]), end), "\n"), errcode.InvalidArgument, "end record counts"},
		{"unknown field", header + "\n" + `{"kind":"artifact_type","id":1,"name":"x","bogus":1}`, errcode.InvalidArgument, "bogus"},
		{"unknown kind", header + "\n" + `{"kind":"widget"}`, errcode.InvalidArgument, "unknown record kind"},
		{"dangling type", header + "\n" + `{"kind":"artifact","id":1,"type_id":9}` + "\n" + end, errcode.InvalidArgument, "type_id 9"},
		{"forward reference", header + "\n" + `{"kind":"context_type","id":1,"name":"c"}` + "\n" + `{"kind":"parent_context","child_id":1,"parent_id":2}` +
			"\n" + `{"kind":"context","id":1,"type_id":1,"name":"x"}`, errcode.InvalidArgument, "child_id 1 is not in the stream before this line"},
		{"bad value", header + "\n" + `{"kind":"context_type","id":1,"name":"c"}` + "\n" +
			`{"kind":"context","id":1,"type_id":1,"name":"x","custom_properties":{"a":{"int":"1","string":"x"}}}`, errcode.InvalidArgument, "exactly one"},
		{"bad path", header + "\n" + `{"kind":"event","artifact_id":1,"execution_id":1,"path":[{}]}`, errcode.InvalidArgument, "line 2"},
		{"bad state", header + "\n" + `{"kind":"execution_type","id":1,"name":"e"}` + "\n" + `{"kind":"execution","id":1,"type_id":1,"state":"ASLEEP"}` + "\n" + end,
			errcode.InvalidArgument, "ASLEEP"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dst := openSQLite(t)
			_, err := mlmdio.Import(ctx, dst, strings.NewReader(c.stream), &mlmdio.ImportOptions{BatchSize: 3})
			if mlmd.CodeOf(err) != c.code || err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v (code %v), want code %v and %q", err, mlmd.CodeOf(err), c.code, c.msg)
			}
			// What was written before the bad line is rolled back.
			checkStoreEmpty(t, dst)
		})
	}
	t.Run("not empty", func(t *testing.T) {
		_, err := mlmdio.Import(ctx, src, strings.NewReader(good), nil)
		if mlmd.CodeOf(err) != errcode.FailedPrecondition {
			t.Fatalf("import into a full store: got %v, want FailedPrecondition", err)
		}
		// The refusal touches nothing.
		if got, want := canonical(t, export(t, src)), canonical(t, []byte(good)); !slices.Equal(got, want) {
			t.Fatalf("the refused import changed the store:\n%s", diff(want, got))
		}
	})
}

var eventTime = regexp.MustCompile(`"milliseconds_since_epoch":\d+,?`)

// withoutEventTimes returns canonical lines without the events' times.
func withoutEventTimes(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = eventTime.ReplaceAllString(l, "")
	}
	return out
}

// selectionCase is a case of TestExportSelection.
type selectionCase struct {
	name  string
	sel   mlmdio.Selection
	stats mlmdio.Stats
	// provenance: an artifact's external id and how many executions its
	// provenance has in the copy.
	ext   string
	execs int
}

// TestExportSelection exports the closure of a filter query from a store
// of each backend and checks what it holds, that it is the same from
// every backend, and that a store (of another backend) imported from it
// exports the same stream.
func TestExportSelection(t *testing.T) {
	ctx := context.Background()
	cases := []selectionCase{
		{"an artifact's provenance", mlmdio.Selection{Artifacts: "external_id = 'ext-m2'"},
			mlmdio.Stats{"artifact_type": 2, "execution_type": 1, "context_type": 2, "artifact": 6, "execution": 3, "context": 3,
				"event": 8, "attribution": 7, "association": 3, "parent_context": 2}, "ext-m2", 3},
		{"a context's members", mlmdio.Selection{Contexts: "name = 'r2'"},
			mlmdio.Stats{"artifact_type": 2, "execution_type": 1, "context_type": 2, "artifact": 12, "execution": 6, "context": 3,
				"event": 17, "attribution": 13, "association": 6, "parent_context": 2}, "ext-m5", 6},
		{"an execution", mlmdio.Selection{Executions: "name = 'train-0'"},
			mlmdio.Stats{"artifact_type": 2, "execution_type": 1, "context_type": 2, "artifact": 1, "execution": 1, "context": 2,
				"event": 1, "attribution": 2, "association": 1, "parent_context": 1}, "", 0},
		{"nothing", mlmdio.Selection{Artifacts: "uri = 'nowhere'"},
			mlmdio.Stats{"artifact_type": 2, "execution_type": 1, "context_type": 2}, "", 0},
	}
	pairs := []struct {
		src, dst string
		open     func(testing.TB) *mlmd.Store
		openDst  func(testing.TB) *mlmd.Store
	}{
		{"sqlite", "postgres", openSQLite, openPostgres},
		{"postgres", "mysql", openPostgres, openMySQL},
		{"mysql", "sqlite", openMySQL, openSQLite},
	}
	first := map[string][]string{} // the canonical selection from the first source, by case
	for _, p := range pairs {
		src := p.open(t)
		fill(t, src)
		for _, c := range cases {
			t.Run(p.src+"/"+c.name, func(t *testing.T) {
				checkSelection(t, src, p.openDst(t), c, first)
			})
		}
		_, err := mlmdio.Export(ctx, src, io.Discard, &mlmdio.ExportOptions{Select: &mlmdio.Selection{Artifacts: "uri = "}})
		if mlmd.CodeOf(err) != errcode.InvalidArgument {
			t.Errorf("%s: a bad filter: %v", p.src, err)
		}
	}
}

// checkSelection exports c's selection from src, checks the counts, that
// the stream equals first[c.name] (set by the first call), that it
// imports into dst as it is, and the provenance of c.ext in the copy.
func checkSelection(t *testing.T, src, dst *mlmd.Store, c selectionCase, first map[string][]string) {
	ctx := context.Background()
	var buf bytes.Buffer
	stats, err := mlmdio.Export(ctx, src, &buf, &mlmdio.ExportOptions{Select: &c.sel})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(stats, c.stats) {
		t.Errorf("stats %v, want %v", stats, c.stats)
	}
	// The stores were filled separately: the times the stores gave the
	// events differ.
	lines := withoutEventTimes(canonical(t, buf.Bytes()))
	if want, ok := first[c.name]; !ok {
		first[c.name] = lines
	} else if got := lines; !slices.Equal(got, want) {
		t.Errorf("the selection differs from the first backend's: %s", firstDifference(want, got))
	}
	if _, err := mlmdio.Import(ctx, dst, bytes.NewReader(buf.Bytes()), nil); err != nil {
		t.Fatal(err)
	}
	if got, want := canonical(t, export(t, dst)), canonical(t, buf.Bytes()); !slices.Equal(got, want) {
		t.Fatalf("the copy of the selection differs from it:\n%s", diff(want, got))
	}
	if c.ext != "" {
		as := must(dst.GetArtifactsByExternalIDs(ctx, []string{c.ext}))(t)
		g := must(dst.Provenance(ctx, as[0].ID))(t)
		if len(g.Executions) != c.execs {
			t.Errorf("provenance of %s: %d executions, want %d", c.ext, len(g.Executions), c.execs)
		}
	}
}
