package mlmd_test

// Statements per call: each RPC shape below sends at most the pinned
// number of statements (BEGIN and COMMIT included) to SQLite, MariaDB and
// PostgreSQL (whose savepoints, see postgresstore, are only sent when a
// call goes on after a failed write). Round trips are what a call costs on
// a database server, so the pins may only go down: lower one when a change
// saves statements.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	"github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/mlmd/postgresstore"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// stmtWorld is what the shapes run against: one type of each kind, three
// artifacts attributed to the first of two contexts, two executions.
type stmtWorld struct {
	artifactType, executionType, contextType int64
	artifacts, executions, contexts          []int64
}

func newStmtWorld(t *testing.T, s *mlmd.Store) *stmtWorld {
	t.Helper()
	ctx := t.Context()
	res, err := s.PutTypes(ctx, mlmd.Types{
		ArtifactTypes:  []mlmd.ArtifactType{{Name: "a", Properties: map[string]mlmd.PropertyType{"p": mlmd.PropertyInt, "q": mlmd.PropertyString}}},
		ExecutionTypes: []mlmd.ExecutionType{{Name: "e", Properties: map[string]mlmd.PropertyType{"p": mlmd.PropertyInt}}},
		ContextTypes:   []mlmd.ContextType{{Name: "c", Properties: map[string]mlmd.PropertyType{"k": mlmd.PropertyString}}},
	}, nil)
	must(t, err)
	w := &stmtWorld{artifactType: res.ArtifactTypeIDs[0], executionType: res.ExecutionTypeIDs[0], contextType: res.ContextTypeIDs[0]}
	var as []mlmd.Artifact
	for i := range 3 {
		as = append(as, mlmd.Artifact{TypeID: w.artifactType, URI: fmt.Sprint("u", i),
			Properties: mlmd.Properties{"p": mlmd.IntValue(int64(i)), "q": mlmd.StringValue("x")}})
	}
	w.artifacts, err = s.PutArtifacts(ctx, as, nil)
	must(t, err)
	w.executions, err = s.PutExecutions(ctx, []mlmd.Execution{{TypeID: w.executionType}, {TypeID: w.executionType}}, nil)
	must(t, err)
	w.contexts, err = s.PutContexts(ctx, []mlmd.Context{{TypeID: w.contextType, Name: "c0"}, {TypeID: w.contextType, Name: "c1"}}, nil)
	must(t, err)
	var attr []mlmd.Attribution
	for _, a := range w.artifacts {
		attr = append(attr, mlmd.Attribution{ArtifactID: a, ContextID: w.contexts[0]})
	}
	must(t, s.PutAttributionsAndAssociations(ctx, attr, nil))
	return w
}

// stmtShape is one kind of call, and the most statements it may send on
// each backend.
type stmtShape struct {
	name                    string
	sqlite, mysql, postgres int
	run                     func(t *testing.T, s *mlmd.Store, w *stmtWorld)
}

