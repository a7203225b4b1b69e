// Command serverload is a load test of mlmd-server: many concurrent clients
// replay Kubeflow Pipelines' call pattern over loopback gRPC, and the
// program reports calls per second and the p50/p99 latency of every method,
// and, for the in-process server, the statements (round trips) per call
// (a transaction's BEGIN and COMMIT counted per call) and, on SQLite, the
// COMMITs (each one fsync of the WAL) per write call under group commit.
//
//	go run ./bench/serverload                                  # SQLite file, in-process server
//	go run ./bench/serverload -backend mysql -dsn 'root@tcp(127.0.0.1:3306)/'
//	go run ./bench/serverload -addr 127.0.0.1:8080             # any running MLMD server
//
// Each client runs pipeline runs back to back until -duration is over (or
// -runs runs are done): get-or-create the pipeline and run contexts, a root
// DAG execution, then -tasks tasks that each put their execution with an
// input event, record an output artifact, publish with an "outputs" struct
// and an output event, list the DAG's children with KFP's parent_dag_id
// filter and read the artifact back. Types are created once before the
// clock starts, as in a long-running deployment.
//
// The in-process server listens on 127.0.0.1 only; -addr must be a loopback
// address too. It runs with mlmd-server's garbage collector target
// (server.GCPercent, unless GOGC is set).
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
	"github.com/gomlmd/gomlmd/server"
)

// counters of the in-process store: statements sent to the database, and
// the group commit's COMMITs and the write calls they held (SQLite).
type counters struct {
	statements atomic.Int64
	conn       *sqlstore.Conn
}

func (c *counters) snapshot() (statements, groups, writes int64) {
	if c == nil || c.conn == nil {
		return 0, 0, 0
	}
	g, w := c.conn.GroupCommitStats()
	return c.statements.Load(), g, w
}

// config is the load to generate.
type config struct {
	backend  string // sqlite or mysql (in-process server)
	dsn      string // mysql: server DSN without a database
	addr     string // an external server instead of the in-process one
	clients  int
	tasks    int
	runs     int // per client; 0 means until duration is over
	duration time.Duration
	// direct calls the service in process, without gRPC: the baseline.
	direct bool
	// keepGoing abandons a pipeline run after an Aborted call instead of
	// stopping the load (multi-writer clusters give up on some conflicts).
	keepGoing bool
	// names gives every execution and artifact a unique name (the default
	// workload leaves them unnamed).
	names bool
}

func main() {
	var c config
	flag.StringVar(&c.backend, "backend", "sqlite", "in-process server backend: sqlite or mysql")
	flag.StringVar(&c.dsn, "dsn", os.Getenv("MLMD_MYSQL_DSN"), "mysql: server DSN without a database; a fresh database is created and dropped")
	flag.StringVar(&c.addr, "addr", "", "load a running server at this loopback host:port instead of an in-process one; several, comma-separated, share the clients round-robin (replicas over one database)")
	flag.IntVar(&c.clients, "clients", 16, "concurrent clients")
	flag.IntVar(&c.tasks, "tasks", 10, "tasks per pipeline run")
	flag.IntVar(&c.runs, "runs", 0, "pipeline runs per client (0: until -duration is over)")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "how long to generate load (upper bound)")
	flag.BoolVar(&c.keepGoing, "keep-going", false, "after an Aborted call, count it and start the client's next pipeline run instead of stopping")
	flag.BoolVar(&c.names, "names", false, "give executions and artifacts unique names (on multi-writer Galera, unnamed ones of one type conflict)")
	baseline := flag.Bool("baseline", true, "also run the same load against the service in process (no gRPC) and print the ratios")
	flag.Usage = usage
	var prof profiles
	flag.StringVar(&prof.cpu, "cpuprofile", "", "write a CPU profile of the gRPC run (or of the in-process run with -direct) to this file")
	flag.StringVar(&prof.mutex, "mutexprofile", "", "write a mutex contention profile of that run to this file")
	flag.StringVar(&prof.block, "blockprofile", "", "write a blocking profile of that run to this file")
	flag.BoolVar(&c.direct, "direct", false, "run only the in-process load (no gRPC)")
	flag.Parse()
	// The in-process server runs with mlmd-server's collector target.
	server.UseGCPercent()
	stopProf, err := prof.start()
	if err != nil {
		log.Fatal(err)
	}
	rep, err := run(context.Background(), c)
	if err != nil {
		log.Fatal(err)
	}
	if err := stopProf(); err != nil {
		log.Fatal(err)
	}
	if c.direct {
		rep.print(os.Stdout)
		return
	}
	rep.print(os.Stdout)
	if *baseline && c.addr == "" {
		c.direct = true
		base, err := run(context.Background(), c)
		if err != nil {
			log.Fatal(err)
		}
		base.print(os.Stdout)
		printRatios(os.Stdout, rep, base)
	}
}

