package mlmd_test

// Property test of GetLineageSubgraph: on random lineage graphs (seeded,
// reproducible), every direction, hop count, start kind and ending-node
// option gives the answer of a plain in-memory breadth-first walk that
// follows MLMD's rules, whichever way the store walks (traced in the
// database, hop by hop with the driver's filter matching, hop by hop on a
// driver without the lineage interface), on SQLite and on MariaDB.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// plainConn hides the optional driver.LineageTx of a backend, so that the
// store takes its portable path.
type plainConn struct{ driver.Conn }

type plainTx struct{ driver.Tx }

func (c plainConn) InTx(ctx context.Context, opts driver.TxOptions, fn func(driver.Tx) error) error {
	return c.Conn.InTx(ctx, opts, func(tx driver.Tx) error { return fn(plainTx{tx}) })
}

// memEvent is an event of the in-memory graph.
type memEvent struct {
	a, e int64
	typ  mlmd.EventType
}

func (ev memEvent) String() string { return fmt.Sprintf("a%d-e%d:%v", ev.a, ev.e, ev.typ) }

// memGraph is the in-memory copy of a random lineage graph.
type memGraph struct {
	arts, execs []int64
	events      []memEvent
}

var (
	inputTypes  = []mlmd.EventType{mlmd.EventInput, mlmd.EventDeclaredInput, mlmd.EventInternalInput}
	outputTypes = []mlmd.EventType{mlmd.EventOutput, mlmd.EventDeclaredOutput, mlmd.EventInternalOutput, mlmd.EventPendingOutput}
)

