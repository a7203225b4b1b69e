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

// BenchmarkLarge exports a store of MLMDIO_NODES nodes (default 100000)
// and imports the stream into SQLite and MariaDB, checking the copies.
// One iteration is the whole round; run it with -benchtime=1x.
func BenchmarkLarge(b *testing.B) {
	n := 100000
	if v := os.Getenv("MLMDIO_NODES"); v != "" {
		n = must(strconv.Atoi(v))(b)
	}
	ctx := context.Background()
	src := openSQLite(b)
	fillLarge(b, src, n)
	var stream bytes.Buffer
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			stream.Reset()
			must(mlmdio.Export(ctx, src, &stream, nil))(b)
		}
		b.ReportMetric(float64(stream.Len())/1e6, "MB")
	})
	want := canonical(b, stream.Bytes())
	for _, dst := range []struct {
		name string
		open func(testing.TB) *mlmd.Store
	}{{"import-sqlite", openSQLite}, {"import-mysql", openMySQL}} {
		b.Run(dst.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := dst.open(b)
				b.StartTimer()
				must(mlmdio.Import(ctx, s, bytes.NewReader(stream.Bytes()), nil))(b)
				b.StopTimer()
				var out bytes.Buffer
				must(mlmdio.Export(ctx, s, &out, nil))(b)
				if got := canonical(b, out.Bytes()); !slices.Equal(got, want) {
					b.Fatalf("copy differs: %d lines, want %d", len(got), len(want))
				}
				b.StartTimer()
			}
		})
	}
}
