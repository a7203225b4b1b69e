package drivertest

// Read checks: the suite's read paths, run against a store that already
// holds data (a database the store adopted or upgraded, say), where the
// cases above, which start from an empty store, cannot run. Each check
// reads the same items along different paths and fails where they
// disagree; none writes.

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

// RunReadChecks runs the read checks against s, which may hold anything,
// each as a subtest: types by id, by name and version and by external id;
// nodes listed, paged in every order, and read by id, type, type and name,
// external id, URI and property filters; events from both ends; links and
// parent contexts from both ends. The store must not change while they
// run; they check that they did not change it either.
func RunReadChecks(t *testing.T, s *mlmd.Store) {
	t.Helper()
	before := dumpStore(t, s)
	for _, c := range readChecks {
		t.Run(c.name, func(t *testing.T) { c.run(t, s) })
	}
	wantUnchanged(t, s, before, "read checks")
}

// DumpStore renders everything s holds, one line per item in a canonical
// order, as the suite compares stores: types, nodes with all their fields,
// events, links and parent contexts.
func DumpStore(t *testing.T, s *mlmd.Store) []string {
	t.Helper()
	return dumpStore(t, s)
}

// readChecksCases is the suite's own run of the read checks, over a store
// it fills with every kind of item.
var readChecksCases = []testCase{
	{name: "ReadChecks/FilledStore", run: testReadChecksFilledStore},
}

// testReadChecksFilledStore fills a store with types with properties and
// versions, nodes with names, URIs, external ids and properties of every
// kind, events with paths, links and parent contexts, and runs the read
// checks over it.
func testReadChecksFilledStore(t *testing.T, s *mlmd.Store) {
	ctx := t.Context()
	at := mustType(t, s, artifactTypes, gtype{Name: "Data", ExternalID: "t-data", Props: props("n", mlmd.PropertyInt, "s", mlmd.PropertyString)})
	mustType(t, s, artifactTypes, gtype{Name: "Data", Version: "2", Props: props("n", mlmd.PropertyInt)})
	et := mustType(t, s, executionTypes, gtype{Name: "Run", Version: "1", Props: props("x", mlmd.PropertyDouble)})
	ct := mustType(t, s, contextTypes, gtype{Name: "Group"})
	aids := mustPut(t, s, artifacts,
		gnode{TypeID: at, URI: "/a", Name: "a", ExternalID: "a-ext", State: int32(mlmd.ArtifactStateLive), Props: pv("n", i64(3), "s", str("x"))},
		gnode{TypeID: at, URI: "/b", Custom: pv("w", f64(0.5), "q", str("it's"), "b", boolean(true))},
		gnode{TypeID: at, URI: "/a"})
	eids := mustPut(t, s, executions,
		gnode{TypeID: et, Name: "r", Props: pv("x", f64(1.25))},
		gnode{TypeID: et, ExternalID: "r2-ext", State: int32(mlmd.ExecutionStateComplete)})
	cids := mustPut(t, s, contexts, gnode{TypeID: ct, Name: "g1"}, gnode{TypeID: ct, Name: "g2", ExternalID: "g2-ext"}, gnode{TypeID: ct, Name: "g3"})
	ok(t, s.PutEvents(ctx, []mlmd.Event{
		{ArtifactID: aids[0], ExecutionID: eids[0], Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep("in"), mlmd.IndexStep(2)}},
		{ArtifactID: aids[1], ExecutionID: eids[0], Type: mlmd.EventOutput},
		{ArtifactID: aids[1], ExecutionID: eids[1], Type: mlmd.EventInput},
	}), "put events")
	ok(t, s.PutAttributionsAndAssociations(ctx,
		[]mlmd.Attribution{{ContextID: cids[0], ArtifactID: aids[0]}, {ContextID: cids[1], ArtifactID: aids[1]}, {ContextID: cids[0], ArtifactID: aids[2]}},
		[]mlmd.Association{{ContextID: cids[0], ExecutionID: eids[0]}, {ContextID: cids[2], ExecutionID: eids[1]}}), "put links")
	ok(t, s.PutParentContexts(ctx, []mlmd.ParentContext{{ChildID: cids[1], ParentID: cids[0]}, {ChildID: cids[2], ParentID: cids[0]}}), "put parent contexts")
	RunReadChecks(t, s)
}

var readChecks = []testCase{
	{name: "TypesByEveryKey", run: readTypesByEveryKey},
	{name: "NodesByEveryKey", run: readNodesByEveryKey},
	{name: "NodesPagedInEveryOrder", run: readNodesPaged},
	{name: "NodesByPropertyFilter", run: readNodesByPropertyFilter},
	{name: "EventsFromBothEnds", run: readEventsFromBothEnds},
	{name: "LinksFromBothEnds", run: readLinksFromBothEnds},
}