// randomGraph stores a random lineage graph: executions read earlier
// artifacts and write later ones (a DAG), unless cyclic, when they may
// also write artifacts that lead to their own inputs.
func randomGraph(t *testing.T, s *mlmd.Store, rng *rand.Rand, cyclic bool) memGraph {
	t.Helper()
	ctx := t.Context()
	at, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "A"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	et, err := s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "E"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	nA, nE := 8+rng.IntN(20), 4+rng.IntN(14)
	as := make([]mlmd.Artifact, nA)
	for i := range as {
		as[i].TypeID = at
	}
	arts, err := s.PutArtifacts(ctx, as, nil)
	if err != nil {
		t.Fatal(err)
	}
	es := make([]mlmd.Execution, nE)
	for i := range es {
		es[i].TypeID = et
	}
	execs, err := s.PutExecutions(ctx, es, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := memGraph{arts: arts, execs: execs}
	seen := map[memEvent]bool{}
	add := func(a, e int64, typ mlmd.EventType) {
		ev := memEvent{a, e, typ}
		if !seen[ev] {
			seen[ev] = true
			g.events = append(g.events, ev)
		}
	}
	for i, e := range execs {
		// Execution i sits between artifacts cut-1 and cut.
		cut := 1 + (i*(nA-1))/max(1, nE)
		for range 1 + rng.IntN(3) {
			add(arts[rng.IntN(cut)], e, inputTypes[rng.IntN(len(inputTypes))])
		}
		for range 1 + rng.IntN(2) {
			lo := cut
			if cyclic && rng.IntN(4) == 0 {
				lo = 0
			}
			add(arts[lo+rng.IntN(nA-lo)], e, outputTypes[rng.IntN(len(outputTypes))])
		}
		if rng.IntN(5) == 0 {
			// A second event between the same nodes, of another type.
			ev := g.events[len(g.events)-1]
			add(ev.a, ev.e, outputTypes[rng.IntN(len(outputTypes))])
		}
	}
	var evs []mlmd.Event
	for _, ev := range g.events {
		evs = append(evs, mlmd.Event{ArtifactID: ev.a, ExecutionID: ev.e, Type: ev.typ})
	}
	if err := s.PutEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	return g
}

// ending is an ending-node option of the reference walk: nil for none,
// all for a filter that matches every node, else the ids it matches.
type ending struct {
	all     bool
	ids     map[int64]bool
	include bool
}

func (e *ending) matches(id int64) bool { return e != nil && (e.all || e.ids[id]) }

func (e *ending) nodes() *mlmd.EndingNodes {
	if e == nil {
		return nil
	}
	return &mlmd.EndingNodes{FilterQuery: idFilter(e.ids), IncludeEndingNodes: e.include}
}

// idFilter is a filter query that matches the ids ("" for none).
func idFilter(ids map[int64]bool) string {
	var parts []string
	for _, id := range slices.Sorted(mapKeys(ids)) {
		parts = append(parts, fmt.Sprintf("id = %d", id))
	}
	return strings.Join(parts, " OR ")
}

func mapKeys(m map[int64]bool) func(func(int64) bool) {
	return func(yield func(int64) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// walkAnswer is what the property compares: node ids and events, sorted.
type walkAnswer struct {
	arts, execs []int64
	events      []string
}

func (w walkAnswer) String() string {
	return fmt.Sprintf("artifacts %v\n     executions %v\n     events %v", w.arts, w.execs, w.events)
}

// reference walks the in-memory graph as MLMD's QueryLineageSubgraph
// does: breadth first, hop by hop, from the starting nodes that are not
// ending nodes.
func (g memGraph) reference(fromArtifacts bool, starts []int64, hops int, dir mlmd.LineageDirection, endA, endE *ending) walkAnswer {
	isInput := func(t mlmd.EventType) bool { return slices.Contains(inputTypes, t) }
	// followed says whether a hop from an artifact (or an execution)
	// follows an event of type t.
	followed := func(fromArtifact bool, t mlmd.EventType) bool {
		switch dir {
		case mlmd.Upstream:
			return fromArtifact != isInput(t)
		case mlmd.Downstream:
			return fromArtifact == isInput(t)
		}
		return true
	}
	visited := map[bool]map[int64]bool{true: {}, false: {}} // keyed by "is artifact"
	ended := map[bool]map[int64]bool{true: {}, false: {}}
	endOf := map[bool]*ending{true: endA, false: endE}
	var frontier []int64
	for _, id := range starts {
		if endOf[fromArtifacts].matches(id) {
			ended[fromArtifacts][id] = true
		} else {
			visited[fromArtifacts][id] = true
			frontier = append(frontier, id)
		}
	}
	var events []string
	fromArt := fromArtifacts
	for hop := 0; hop < hops && len(frontier) > 0; hop++ {
		toArt := !fromArt
		inFrontier := map[int64]bool{}
		for _, id := range frontier {
			inFrontier[id] = true
		}
		var found []memEvent
		for _, ev := range g.events {
			x := ev.e
			if fromArt {
				x = ev.a
			}
			if inFrontier[x] && followed(fromArt, ev.typ) {
				found = append(found, ev)
			}
		}
		other := func(ev memEvent) int64 {
			if toArt {
				return ev.a
			}
			return ev.e
		}
		fresh := map[int64]bool{}
		for _, ev := range found {
			y := other(ev)
			if visited[toArt][y] || ended[toArt][y] {
				continue
			}
			if endOf[toArt].matches(y) {
				ended[toArt][y] = true
			} else {
				fresh[y] = true
			}
		}
		for _, ev := range found {
			y := other(ev)
			switch {
			case ended[toArt][y]:
				if endOf[toArt].include {
					events = append(events, ev.String())
				}
			case fresh[y]:
				events = append(events, ev.String())
			case dir == mlmd.Upstream || dir == mlmd.Downstream:
				events = append(events, ev.String())
			}
		}
		frontier = nil
		for y := range fresh {
			visited[toArt][y] = true
			frontier = append(frontier, y)
		}
		fromArt = toArt
	}
	var w walkAnswer
	for _, isArt := range []bool{true, false} {
		ids := slices.Collect(mapKeys(visited[isArt]))
		if e := endOf[isArt]; e != nil && e.include {
			ids = append(ids, slices.Collect(mapKeys(ended[isArt]))...)
		}
		slices.Sort(ids)
		if isArt {
			w.arts = ids
		} else {
			w.execs = ids
		}
	}
	slices.Sort(events)
	w.events = events
	return w
}

func answerOf(g mlmd.LineageGraph) walkAnswer {
	w := walkAnswer{arts: []int64{}, execs: []int64{}}
	for _, a := range g.Artifacts {
		w.arts = append(w.arts, a.ID)
	}
	for _, e := range g.Executions {
		w.execs = append(w.execs, e.ID)
	}
	for _, ev := range g.Events {
		w.events = append(w.events, memEvent{ev.ArtifactID, ev.ExecutionID, ev.Type}.String())
	}
	slices.Sort(w.events)
	return w
}

func sameAnswer(a, b walkAnswer) bool {
	return slices.Equal(a.arts, b.arts) && slices.Equal(a.execs, b.execs) && slices.Equal(a.events, b.events)
}

// pick returns 1 to n random ids of ids.
func pick(rng *rand.Rand, ids []int64, n int) map[int64]bool {
	out := map[int64]bool{}
	for range 1 + rng.IntN(n) {
		out[ids[rng.IntN(len(ids))]] = true
	}
	return out
}

// endingOption makes an ending option: "" none, "ids" some random nodes,
// "all" every node (an empty filter query); a "+" includes them.
func endingOption(rng *rand.Rand, opt string, ids []int64) *ending {
	include := strings.HasSuffix(opt, "+")
	switch strings.TrimSuffix(opt, "+") {
	case "ids":
		return &ending{ids: pick(rng, ids, 4), include: include}
	case "all":
		return &ending{all: true, include: include}
	}
	return nil
}

// checkRandomLineage runs the property on the graphs of the seeds (those
// with seed%3 == 2 may have cycles), each in a fresh database from open,
// through a store that uses the driver's lineage interface and one that
// cannot see it.
func checkRandomLineage(t *testing.T, open func(t *testing.T) driver.Conn, seeds ...int) {
	walks := []struct {
		name  string
		force string
		plain bool
	}{
		{"auto", "", false},
		{"traced", "traced", false},
		{"hops", "hops", false},
		{"portable", "", true},
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			conn := open(t)
			stores := map[bool]*mlmd.Store{false: mlmd.NewStore(conn, nil), true: mlmd.NewStore(plainConn{conn}, nil)}
			rng := rand.New(rand.NewPCG(uint64(seed), 0x11e4a6e))
			g := randomGraph(t, stores[false], rng, seed%3 == 2)
			checked := 0
			// Every start kind, direction, hop count and ending option,
			// with random starting and ending nodes.
			hopCounts := []int{0, 1, 2, 3, 5, -1}
			endings := []struct{ a, e string }{
				{"", ""}, {"ids", ""}, {"ids+", ""}, {"", "ids"}, {"", "ids+"},
				{"ids+", "ids"}, {"ids", "ids+"}, {"all", ""}, {"", "all+"},
			}
			q := 0
			for _, fromArtifacts := range []bool{true, false} {
				for _, dir := range []mlmd.LineageDirection{mlmd.DirectionUnspecified, mlmd.Upstream, mlmd.Downstream, mlmd.Bidirectional} {
					for _, n := range hopCounts {
						for _, end := range endings {
							q++
							pool := g.execs
							if fromArtifacts {
								pool = g.arts
							}
							starts := pick(rng, pool, 3)
							var hopsPtr *int64
							hops := mlmd.MaxLineageHops
							if n >= 0 {
								h := int64(n)
								hopsPtr, hops = &h, n
							}
							endA := endingOption(rng, end.a, g.arts)
							endE := endingOption(rng, end.e, g.execs)
							want := g.reference(fromArtifacts, slices.Sorted(mapKeys(starts)), hops, dir, endA, endE)
							query := mlmd.LineageSubgraphQuery{MaxNumHops: hopsPtr, Direction: dir,
								ReadMask: []string{"artifacts", "executions", "events"}, NodeIDsOnly: q%2 == 0}
							if fromArtifacts {
								query.StartingArtifacts = &mlmd.StartingNodes{FilterQuery: idFilter(starts)}
							} else {
								query.StartingExecutions = &mlmd.StartingNodes{FilterQuery: idFilter(starts)}
							}
							query.EndingArtifacts, query.EndingExecutions = endA.nodes(), endE.nodes()
							for _, w := range walks {
								mlmd.ForceLineageWalk(stores[w.plain], w.force)
								got, err := stores[w.plain].GetLineageSubgraph(t.Context(), query)
								if err != nil {
									t.Fatalf("query %d (%s walk): %v", q, w.name, err)
								}
								if ga := answerOf(got); !sameAnswer(ga, want) {
									t.Fatalf("query %d (%s walk) from %s %v, %v, hops %d, ending artifacts %+v, ending executions %+v:\n got %v\nwant %v\ngraph events %v",
										q, w.name, map[bool]string{true: "artifacts", false: "executions"}[fromArtifacts], slices.Sorted(mapKeys(starts)),
										dir, hops, endA, endE, ga, want, g.events)
								}
							}
							checked++
						}
					}
				}
			}
			t.Logf("%d artifacts, %d executions, %d events: %d queries agree, each walked 4 ways", len(g.arts), len(g.execs), len(g.events), checked)
		})
	}
}

func TestLineageSubgraphMatchesBFSOnSQLite(t *testing.T) {
	checkRandomLineage(t, func(t *testing.T) driver.Conn {
		conn, err := sqlitestore.Driver{}.Open(t.Context(), ":memory:", &driver.OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}, 0, 1, 2, 3, 4, 5)
}

func TestLineageSubgraphMatchesBFSOnMariaDB(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	checkRandomLineage(t, func(t *testing.T) driver.Conn {
		conn, err := mysqlstore.Driver{}.Open(context.Background(), testdb.MySQLStoreDatabase(t), &driver.OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}, 2) // one graph, with cycles: the SQL is what differs
}

// TestProvenanceAndDescendantsMatchBFS checks the helpers, traced and hop
// by hop, against the reference walk, and their NotFound.
func TestProvenanceAndDescendantsMatchBFS(t *testing.T) {
	conn, err := sqlitestore.Driver{}.Open(t.Context(), ":memory:", &driver.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stores := []*mlmd.Store{mlmd.NewStore(conn, nil), mlmd.NewStore(plainConn{conn}, nil)}
	g := randomGraph(t, stores[0], rand.New(rand.NewPCG(7, 7)), true)
	for _, a := range g.arts {
		for _, c := range []struct {
			dir  mlmd.LineageDirection
			call func(s *mlmd.Store) (mlmd.LineageGraph, error)
		}{
			{mlmd.Upstream, func(s *mlmd.Store) (mlmd.LineageGraph, error) { return s.Provenance(t.Context(), a) }},
			{mlmd.Downstream, func(s *mlmd.Store) (mlmd.LineageGraph, error) { return s.Descendants(t.Context(), a) }},
		} {
			want := g.reference(true, []int64{a}, mlmd.MaxLineageHops, c.dir, nil, nil)
			for i, s := range stores {
				got, err := c.call(s)
				if err != nil {
					t.Fatal(err)
				}
				if ga := answerOf(got); !sameAnswer(ga, want) {
					t.Fatalf("%v of artifact %d (store %d):\n got %v\nwant %v", c.dir, a, i, ga, want)
				}
				if len(got.Artifacts) == 0 || got.Artifacts[0].Type != "A" || len(got.ArtifactTypes) == 0 {
					t.Fatalf("%v of artifact %d: nodes or types not read: %+v", c.dir, a, got)
				}
			}
		}
	}
	for _, s := range stores {
		if _, err := s.Provenance(t.Context(), g.arts[len(g.arts)-1]+1000); mlmd.CodeOf(err) != mlmd.NotFound {
			t.Errorf("provenance of an unknown artifact: %v, want NotFound", err)
		}
	}
}