// usage prints how to run the load, then the flags.
func usage() {
	w := flag.CommandLine.Output()
	fmt.Fprint(w, `serverload replays Kubeflow Pipelines' calls from many concurrent clients
against an MLMD server over loopback gRPC, and reports calls/s, p50/p99
latency per method and (in-process server) statements per call.

  # SQLite file, in-process server, 16 clients, 30 s:
  go run ./bench/serverload -backend sqlite -clients 16 -duration 30s
  # MariaDB/MySQL (a fresh database is created and dropped), 16 clients:
  go run ./bench/serverload -backend mysql -dsn 'root@tcp(127.0.0.1:3306)/' -clients 16 -duration 30s
  # the same without the reuse of prepared statements, for an A/B:
  go run ./bench/serverload -backend mysql -dsn 'root@tcp(127.0.0.1:3306)/?prepared_statements_per_conn=0' -clients 16 -duration 30s
  # any running MLMD server:
  go run ./bench/serverload -addr 127.0.0.1:8080 -clients 16

On a shared machine compare runs made back to back, as ratios.

Flags:
`)
	flag.PrintDefaults()
}

// printRatios compares a gRPC run with the in-process baseline.
func printRatios(w io.Writer, grpcRep, base *report) {
	n1, all1 := grpcRep.total()
	n2, all2 := base.total()
	rate1, rate2 := float64(n1)/grpcRep.elapsed.Seconds(), float64(n2)/base.elapsed.Seconds()
	fmt.Fprintf(w, "gRPC / in-process: calls/s %.2f, p50 %.2f, p99 %.2f\n", rate1/rate2,
		float64(percentile(all1, 0.5))/float64(percentile(all2, 0.5)),
		float64(percentile(all1, 0.99))/float64(percentile(all2, 0.99)))
}

// report holds the measurements of one load test.
type report struct {
	// statements sent, COMMITs of groups and the write calls they held,
	// during the load (in-process stores only; zero otherwise)
	statements, groups, writes int64

	label     string
	clients   int
	runs      int
	abandoned int // runs given up after an Aborted call (-keep-going)
	elapsed   time.Duration
	// cpu is the CPU time (user and system) of this process during the
	// load: the server's, and the clients' when they run in it too.
	cpu    time.Duration
	calls  map[string][]time.Duration
	errors map[string]int
}

func (r *report) total() (n int, all []time.Duration) {
	for _, ds := range r.calls {
		n += len(ds)
		all = append(all, ds...)
	}
	return n, all
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p * float64(len(s)-1))
	return s[i]
}

