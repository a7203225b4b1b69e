package mlmdio_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/mlmdio"
)

// fillLarge writes a store of about n nodes shaped like pipeline runs: a
// context per 100 executions, each execution reading one artifact and
// writing another, every node linked to its context.
func fillLarge(b testing.TB, s *mlmd.Store, n int) {
	ctx := context.Background()
	at := must(s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Data", Properties: map[string]mlmd.PropertyType{"span": mlmd.PropertyInt}}, nil))(b)
	et := must(s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Step"}, nil))(b)
	ct := must(s.PutContextType(ctx, mlmd.ContextType{Name: "Run"}, nil))(b)
	const perRun = 100
	for done, run := 0, 0; done < n; run++ {
		c := must(s.PutContexts(ctx, []mlmd.Context{{TypeID: ct, Name: "run-" + strconv.Itoa(run)}}, nil))(b)[0]
		xs := make([]mlmd.Execution, perRun)
		as := make([]mlmd.Artifact, 2*perRun)
		for i := range xs {
			xs[i] = mlmd.Execution{TypeID: et, LastKnownState: mlmd.ExecutionStateComplete}
			as[2*i] = mlmd.Artifact{TypeID: at, URI: fmt.Sprintf("/in/%d/%d", run, i), Properties: mlmd.Properties{"span": mlmd.IntValue(int64(i))}}
			as[2*i+1] = mlmd.Artifact{TypeID: at, URI: fmt.Sprintf("/out/%d/%d", run, i), State: mlmd.ArtifactStateLive}
		}
		xids := must(s.PutExecutions(ctx, xs, nil))(b)
		aids := must(s.PutArtifacts(ctx, as, nil))(b)
		evs := make([]mlmd.Event, 0, len(aids))
		var attrs []mlmd.Attribution
		var assocs []mlmd.Association
		for i, x := range xids {
			evs = append(evs, mlmd.Event{ArtifactID: aids[2*i], ExecutionID: x, Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep("in")}},
				mlmd.Event{ArtifactID: aids[2*i+1], ExecutionID: x, Type: mlmd.EventOutput})
			assocs = append(assocs, mlmd.Association{ExecutionID: x, ContextID: c})
			attrs = append(attrs, mlmd.Attribution{ArtifactID: aids[2*i], ContextID: c}, mlmd.Attribution{ArtifactID: aids[2*i+1], ContextID: c})
		}
		mustDo(b, s.PutEvents(ctx, evs))
		mustDo(b, s.PutAttributionsAndAssociations(ctx, attrs, assocs))
		done += 1 + len(xids) + len(aids)
	}
}

// BenchmarkLarge copies a store of MLMDIO_NODES nodes (default 100000)
// SQLite -> MariaDB -> SQLite through the stream, timing each export and
// import, and checks that every copy exports the same stream up to ids and
// times. Run it with -benchtime=1x: the steps hand their stores on.
func BenchmarkLarge(b *testing.B) {
	n := 100000
	if v := os.Getenv("MLMDIO_NODES"); v != "" {
		n = must(strconv.Atoi(v))(b)
	}
	ctx := context.Background()
	src := openSQLite(b)
	fillLarge(b, src, n)
	var want []string
	exportStep := func(name string, s func() *mlmd.Store) []byte {
		var stream bytes.Buffer
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				stream.Reset()
				must(mlmdio.Export(ctx, s(), &stream, nil))(b)
			}
			b.ReportMetric(float64(stream.Len())/1e6, "MB")
		})
		got := canonical(b, stream.Bytes())
		if want == nil {
			want = got
		} else if !slices.Equal(got, want) {
			b.Fatalf("%s: the copy differs: %d lines, want %d", name, len(got), len(want))
		}
		return stream.Bytes()
	}
	importStep := func(name string, open func(testing.TB) *mlmd.Store, stream []byte) *mlmd.Store {
		var dst *mlmd.Store
		outer := b // the store outlives the sub-benchmark
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				dst = open(outer)
				b.StartTimer()
				must(mlmdio.Import(ctx, dst, bytes.NewReader(stream), nil))(b)
			}
		})
		return dst
	}
	stream := exportStep("export-sqlite", func() *mlmd.Store { return src })
	my := importStep("import-mysql", openMySQL, stream)
	stream = exportStep("export-mysql", func() *mlmd.Store { return my })
	back := importStep("import-sqlite", openSQLite, stream)
	exportStep("export-sqlite-copy", func() *mlmd.Store { return back })
}