var stmtShapes = []stmtShape{
	{"PutExecution", 10, 10, 10, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		// Kubeflow's shape: a new execution with properties, an input
		// event of a stored artifact, a new output artifact, the stored
		// contexts passed whole.
		_, err := s.PutExecution(t.Context(),
			mlmd.Execution{TypeID: w.executionType, Properties: mlmd.Properties{"p": mlmd.IntValue(1)},
				CustomProperties: mlmd.Properties{"task": mlmd.StringValue("t")}},
			[]mlmd.ArtifactAndEvent{
				{Event: &mlmd.Event{ArtifactID: w.artifacts[0], Type: mlmd.EventInput}},
				{Artifact: &mlmd.Artifact{TypeID: w.artifactType, URI: "out", Properties: mlmd.Properties{"p": mlmd.IntValue(2)}},
					Event: &mlmd.Event{Type: mlmd.EventOutput}},
			},
			[]mlmd.Context{{ID: w.contexts[0], TypeID: w.contextType, Name: "c0"}, {ID: w.contexts[1], TypeID: w.contextType, Name: "c1"}},
			nil)
		must(t, err)
	}},
	{"PutExecution update", 7, 7, 7, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		// Kubeflow's publish: the stored execution with a new state and
		// custom property, an output event of a stored artifact.
		_, err := s.PutExecution(t.Context(),
			mlmd.Execution{ID: w.executions[0], TypeID: w.executionType, LastKnownState: mlmd.ExecutionStateComplete,
				CustomProperties: mlmd.Properties{"outputs": mlmd.StringValue("o")}},
			[]mlmd.ArtifactAndEvent{{Event: &mlmd.Event{ArtifactID: w.artifacts[1], Type: mlmd.EventOutput}}},
			[]mlmd.Context{{ID: w.contexts[0], TypeID: w.contextType, Name: "c0"}},
			nil)
		must(t, err)
	}},
	{"PutArtifacts new", 5, 5, 5, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		_, err := s.PutArtifacts(t.Context(), []mlmd.Artifact{{TypeID: w.artifactType, URI: "n",
			Properties: mlmd.Properties{"p": mlmd.IntValue(1), "q": mlmd.StringValue("y")}, CustomProperties: mlmd.Properties{"c": mlmd.DoubleValue(1)}}}, nil)
		must(t, err)
	}},
	{"PutArtifacts 1000x3", 11, 11, 11, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		as := make([]mlmd.Artifact, 1000)
		for i := range as {
			as[i] = mlmd.Artifact{TypeID: w.artifactType, URI: fmt.Sprint("bulk", i),
				Properties: mlmd.Properties{"p": mlmd.IntValue(int64(i)), "q": mlmd.StringValue("y")}, CustomProperties: mlmd.Properties{"c": mlmd.DoubleValue(1)}}
		}
		_, err := s.PutArtifacts(t.Context(), as, nil)
		must(t, err)
	}},
	{"PutArtifacts update", 5, 5, 5, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		_, err := s.PutArtifacts(t.Context(), []mlmd.Artifact{{ID: w.artifacts[2], TypeID: w.artifactType, URI: "u2", State: mlmd.ArtifactStateLive,
			Properties: mlmd.Properties{"p": mlmd.IntValue(7), "q": mlmd.StringValue("x")}}}, nil)
		must(t, err)
	}},
	{"PutContexts", 5, 5, 5, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		_, err := s.PutContexts(t.Context(), []mlmd.Context{{TypeID: w.contextType, Name: "new",
			Properties: mlmd.Properties{"k": mlmd.StringValue("v")}, CustomProperties: mlmd.Properties{"ns": mlmd.StringValue("kubeflow")}}}, nil)
		must(t, err)
	}},
	{"PutEvents", 4, 4, 4, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		must(t, s.PutEvents(t.Context(), []mlmd.Event{
			{ArtifactID: w.artifacts[0], ExecutionID: w.executions[1], Type: mlmd.EventInput},
			{ArtifactID: w.artifacts[1], ExecutionID: w.executions[1], Type: mlmd.EventOutput},
		}))
	}},
	{"PutAttributionsAndAssociations", 5, 5, 5, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		must(t, s.PutAttributionsAndAssociations(t.Context(),
			[]mlmd.Attribution{{ArtifactID: w.artifacts[0], ContextID: w.contexts[1]}},
			[]mlmd.Association{{ExecutionID: w.executions[0], ContextID: w.contexts[1]}}))
	}},
	{"GetArtifactsByContext", 1, 1, 1, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		as, _, err := s.GetArtifactsByContext(t.Context(), w.contexts[0], nil)
		must(t, err)
		if len(as) != 3 {
			t.Fatalf("GetArtifactsByContext: %d artifacts, want 3", len(as))
		}
	}},
	{"GetArtifactsByContext, a page with a filter", 1, 1, 1, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		as, next, err := s.GetArtifactsByContext(t.Context(), w.contexts[0], &mlmd.ListOptions{MaxResultSize: 2, FilterQuery: "properties.q.string_value = 'x'"})
		must(t, err)
		if len(as) != 2 || next == "" {
			t.Fatalf("GetArtifactsByContext: %d artifacts and next page %q, want 2 and a token", len(as), next)
		}
	}},
	{"GetContextByTypeAndName", 1, 1, 1, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		c, err := s.GetContextByTypeAndName(t.Context(), "c", "", "c1")
		must(t, err)
		if c.ID != w.contexts[1] || c.Type != "c" {
			t.Fatalf("GetContextByTypeAndName: %+v, want context %d of type c", c, w.contexts[1])
		}
	}},
	{"GetContextByTypeAndName, not found", 1, 1, 1, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		if _, err := s.GetContextByTypeAndName(t.Context(), "c", "", "absent"); errcode.Of(err) != errcode.NotFound {
			t.Fatalf("GetContextByTypeAndName of an absent context: %v, want NotFound", err)
		}
	}},
	// The events (PutEvents, 4 statements), then the walk: the lineage is
	// read with the backend's LineageTx, also under MaxResultRows.
	{"PutEvents, then GetLineageSubgraph of 4 hops", 16, 16, 16, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		must(t, s.PutEvents(t.Context(), []mlmd.Event{
			{ArtifactID: w.artifacts[0], ExecutionID: w.executions[0], Type: mlmd.EventInput},
			{ArtifactID: w.artifacts[1], ExecutionID: w.executions[0], Type: mlmd.EventOutput},
		}))
		hops := int64(4)
		g, err := s.GetLineageSubgraph(t.Context(), mlmd.LineageSubgraphQuery{
			StartingArtifacts: &mlmd.StartingNodes{FilterQuery: "uri = 'u0'"}, MaxNumHops: &hops, Direction: mlmd.Bidirectional})
		must(t, err)
		if len(g.Artifacts) != 2 || len(g.Executions) != 1 {
			t.Fatalf("GetLineageSubgraph: %d artifacts and %d executions, want 2 and 1", len(g.Artifacts), len(g.Executions))
		}
	}},
	{"GetArtifactsByID", 1, 1, 1, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		as, err := s.GetArtifactsByID(t.Context(), w.artifacts)
		must(t, err)
		if len(as) != 3 || len(as[0].Properties) != 2 {
			t.Fatalf("GetArtifactsByID: %v", as)
		}
	}},
	{"PutLineageSubgraph", 10, 10, 10, func(t *testing.T, s *mlmd.Store, w *stmtWorld) {
		g := mlmd.LineageSubgraph{
			Executions: []mlmd.Execution{{TypeID: w.executionType, Properties: mlmd.Properties{"p": mlmd.IntValue(1)}}},
			Artifacts:  []mlmd.Artifact{{TypeID: w.artifactType, URI: "in"}, {TypeID: w.artifactType, URI: "out"}},
			Contexts:   []mlmd.Context{{TypeID: w.contextType, Name: "sub"}},
			EventEdges: []mlmd.EventEdge{
				{ExecutionIndex: 0, ArtifactIndex: 0, Event: mlmd.Event{Type: mlmd.EventInput}},
				{ExecutionIndex: 0, ArtifactIndex: 1, Event: mlmd.Event{Type: mlmd.EventOutput}},
			},
		}
		_, err := s.PutLineageSubgraph(t.Context(), g, nil)
		must(t, err)
	}},
}