func readTypesByEveryKey(t *testing.T, s *mlmd.Store) {
	for _, k := range typeKinds {
		all, err := k.all(t, s)
		ok(t, err, "all "+k.name+" types")
		byID, err := k.byID(t, s, mapAll(all, func(g gtype) int64 { return g.ID }))
		ok(t, err, k.name+" types by id")
		wantTypes(t, byID, all, k.name+" types by id")
		for _, ty := range all {
			got, err := k.get(t, s, ty.Name, ty.Version)
			ok(t, err, fmt.Sprintf("%s type %q version %q", k.name, ty.Name, ty.Version))
			wantType(t, got, ty, fmt.Sprintf("%s type %q by name", k.name, ty.Name))
			if ty.ExternalID == "" {
				continue
			}
			got2, err := k.byExt(t, s, []string{ty.ExternalID})
			ok(t, err, k.name+" type by external id")
			wantTypes(t, got2, []gtype{ty}, fmt.Sprintf("%s type by external id %q", k.name, ty.ExternalID))
		}
	}
}

// allNodes lists every node of a kind, by id.
func allNodes(t *testing.T, s *mlmd.Store, k nodeKind) []gnode {
	t.Helper()
	var out []gnode
	o := mlmd.ListOptions{MaxResultSize: mlmd.MaxListResultSize, OrderBy: mlmd.OrderByID}
	for {
		ns, tok, err := k.list(t, s, &o)
		ok(t, err, "list "+k.name+"s")
		out = append(out, ns...)
		if tok == "" {
			return out
		}
		o.NextPageToken = tok
	}
}

func readNodesByEveryKey(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		all := allNodes(t, s, k)
		if len(all) == 0 {
			continue
		}
		byID, err := k.byID(t, s, nodeIDs(all))
		ok(t, err, k.name+"s by id")
		wantNodesAnyOrder(t, byID, all, 0, k.name+"s by id")
		types, err := k.types.all(t, s)
		ok(t, err, k.name+" types")
		for _, ty := range types {
			var want []gnode
			for _, n := range all {
				if n.TypeID == ty.ID {
					want = append(want, n)
				}
			}
			got, _, err := k.byType(t, s, ty.Name, ty.Version, &mlmd.ListOptions{MaxResultSize: mlmd.MaxListResultSize})
			ok(t, err, fmt.Sprintf("%ss of type %q", k.name, ty.Name))
			wantNodesAnyOrder(t, got, want, 0, fmt.Sprintf("%ss of type %q/%q", k.name, ty.Name, ty.Version))
			for _, n := range want {
				if n.Name == "" {
					continue
				}
				got, err := k.byTypeAndName(t, s, ty.Name, ty.Version, n.Name)
				ok(t, err, fmt.Sprintf("%s %q of type %q", k.name, n.Name, ty.Name))
				wantNode(t, got, n, 0, fmt.Sprintf("%s %q by type and name", k.name, n.Name))
			}
		}
		for _, n := range all {
			if n.ExternalID != "" {
				got, err := k.byExt(t, s, []string{n.ExternalID})
				ok(t, err, k.name+" by external id")
				wantNodes(t, got, []gnode{n}, 0, fmt.Sprintf("%s by external id %q", k.name, n.ExternalID))
			}
			if k.hasURI && n.URI != "" {
				got, err := s.GetArtifactsByURI(t.Context(), []string{n.URI})
				ok(t, err, "artifacts by uri")
				if !slices.Contains(nodeIDs(mapAll(got, fromArtifact)), n.ID) {
					t.Errorf("artifacts by uri %q: %v lacks %d", n.URI, nodeIDs(mapAll(got, fromArtifact)), n.ID)
				}
			}
		}
	}
}

func readNodesPaged(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		all := allNodes(t, s, k)
		if len(all) == 0 {
			continue
		}
		checkAllOrders(t, all, func(o *mlmd.ListOptions) ([]gnode, string, error) { return k.list(t, s, o) })
	}
}

