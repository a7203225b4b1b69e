package mlmd_test

// Set-based writes and reads: the number of driver calls of a Store call
// must not grow with the number of nodes it handles. The store runs over
// the real SQLite backend, wrapped to count the calls it receives.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// calls counts driver calls by method name.
type calls struct {
	mu sync.Mutex
	n  map[string]int
	// after, if set, is called when a FindTypes or GetNodes call returns
	// without error, with the method's name.
	after func(name string)
}

// returned calls the after hook for a call of method name that succeeded.
func (c *calls) returned(name string, err error) {
	c.mu.Lock()
	after := c.after
	c.mu.Unlock()
	if after != nil && err == nil {
		after(name)
	}
}

func (c *calls) add(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[name]++
}

// take returns the counts so far and starts over.
func (c *calls) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	c.n = nil
	return n
}

func render(m map[string]int) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%d ", k, m[k])
	}
	return b.String()
}

type countingDriver struct {
	d driver.Driver
	c *calls
}

func (d countingDriver) Open(ctx context.Context, dsn string, opts *driver.OpenOptions) (driver.Conn, error) {
	conn, err := d.d.Open(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	return countingConn{conn, d.c}, nil
}

type countingConn struct {
	driver.Conn
	c *calls
}

func (c countingConn) InTx(ctx context.Context, opts driver.TxOptions, fn func(tx driver.Tx) error) error {
	c.c.add("InTx")
	return c.Conn.InTx(ctx, opts, func(tx driver.Tx) error { return fn(countingTx{tx, c.c}) })
}

type countingTx struct {
	tx driver.Tx
	c  *calls
}

func (t countingTx) InsertType(ctx context.Context, r driver.TypeRow) (int64, error) {
	t.c.add("InsertType")
	return t.tx.InsertType(ctx, r)
}
func (t countingTx) UpdateType(ctx context.Context, r driver.TypeRow) error {
	t.c.add("UpdateType")
	return t.tx.UpdateType(ctx, r)
}
func (t countingTx) AddTypeProperties(ctx context.Context, id int64, p map[string]int32) error {
	t.c.add("AddTypeProperties")
	return t.tx.AddTypeProperties(ctx, id, p)
}
func (t countingTx) SetParentTypes(ctx context.Context, l []driver.ParentTypeRow) error {
	t.c.add("SetParentTypes")
	return t.tx.SetParentTypes(ctx, l)
}
func (t countingTx) FindTypes(ctx context.Context, q driver.TypeQuery) ([]driver.TypeRow, error) {
	t.c.add("FindTypes")
	rows, err := t.tx.FindTypes(ctx, q)
	t.c.returned("FindTypes", err)
	return rows, err
}
func (t countingTx) InsertNodes(ctx context.Context, k driver.Kind, r []driver.NodeRow) ([]int64, error) {
	t.c.add("InsertNodes")
	return t.tx.InsertNodes(ctx, k, r)
}
func (t countingTx) UpdateNodes(ctx context.Context, k driver.Kind, r []driver.NodeRow) error {
	t.c.add("UpdateNodes")
	return t.tx.UpdateNodes(ctx, k, r)
}
func (t countingTx) GetNodes(ctx context.Context, k driver.Kind, ids []int64) ([]driver.NodeRow, error) {
	t.c.add("GetNodes")
	rows, err := t.tx.GetNodes(ctx, k, ids)
	t.c.returned("GetNodes", err)
	return rows, err
}
func (t countingTx) FindNodeIDs(ctx context.Context, k driver.Kind, q driver.NodeQuery) ([]int64, error) {
	t.c.add("FindNodeIDs")
	return t.tx.FindNodeIDs(ctx, k, q)
}
func (t countingTx) ListNodes(ctx context.Context, q driver.ListQuery) ([]driver.NodeKey, error) {
	t.c.add("ListNodes")
	return t.tx.ListNodes(ctx, q)
}
func (t countingTx) UpsertProperties(ctx context.Context, k driver.Kind, r []driver.PropertyRow) error {
	t.c.add("UpsertProperties")
	return t.tx.UpsertProperties(ctx, k, r)
}
func (t countingTx) DeleteProperties(ctx context.Context, k driver.Kind, keys []driver.PropertyKey) error {
	t.c.add("DeleteProperties")
	return t.tx.DeleteProperties(ctx, k, keys)
}
func (t countingTx) InsertEvents(ctx context.Context, r []driver.EventRow) error {
	t.c.add("InsertEvents")
	return t.tx.InsertEvents(ctx, r)
}
func (t countingTx) GetEvents(ctx context.Context, k driver.Kind, ids []int64) ([]driver.EventRow, error) {
	t.c.add("GetEvents")
	return t.tx.GetEvents(ctx, k, ids)
}
func (t countingTx) InsertLinks(ctx context.Context, k driver.Kind, r []driver.LinkRow) error {
	t.c.add("InsertLinks")
	return t.tx.InsertLinks(ctx, k, r)
}
func (t countingTx) GetLinks(ctx context.Context, k driver.Kind, nodeIDs, contextIDs []int64) ([]driver.LinkRow, error) {
	t.c.add("GetLinks")
	return t.tx.GetLinks(ctx, k, nodeIDs, contextIDs)
}
func (t countingTx) InsertParentContexts(ctx context.Context, r []driver.ParentContextRow) error {
	t.c.add("InsertParentContexts")
	return t.tx.InsertParentContexts(ctx, r)
}
func (t countingTx) GetParentContexts(ctx context.Context, childIDs, parentIDs []int64) ([]driver.ParentContextRow, error) {
	t.c.add("GetParentContexts")
	return t.tx.GetParentContexts(ctx, childIDs, parentIDs)
}

var counted = &calls{}

func init() {
	mlmd.Register("counting-sqlite", countingDriver{sqlitestore.Driver{}, counted})
}

// workload runs one kind of store call over n nodes; prepare runs first
// and is not counted.
type workload struct {
	name    string
	prepare func(t *testing.T, s *mlmd.Store, n int) any
	run     func(t *testing.T, s *mlmd.Store, n int, state any)
}

type fixture struct {
	artifactType, executionType, contextType int64
	artifacts, executions, contexts          []int64
}

func setup(t *testing.T, s *mlmd.Store, n int) *fixture {
	t.Helper()
	ctx := t.Context()
	res, err := s.PutTypes(ctx, mlmd.Types{
		ArtifactTypes:  []mlmd.ArtifactType{{Name: "a", Properties: map[string]mlmd.PropertyType{"p": mlmd.PropertyInt, "q": mlmd.PropertyString}}},
		ExecutionTypes: []mlmd.ExecutionType{{Name: "e", Properties: map[string]mlmd.PropertyType{"p": mlmd.PropertyInt}}},
		ContextTypes:   []mlmd.ContextType{{Name: "c"}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{artifactType: res.ArtifactTypeIDs[0], executionType: res.ExecutionTypeIDs[0], contextType: res.ContextTypeIDs[0]}
	var as []mlmd.Artifact
	var es []mlmd.Execution
	var cs []mlmd.Context
	for i := 0; i < n; i++ {
		as = append(as, mlmd.Artifact{TypeID: f.artifactType, Properties: mlmd.Properties{"p": mlmd.IntValue(int64(i)), "q": mlmd.StringValue("x")},
			CustomProperties: mlmd.Properties{"c": mlmd.IntValue(1)}})
		es = append(es, mlmd.Execution{TypeID: f.executionType})
		cs = append(cs, mlmd.Context{TypeID: f.contextType, Name: fmt.Sprint("c", i)})
	}
	if f.artifacts, err = s.PutArtifacts(ctx, as, nil); err != nil {
		t.Fatal(err)
	}
	if f.executions, err = s.PutExecutions(ctx, es, nil); err != nil {
		t.Fatal(err)
	}
	if f.contexts, err = s.PutContexts(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var workloads = []workload{
	{"PutArtifacts create", func(t *testing.T, s *mlmd.Store, n int) any { return setup(t, s, 1) },
		func(t *testing.T, s *mlmd.Store, n int, st any) {
			f := st.(*fixture)
			var as []mlmd.Artifact
			for i := 0; i < n; i++ {
				as = append(as, mlmd.Artifact{TypeID: f.artifactType, Properties: mlmd.Properties{"p": mlmd.IntValue(1)}, CustomProperties: mlmd.Properties{"x": mlmd.BoolValue(true)}})
			}
			_, err := s.PutArtifacts(t.Context(), as, nil)
			must(t, err)
		}},
	{"PutArtifacts update", func(t *testing.T, s *mlmd.Store, n int) any { return setup(t, s, n) },
		func(t *testing.T, s *mlmd.Store, n int, st any) {
			f := st.(*fixture)
			var as []mlmd.Artifact
			for _, id := range f.artifacts {
				// Changes p, deletes q and c, adds d.
				as = append(as, mlmd.Artifact{ID: id, TypeID: f.artifactType, URI: "u", Properties: mlmd.Properties{"p": mlmd.IntValue(-1)},
					CustomProperties: mlmd.Properties{"d": mlmd.DoubleValue(1)}})
			}
			_, err := s.PutArtifacts(t.Context(), as, nil)
			must(t, err)
		}},
	{"PutContexts masked update", func(t *testing.T, s *mlmd.Store, n int) any { return setup(t, s, n) },
		func(t *testing.T, s *mlmd.Store, n int, st any) {
			f := st.(*fixture)
			var cs []mlmd.Context
			for _, id := range f.contexts {
				cs = append(cs, mlmd.Context{ID: id, ExternalID: fmt.Sprint("x", id), CustomProperties: mlmd.Properties{"k": mlmd.IntValue(1)}})
			}
			_, err := s.PutContexts(t.Context(), cs, &mlmd.PutContextsOptions{UpdateMask: []string{"external_id", "custom_properties.k"}})
			must(t, err)
		}},
	{"PutExecution", func(t *testing.T, s *mlmd.Store, n int) any { return setup(t, s, n) },
		func(t *testing.T, s *mlmd.Store, n int, st any) {
			f := st.(*fixture)
			var pairs []mlmd.ArtifactAndEvent
			for i, id := range f.artifacts {
				pairs = append(pairs, mlmd.ArtifactAndEvent{Event: &mlmd.Event{ArtifactID: id, Type: mlmd.EventInput}},
					mlmd.ArtifactAndEvent{Artifact: &mlmd.Artifact{TypeID: f.artifactType, ExternalID: fmt.Sprint("out", i)}, Event: &mlmd.Event{Type: mlmd.EventOutput}})
			}
			cs := []mlmd.Context{{TypeID: f.contextType, Name: "c0"}, {TypeID: f.contextType, Name: "new"}}
			_, err := s.PutExecution(t.Context(), mlmd.Execution{ID: f.executions[0], TypeID: f.executionType}, pairs, cs,
				&mlmd.PutExecutionOptions{ReuseContextIfAlreadyExist: true, ReuseArtifactIfAlreadyExistByExternalID: true})
			must(t, err)
		}},
	{"PutLineageSubgraph", func(t *testing.T, s *mlmd.Store, n int) any { return setup(t, s, 1) },
		func(t *testing.T, s *mlmd.Store, n int, st any) {
			f := st.(*fixture)
			var g mlmd.LineageSubgraph
			for i := 0; i < n; i++ {
				g.Artifacts = append(g.Artifacts, mlmd.Artifact{TypeID: f.artifactType})
				g.Executions = append(g.Executions, mlmd.Execution{TypeID: f.executionType})
				g.Contexts = append(g.Contexts, mlmd.Context{TypeID: f.contextType, Name: fmt.Sprint("sub", i)})
				g.EventEdges = append(g.EventEdges, mlmd.EventEdge{ExecutionIndex: i, ArtifactIndex: i, Event: mlmd.Event{Type: mlmd.EventOutput}})
			}
			_, err := s.PutLineageSubgraph(t.Context(), g, &mlmd.PutLineageSubgraphOptions{ReuseContextIfAlreadyExist: true})
			must(t, err)
		}},
	{"PutEvents and links", func(t *testing.T, s *mlmd.Store, n int) any { return setup(t, s, n) },
		func(t *testing.T, s *mlmd.Store, n int, st any) {
			f := st.(*fixture)
			var evs []mlmd.Event
			var attr []mlmd.Attribution
			var assoc []mlmd.Association
			var parents []mlmd.ParentContext
			for i := range f.artifacts {
				evs = append(evs, mlmd.Event{ArtifactID: f.artifacts[i], ExecutionID: f.executions[i], Type: mlmd.EventInput})
				attr = append(attr, mlmd.Attribution{ArtifactID: f.artifacts[i], ContextID: f.contexts[0]})
				assoc = append(assoc, mlmd.Association{ExecutionID: f.executions[i], ContextID: f.contexts[0]})
				if i > 0 {
					// A star, so that the ancestor walk has the same depth for any n.
					parents = append(parents, mlmd.ParentContext{ChildID: f.contexts[i], ParentID: f.contexts[0]})
				}
			}
			must(t, s.PutEvents(t.Context(), evs))
			must(t, s.PutAttributionsAndAssociations(t.Context(), attr, assoc))
			must(t, s.PutParentContexts(t.Context(), parents))
		}},
	{"reads", func(t *testing.T, s *mlmd.Store, n int) any {
		f := setup(t, s, n)
		var attr []mlmd.Attribution
		for _, a := range f.artifacts {
			attr = append(attr, mlmd.Attribution{ArtifactID: a, ContextID: f.contexts[0]})
		}
		must(t, s.PutAttributionsAndAssociations(t.Context(), attr, nil))
		return f
	},
		func(t *testing.T, s *mlmd.Store, n int, st any) {
			f := st.(*fixture)
			ctx := t.Context()
			_, err := s.GetArtifactsByID(ctx, f.artifacts)
			must(t, err)
			_, _, err = s.GetArtifacts(ctx, nil)
			must(t, err)
			_, _, err = s.GetArtifacts(ctx, &mlmd.ListOptions{MaxResultSize: 100, OrderBy: mlmd.OrderByCreateTime})
			must(t, err)
			_, _, err = s.GetArtifactsByType(ctx, "a", "", nil)
			must(t, err)
			_, _, err = s.GetArtifactsByContext(ctx, f.contexts[0], nil)
			must(t, err)
			_, err = s.GetContextsByID(ctx, f.contexts)
			must(t, err)
			_, err = s.GetParentContextsByContexts(ctx, f.contexts)
			must(t, err)
			_, err = s.GetEventsByArtifactIDs(ctx, f.artifacts)
			must(t, err)
		}},
}

// TestDriverCallsDoNotGrowWithBatchSize checks that each workload makes
// the same driver calls for 2 nodes as for 60.
func TestDriverCallsDoNotGrowWithBatchSize(t *testing.T) {
	for _, w := range workloads {
		t.Run(w.name, func(t *testing.T) {
			var results []string
			for _, n := range []int{2, 60} {
				s, err := mlmd.Open(t.Context(), "counting-sqlite", ":memory:", nil)
				if err != nil {
					t.Fatal(err)
				}
				state := w.prepare(t, s, n)
				counted.take()
				w.run(t, s, n, state)
				results = append(results, render(counted.take()))
				s.Close()
			}
			if results[0] != results[1] {
				t.Errorf("driver calls grow with the batch:\n   2 nodes: %s\n  60 nodes: %s", results[0], results[1])
			}
			t.Logf("driver calls: %s", results[0])
		})
	}
}
