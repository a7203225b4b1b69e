package server_test

// Statements per Kubeflow call: the KFP call sequence of one run, one task
// after the other, against stores whose statements are counted. The total
// per backend is pinned and may only go down (lower the pin when a change
// saves statements); the average per call is logged.

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/mlmd/postgresstore"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

var kfpStatements testdb.StatementCounter

func init() {
	mlmd.Register("stmtcount-sqlite", kfpStatements.Driver(sqlitestore.Driver{}))
	mlmd.Register("stmtcount-mysql", kfpStatements.Driver(mysqlstore.Driver{}))
	mlmd.Register("stmtcount-postgres", kfpStatements.Driver(postgresstore.Driver{}))
}

func TestKubeflowStatementsPerCall(t *testing.T) {
	// The most statements the sequence below may send, per backend.
	pins := map[string]int{"sqlite": 134, "mariadb": 134, "postgres": 134}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := serve(t, "stmtcount-"+b.driver, b.dsn(t))
			var calls atomic.Int64
			count := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
				calls.Add(1)
				return invoker(ctx, method, req, reply, cc, opts...)
			}
			conn, err := grpc.NewClient(s.addr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithUnaryInterceptor(count))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			k := &kfpClient{svc: pb.NewMetadataStoreServiceClient(conn)}
			ctx := context.Background()

			// A first run creates the types and the pipeline context; the
			// run that is counted finds them, as every later run of a
			// pipeline does.
			w := ok(k.getPipeline(ctx, "p", "warmup")).get(t)
			ok(k.createExecution(ctx, w, "system.DAGExecution", "root", 0, nil)).get(t)
			ok(k.createExecution(ctx, w, "system.ContainerExecution", "task", 0, nil)).get(t)
			ok(k.recordArtifact(ctx, "system.Model", "minio://x/warmup")).get(t)
			kfpStatements.Take()
			calls.Store(0)

			p := ok(k.getPipeline(ctx, "p", "run")).get(t)
			root := ok(k.createExecution(ctx, p, "system.DAGExecution", "root", 0, nil)).get(t)
			var prev int64
			for i := range 5 {
				inputs := map[string]int64{}
				if prev != 0 {
					inputs["in"] = prev
				}
				name := fmt.Sprint("task-", i)
				e := ok(k.createExecution(ctx, p, "system.ContainerExecution", name, root.GetId(), inputs)).get(t)
				art := ok(k.recordArtifact(ctx, "system.Model", "minio://x/"+name)).get(t)
				outs, err := structpb.NewStruct(map[string]any{"accuracy": 0.5})
				if err != nil {
					t.Fatal(err)
				}
				if err := k.publish(ctx, p, e, outs, map[string]int64{"model": art}); err != nil {
					t.Fatal(err)
				}
				prev = art
			}
			children, _, err := k.executionsInDAG(ctx, p, root.GetId())
			if err != nil || len(children) != 5 {
				t.Fatalf("children of the root DAG: %d, %v", len(children), err)
			}
			all := kfpStatements.Take()
			stmts := len(all)
			if testing.Verbose() {
				byText := map[string]int{}
				for _, q := range all {
					byText[firstWords(q)]++
				}
				t.Logf("statements by kind: %v", byText)
			}
			n := calls.Load()
			t.Logf("%d calls, %d statements, %.2f statements per call", n, stmts, float64(stmts)/float64(n))
			if pin := pins[b.name]; stmts > pin {
				t.Errorf("%d statements, at most %d allowed", stmts, pin)
			} else if stmts < pin {
				t.Logf("fewer statements than the pin %d: lower it", pin)
			}
		})
	}
}

// firstWords returns the start of a statement, to group statements by
// kind in messages.
func firstWords(q string) string {
	f := strings.Fields(q)
	if len(f) > 0 && f[0] == "--" && len(f) > 2 {
		return f[2] // sqlc's "-- name: X"
	}
	if len(f) > 4 {
		f = f[:4]
	}
	return strings.Join(f, " ")
}