// filterLiteral writes a value as a filter query literal, or reports that
// the check leaves the value out (structs, protos, long strings, and
// strings the filter's quoting would have to escape).
func filterLiteral(v mlmd.Value) (field, lit string, can bool) {
	switch v.Type() {
	case mlmd.PropertyInt:
		return "int_value", strconv.FormatInt(v.AsInt(), 10), true
	case mlmd.PropertyDouble:
		return "double_value", strconv.FormatFloat(v.AsDouble(), 'g', -1, 64), true
	case mlmd.PropertyString:
		if len(v.AsString()) > 1000 || strings.ContainsAny(v.AsString(), `'"\`) {
			return "", "", false
		}
		return "string_value", "'" + v.AsString() + "'", true
	}
	return "", "", false
}

func readNodesByPropertyFilter(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		for _, n := range allNodes(t, s, k) {
			for _, set := range []struct {
				prefix string
				props  mlmd.Properties
			}{{"properties", n.Props}, {"custom_properties", n.Custom}} {
				for _, name := range slices.Sorted(maps.Keys(set.props)) {
					field, lit, can := filterLiteral(set.props[name])
					if !can || strings.ContainsAny(name, " .`") {
						continue
					}
					q := fmt.Sprintf("%s.%s.%s = %s AND id = %d", set.prefix, name, field, lit, n.ID)
					got, _, err := k.list(t, s, &mlmd.ListOptions{FilterQuery: q})
					ok(t, err, k.name+"s where "+q)
					if ids := nodeIDs(got); !slices.Equal(ids, []int64{n.ID}) {
						t.Errorf("%ss where %s: %v, want [%d]", k.name, q, ids, n.ID)
					}
				}
			}
		}
	}
}

func renderEvent(e mlmd.Event) string {
	return fmt.Sprintf("a=%d e=%d type=%s time=%d path=%v", e.ArtifactID, e.ExecutionID, e.Type, e.MillisecondsSinceEpoch, e.Path)
}

func readEventsFromBothEnds(t *testing.T, s *mlmd.Store) {
	arts := nodeIDs(allNodes(t, s, artifacts))
	exes := nodeIDs(allNodes(t, s, executions))
	var byArt, byExe []string
	if len(arts) > 0 {
		evs, err := s.GetEventsByArtifactIDs(t.Context(), arts)
		ok(t, err, "events by artifact")
		byArt = mapAll(evs, renderEvent)
		for _, e := range evs {
			if !slices.Contains(exes, e.ExecutionID) {
				t.Errorf("event %s names a missing execution", renderEvent(e))
			}
		}
	}
	if len(exes) > 0 {
		evs, err := s.GetEventsByExecutionIDs(t.Context(), exes)
		ok(t, err, "events by execution")
		byExe = mapAll(evs, renderEvent)
		for _, e := range evs {
			if !slices.Contains(arts, e.ArtifactID) {
				t.Errorf("event %s names a missing artifact", renderEvent(e))
			}
		}
	}
	slices.Sort(byArt)
	slices.Sort(byExe)
	if !slices.Equal(byArt, byExe) {
		t.Errorf("events by artifact %v\n differ from events by execution %v", byArt, byExe)
	}
}

func readLinksFromBothEnds(t *testing.T, s *mlmd.Store) {
	ctx := t.Context()
	ctxs := allNodes(t, s, contexts)
	type pair struct{ c, n int64 }
	fromContexts := map[string][]pair{}
	for _, c := range ctxs {
		for _, k := range []nodeKind{artifacts, executions} {
			ns, _, err := k.byContext(t, s, c.ID, &mlmd.ListOptions{MaxResultSize: mlmd.MaxListResultSize})
			ok(t, err, fmt.Sprintf("%ss of context %d", k.name, c.ID))
			for _, n := range ns {
				fromContexts[k.name] = append(fromContexts[k.name], pair{c.ID, n.ID})
			}
		}
		parents, err := s.GetParentContextsByContext(ctx, c.ID)
		ok(t, err, "parent contexts")
		for _, p := range parents {
			children, err := s.GetChildrenContextsByContext(ctx, p.ID)
			ok(t, err, "children contexts")
			if !slices.Contains(nodeIDs(mapAll(children, fromContext)), c.ID) {
				t.Errorf("context %d has parent %d, whose children %v lack it", c.ID, p.ID, nodeIDs(mapAll(children, fromContext)))
			}
		}
	}
	fromNodes := map[string][]pair{}
	for _, a := range allNodes(t, s, artifacts) {
		cs, err := s.GetContextsByArtifact(ctx, a.ID)
		ok(t, err, "contexts by artifact")
		for _, c := range cs {
			fromNodes["artifact"] = append(fromNodes["artifact"], pair{c.ID, a.ID})
		}
	}
	for _, e := range allNodes(t, s, executions) {
		cs, err := s.GetContextsByExecution(ctx, e.ID)
		ok(t, err, "contexts by execution")
		for _, c := range cs {
			fromNodes["execution"] = append(fromNodes["execution"], pair{c.ID, e.ID})
		}
	}
	less := func(a, b pair) int {
		if a.c != b.c {
			return int(a.c - b.c)
		}
		return int(a.n - b.n)
	}
	for _, kind := range []string{"artifact", "execution"} {
		a, b := fromContexts[kind], fromNodes[kind]
		slices.SortFunc(a, less)
		slices.SortFunc(b, less)
		if !slices.Equal(a, b) {
			t.Errorf("%s links from contexts %v differ from links from %ss %v", kind, a, kind, b)
		}
	}
}