func (r *report) print(w io.Writer) {
	n, all := r.total()
	fmt.Fprintf(w, "%s: %d clients, %d pipeline runs, %d calls in %v: %.0f calls/s, p50 %v, p99 %v\n",
		r.label, r.clients, r.runs, n, r.elapsed.Round(time.Millisecond), float64(n)/r.elapsed.Seconds(),
		percentile(all, 0.50).Round(time.Microsecond), percentile(all, 0.99).Round(time.Microsecond))
	if r.abandoned > 0 {
		fmt.Fprintf(w, "  %d pipeline runs abandoned after an Aborted call\n", r.abandoned)
	}
	methods := make([]string, 0, len(r.calls))
	for m := range r.calls {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	if r.cpu > 0 && n > 0 {
		fmt.Fprintf(w, "  process CPU per call: %v (%.2f cores busy)\n",
			(r.cpu / time.Duration(n)).Round(time.Microsecond), r.cpu.Seconds()/r.elapsed.Seconds())
	}
	if r.statements > 0 {
		fmt.Fprintf(w, "  statements (round trips) per call: %.2f\n", float64(r.statements)/float64(n))
	}
	if r.writes > 0 {
		fmt.Fprintf(w, "  SQLite COMMITs (fsyncs of the WAL) per write call: %.3f (%d write calls in %d groups)\n",
			float64(r.groups)/float64(r.writes), r.writes, r.groups)
	}
	fmt.Fprintf(w, "  %-32s %8s %10s %10s %7s\n", "method", "calls", "p50", "p99", "errors")
	for _, m := range methods {
		ds := r.calls[m]
		fmt.Fprintf(w, "  %-32s %8d %10v %10v %7d\n", m, len(ds),
			percentile(ds, 0.50).Round(time.Microsecond), percentile(ds, 0.99).Round(time.Microsecond), r.errors[m])
	}
}

// run starts the server (unless c.addr is set), creates the types, runs the
// clients and returns the measurements.
func run(ctx context.Context, c config) (*report, error) {
	if c.clients <= 0 || c.tasks <= 0 || c.duration <= 0 || c.runs < 0 {
		return nil, errors.New("-clients, -tasks and -duration must be positive")
	}
	addr, label, svc, stop, cnt, err := target(ctx, c)
	if err != nil {
		return nil, err
	}
	defer stop()
	svcs := []api{svc}
	if svc == nil {
		svcs = nil
		for _, a := range strings.Split(addr, ",") {
			conn, err := grpc.NewClient(a, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				return nil, err
			}
			defer conn.Close()
			svcs = append(svcs, pb.NewMetadataStoreServiceClient(conn))
		}
		svc = svcs[0]
	}

	// Warm up: the types exist before the clock starts.
	warm := &client{svc: svc, calls: map[string][]time.Duration{}, errors: map[string]int{}}
	if err := warm.pipelineRun(ctx, "warmup-"+randomID(), 1); err != nil {
		return nil, fmt.Errorf("warm-up run: %w", err)
	}

	stmts0, groups0, writes0 := cnt.snapshot()
	cpu0 := processCPU()
	deadline := time.Now().Add(c.duration)
	rctx, cancel := context.WithDeadline(ctx, deadline.Add(30*time.Second))
	defer cancel()
	clients := make([]*client, c.clients)
	var wg sync.WaitGroup
	errc := make(chan error, c.clients)
	start := time.Now()
	for i := range clients {
		cl := &client{svc: svcs[i%len(svcs)], calls: map[string][]time.Duration{}, errors: map[string]int{}, names: c.names}
		clients[i] = cl
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; (c.runs == 0 || n < c.runs) && time.Now().Before(deadline); n++ {
				err := cl.pipelineRun(rctx, fmt.Sprintf("run-%d-%d-%s", i, n, randomID()), c.tasks)
				if c.keepGoing && status.Code(err) == codes.Aborted {
					// Counted in the method's errors; a client runs
					// its next pipeline run.
					cl.abandoned++
					continue
				}
				if err != nil {
					errc <- err
					return
				}
				cl.runs++
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errc)
	if err := <-errc; err != nil {
		return nil, err
	}
	rep := &report{label: label, clients: c.clients, elapsed: elapsed, calls: map[string][]time.Duration{}, errors: map[string]int{}}
	stmts1, groups1, writes1 := cnt.snapshot()
	rep.statements, rep.groups, rep.writes = stmts1-stmts0, groups1-groups0, writes1-writes0
	rep.cpu = processCPU() - cpu0
	for _, cl := range clients {
		rep.runs += cl.runs
		rep.abandoned += cl.abandoned
		for m, ds := range cl.calls {
			rep.calls[m] = append(rep.calls[m], ds...)
		}
		for m, n := range cl.errors {
			rep.errors[m] += n
		}
	}
	return rep, nil
}

// target returns the address to load (or, with c.direct, the in-process
// service), a label for the report, and a function that stops what target
// started.
func target(ctx context.Context, c config) (addr, label string, svc api, stop func(), cnt *counters, err error) {
	if c.addr != "" {
		for _, a := range strings.Split(c.addr, ",") {
			host, _, err := net.SplitHostPort(a)
			if err != nil {
				return "", "", nil, nil, nil, fmt.Errorf("-addr: %w", err)
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				return "", "", nil, nil, nil, fmt.Errorf("-addr %s is not a loopback address", a)
			}
		}
		return c.addr, "server at " + c.addr, nil, func() {}, nil, nil
	}
	var dsn string
	var cleanup func()
	switch c.backend {
	case "sqlite":
		dir, err := os.MkdirTemp("", "serverload")
		if err != nil {
			return "", "", nil, nil, nil, err
		}
		dsn = "file:" + filepath.Join(dir, "mlmd.db")
		cleanup = func() { os.RemoveAll(dir) }
	case "mysql":
		if c.dsn == "" {
			return "", "", nil, nil, nil, errors.New("-backend mysql needs -dsn (or MLMD_MYSQL_DSN)")
		}
		dsn, cleanup, err = freshDatabase(c.dsn)
		if err != nil {
			return "", "", nil, nil, nil, err
		}
	default:
		return "", "", nil, nil, nil, fmt.Errorf("-backend %q: want sqlite or mysql", c.backend)
	}
	// The store counts its statements.
	var d driver.Driver = sqlitestore.Driver{}
	if c.backend == "mysql" {
		d = mysqlstore.Driver{}
	}
	conn, err := d.Open(ctx, dsn, &driver.OpenOptions{})
	if err != nil {
		cleanup()
		return "", "", nil, nil, nil, err
	}
	sc, ok := conn.(*sqlstore.Conn)
	if !ok {
		conn.Close()
		cleanup()
		return "", "", nil, nil, nil, fmt.Errorf("%T is not a *sqlstore.Conn", conn)
	}
	cnt = &counters{conn: sc}
	store := mlmd.NewStore(sqlstore.ObserveStatements(sc, func(string, []any) { cnt.statements.Add(1) }), nil)
	if c.direct {
		return "", "service in process on " + c.backend + " (no gRPC)", direct{server.New(store)}, func() {
			store.Close()
			cleanup()
		}, cnt, nil
	}
	srv := server.NewGRPCServer(server.New(store), &server.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		cleanup()
		return "", "", nil, nil, nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, lis, 10*time.Second) }()
	return lis.Addr().String(), "mlmd-server on " + c.backend, nil, func() {
		cancel()
		<-done
		store.Close()
		cleanup()
	}, cnt, nil
}

// freshDatabase creates a database with a random name on the server of base
// and returns its DSN and a function that drops it.
func freshDatabase(base string) (string, func(), error) {
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		return "", nil, fmt.Errorf("-dsn: %w", err)
	}
	name := "mlmd_load_" + randomID()
	root := cfg.Clone()
	root.DBName = ""
	root.Params = nil // the store's own parameters are not session variables
	db, err := sql.Open("mysql", root.FormatDSN())
	if err != nil {
		return "", nil, err
	}
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		db.Close()
		return "", nil, err
	}
	cfg.DBName = name
	return cfg.FormatDSN(), func() {
		if _, err := db.Exec("DROP DATABASE " + name); err != nil {
			log.Printf("drop database %s: %v", name, err)
		}
		db.Close()
	}, nil
}