// stmtBackends opens a store on each backend whose statements c counts.
var stmtBackends = []struct {
	name string
	open func(t *testing.T, c *testdb.StatementCounter) *mlmd.Store
	pin  func(s stmtShape) int
}{
	{"sqlite", func(t *testing.T, c *testdb.StatementCounter) *mlmd.Store {
		return openCounted(t, c.Driver(sqlitestore.Driver{}), "file:"+t.TempDir()+"/mlmd.db")
	}, func(s stmtShape) int { return s.sqlite }},
	{"mariadb", func(t *testing.T, c *testdb.StatementCounter) *mlmd.Store {
		return openCounted(t, c.Driver(mysqlstore.Driver{}), testdb.MySQLStoreDatabase(t))
	}, func(s stmtShape) int { return s.mysql }},
	{"postgres", func(t *testing.T, c *testdb.StatementCounter) *mlmd.Store {
		return openCounted(t, c.Driver(postgresstore.Driver{}), testdb.PostgresStoreDatabase(t))
	}, func(s stmtShape) int { return s.postgres }},
}

func openCounted(t *testing.T, d driver.Driver, dsn string) *mlmd.Store {
	t.Helper()
	conn, err := d.Open(context.Background(), dsn, &driver.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// As mlmd-server opens it: unpaged listings are bounded.
	s := mlmd.NewStore(conn, &mlmd.Options{MaxResultRows: 10000})
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStatementsPerCall(t *testing.T) {
	for _, b := range stmtBackends {
		t.Run(b.name, func(t *testing.T) {
			for _, shape := range stmtShapes {
				t.Run(shape.name, func(t *testing.T) {
					var c testdb.StatementCounter
					s := b.open(t, &c)
					w := newStmtWorld(t, s)
					c.Take()
					shape.run(t, s, w)
					got := c.Take()
					pin := b.pin(shape)
					switch {
					case len(got) > pin:
						t.Errorf("%d statements, at most %d allowed:\n  %s", len(got), pin, strings.Join(shorten(got), "\n  "))
					case len(got) < pin:
						t.Logf("%d statements, fewer than the pin %d: lower it", len(got), pin)
					default:
						t.Logf("%d statements", len(got))
					}
					if testing.Verbose() {
						t.Logf("statements:\n  %s", strings.Join(shorten(got), "\n  "))
					}
				})
			}
		})
	}
}

// shorten cuts statements to their first 120 bytes, for messages.
func shorten(qs []string) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		q = strings.Join(strings.Fields(q), " ")
		if len(q) > 120 {
			q = q[:120] + "..."
		}
		out[i] = q
	}
	return out
}