func randomID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// client is one KFP-shaped client; it is used by one goroutine.
type client struct {
	svc    api
	calls  map[string][]time.Duration
	errors map[string]int
	runs   int
	// abandoned counts the runs given up after an Aborted call (keepGoing).
	abandoned int
	// names gives executions and artifacts names (config.names).
	names bool
}

// name returns n for an execution or artifact name if the client names
// them, else nil (unnamed, as the default workload).
func (c *client) name(n string) *string {
	if !c.names {
		return nil
	}
	return proto.String(n)
}

// timed runs one call and records its latency (and its error, if any).
func timed[Resp any](c *client, method string, call func() (Resp, error)) (Resp, error) {
	start := time.Now()
	res, err := call()
	c.calls[method] = append(c.calls[method], time.Since(start))
	if err != nil {
		c.errors[method]++
	}
	return res, err
}

func (c *client) getOrInsertContext(ctx context.Context, name, typeName string, props map[string]*pb.Value) (*pb.Context, error) {
	got, err := timed(c, "GetContextByTypeAndName", func() (*pb.GetContextByTypeAndNameResponse, error) {
		return c.svc.GetContextByTypeAndName(ctx, &pb.GetContextByTypeAndNameRequest{TypeName: proto.String(typeName), ContextName: proto.String(name)})
	})
	if err != nil {
		return nil, err
	}
	if got.Context != nil {
		return got.Context, nil
	}
	tid, err := timed(c, "PutContextType", func() (*pb.PutContextTypeResponse, error) {
		return c.svc.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: &pb.ContextType{Name: proto.String(typeName)}})
	})
	if err != nil {
		return nil, err
	}
	ctxt := &pb.Context{Name: proto.String(name), TypeId: proto.Int64(tid.GetTypeId()), CustomProperties: props}
	res, err := timed(c, "PutContexts", func() (*pb.PutContextsResponse, error) {
		return c.svc.PutContexts(ctx, &pb.PutContextsRequest{Contexts: []*pb.Context{ctxt}})
	})
	if status.Code(err) == codes.AlreadyExists {
		again, err := timed(c, "GetContextByTypeAndName", func() (*pb.GetContextByTypeAndNameResponse, error) {
			return c.svc.GetContextByTypeAndName(ctx, &pb.GetContextByTypeAndNameRequest{TypeName: proto.String(typeName), ContextName: proto.String(name)})
		})
		if err != nil {
			return nil, err
		}
		return again.GetContext(), nil
	}
	if err != nil {
		return nil, err
	}
	ctxt.Id = proto.Int64(res.GetContextIds()[0])
	return ctxt, nil
}

func (c *client) putExecution(ctx context.Context, req *pb.PutExecutionRequest) (int64, error) {
	res, err := timed(c, "PutExecution", func() (*pb.PutExecutionResponse, error) { return c.svc.PutExecution(ctx, req) })
	if err != nil {
		return 0, err
	}
	return res.GetExecutionId(), nil
}

func (c *client) executionTypeID(ctx context.Context, name string) (int64, error) {
	res, err := timed(c, "PutExecutionType", func() (*pb.PutExecutionTypeResponse, error) {
		return c.svc.PutExecutionType(ctx, &pb.PutExecutionTypeRequest{ExecutionType: &pb.ExecutionType{Name: proto.String(name)}})
	})
	return res.GetTypeId(), err
}

// pipelineRun replays one KFP pipeline run with the given number of tasks.
func (c *client) pipelineRun(ctx context.Context, runID string, tasks int) error {
	pipe, err := c.getOrInsertContext(ctx, "bench-pipeline", "system.Pipeline", nil)
	if err != nil {
		return fmt.Errorf("pipeline context: %w", err)
	}
	run, err := c.getOrInsertContext(ctx, runID, "system.PipelineRun", map[string]*pb.Value{
		"namespace": {Value: &pb.Value_StringValue{StringValue: "kubeflow"}},
	})
	if err != nil {
		return fmt.Errorf("run context: %w", err)
	}
	if _, err := timed(c, "PutParentContexts", func() (*pb.PutParentContextsResponse, error) {
		return c.svc.PutParentContexts(ctx, &pb.PutParentContextsRequest{ParentContexts: []*pb.ParentContext{{ChildId: run.Id, ParentId: pipe.Id}}})
	}); err != nil && status.Code(err) != codes.AlreadyExists {
		return err
	}
	contexts := []*pb.Context{pipe, run}
	dagType, err := c.executionTypeID(ctx, "system.DAGExecution")
	if err != nil {
		return err
	}
	root, err := c.putExecution(ctx, &pb.PutExecutionRequest{Execution: &pb.Execution{TypeId: proto.Int64(dagType), Name: c.name(runID + "/dag"), LastKnownState: pb.Execution_RUNNING.Enum()}, Contexts: contexts})
	if err != nil {
		return fmt.Errorf("root DAG: %w", err)
	}
	filter := fmt.Sprintf("custom_properties.parent_dag_id.int_value = %d", root)
	var prev int64
	for i := range tasks {
		typeID, err := c.executionTypeID(ctx, "system.ContainerExecution")
		if err != nil {
			return err
		}
		e := &pb.Execution{TypeId: proto.Int64(typeID), Name: c.name(fmt.Sprintf("%s/task-%d", runID, i)), LastKnownState: pb.Execution_RUNNING.Enum(), CustomProperties: map[string]*pb.Value{
			"task_name":     {Value: &pb.Value_StringValue{StringValue: fmt.Sprintf("task-%d", i)}},
			"parent_dag_id": {Value: &pb.Value_IntValue{IntValue: root}},
		}}
		req := &pb.PutExecutionRequest{Execution: e, Contexts: contexts}
		if prev != 0 {
			req.ArtifactEventPairs = []*pb.PutExecutionRequest_ArtifactAndEvent{{Event: &pb.Event{ArtifactId: proto.Int64(prev), Type: pb.Event_INPUT.Enum(),
				Path: &pb.Event_Path{Steps: []*pb.Event_Path_Step{{Value: &pb.Event_Path_Step_Key{Key: "in"}}}}}}}
		}
		id, err := c.putExecution(ctx, req)
		if err != nil {
			return fmt.Errorf("task %d: %w", i, err)
		}
		at, err := timed(c, "PutArtifactType", func() (*pb.PutArtifactTypeResponse, error) {
			return c.svc.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{Name: proto.String("system.Model")}})
		})
		if err != nil {
			return err
		}
		arts, err := timed(c, "PutArtifacts", func() (*pb.PutArtifactsResponse, error) {
			return c.svc.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{{TypeId: proto.Int64(at.GetTypeId()),
				Uri: proto.String(fmt.Sprintf("minio://bench/%s/task-%d/model", runID, i)), Name: c.name(fmt.Sprintf("%s/task-%d/model", runID, i)), State: pb.Artifact_LIVE.Enum()}}})
		})
		if err != nil {
			return err
		}
		art := arts.GetArtifactIds()[0]
		outs, _ := structpb.NewStruct(map[string]any{"accuracy": 0.9, "task": fmt.Sprintf("task-%d", i)})
		e.Id = proto.Int64(id)
		e.LastKnownState = pb.Execution_COMPLETE.Enum()
		e.CustomProperties["outputs"] = &pb.Value{Value: &pb.Value_StructValue{StructValue: outs}}
		if _, err := c.putExecution(ctx, &pb.PutExecutionRequest{Execution: e, Contexts: contexts, ArtifactEventPairs: []*pb.PutExecutionRequest_ArtifactAndEvent{
			{Event: &pb.Event{ArtifactId: proto.Int64(art), Type: pb.Event_OUTPUT.Enum(), Path: &pb.Event_Path{Steps: []*pb.Event_Path_Step{{Value: &pb.Event_Path_Step_Key{Key: "model"}}}}}},
		}}); err != nil {
			return fmt.Errorf("publish task %d: %w", i, err)
		}
		token := ""
		for {
			res, err := timed(c, "GetExecutionsByContext", func() (*pb.GetExecutionsByContextResponse, error) {
				return c.svc.GetExecutionsByContext(ctx, &pb.GetExecutionsByContextRequest{ContextId: run.Id,
					Options: &pb.ListOperationOptions{FilterQuery: proto.String(filter), NextPageToken: proto.String(token)}})
			})
			if err != nil {
				return fmt.Errorf("list DAG children: %w", err)
			}
			if token = res.GetNextPageToken(); token == "" {
				// One page holds 20; below that the last page holds all.
				if got := len(res.GetExecutions()); i < 20 && got != i+1 {
					return fmt.Errorf("DAG lists %d children after %d tasks", got, i+1)
				}
				break
			}
		}
		if _, err := timed(c, "GetArtifactsByID", func() (*pb.GetArtifactsByIDResponse, error) {
			return c.svc.GetArtifactsByID(ctx, &pb.GetArtifactsByIDRequest{ArtifactIds: []int64{art}})
		}); err != nil {
			return err
		}
		prev = art
	}
	return nil
}
