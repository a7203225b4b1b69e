package drivertest

// Edges: events, attributions and associations, parent contexts.

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
)

var edgesCases = []testCase{
	{name: "Edges/Events", run: testEvents},
	{name: "Edges/EventsBadInput", run: testEventsBadInput},
	{name: "Edges/EventPathsAndTimes", runWithClock: testEventPathsAndTimes},
	{name: "Edges/AttributionsAndAssociations", run: testAttributionsAndAssociations},
	{name: "Edges/LinksBadInput", run: testLinksBadInput},
	{name: "Edges/ParentContextsAlreadyExists", run: testParentContextsAlreadyExists},
	{name: "Edges/ParentContextsInvalid", run: testParentContextsInvalid},
	{name: "Edges/ParentContextCycles", run: testParentContextCycles},
	{name: "Edges/ParentContextsLinked", run: testParentContextsLinked},
}

// oneOfEach stores an artifact, an execution and a context and returns
// their ids.
func oneOfEach(t *testing.T, s *mlmd.Store) (artifact, execution, context int64) {
	t.Helper()
	at := mustType(t, s, artifactTypes, gtype{Name: "test_type"})
	et := mustType(t, s, executionTypes, gtype{Name: "test_type"})
	ct := mustType(t, s, contextTypes, gtype{Name: "test_type"})
	return mustPut(t, s, artifacts, gnode{TypeID: at})[0], mustPut(t, s, executions, gnode{TypeID: et})[0],
		mustPut(t, s, contexts, gnode{TypeID: ct, Name: "c"})[0]
}

func eventsDiff(got, want []mlmd.Event) string {
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Sprintf("got %+v, want %+v", got, want)
	}
	return ""
}

func testEvents(t *testing.T, s *mlmd.Store) {
	a, e, _ := oneOfEach(t, s)
	ok(t, s.PutEvents(t.Context(), []mlmd.Event{{ArtifactID: a, ExecutionID: e, Type: mlmd.EventDeclaredOutput}}), "put event")
	byA, err := s.GetEventsByArtifactIDs(t.Context(), []int64{a})
	ok(t, err, "by artifact")
	if len(byA) != 1 || byA[0].ExecutionID != e || byA[0].ArtifactID != a || byA[0].Type != mlmd.EventDeclaredOutput {
		t.Errorf("by artifact: %+v", byA)
	}
	byE, err := s.GetEventsByExecutionIDs(t.Context(), []int64{e})
	ok(t, err, "by execution")
	if d := eventsDiff(byE, byA); d != "" {
		t.Errorf("by execution: %s", d)
	}
	for _, ids := range [][]int64{nil, {a + 100}} {
		none, err := s.GetEventsByArtifactIDs(t.Context(), ids)
		ok(t, err, "by unknown artifact")
		if len(none) != 0 {
			t.Errorf("by artifacts %v: %+v", ids, none)
		}
		none, err = s.GetEventsByExecutionIDs(t.Context(), ids)
		ok(t, err, "by unknown execution")
		if len(none) != 0 {
			t.Errorf("by executions %v: %+v", ids, none)
		}
	}
	// Another type between the same nodes is another event.
	ok(t, s.PutEvents(t.Context(), []mlmd.Event{{ArtifactID: a, ExecutionID: e, Type: mlmd.EventInput}}), "second event")
	byA, err = s.GetEventsByArtifactIDs(t.Context(), []int64{a, a})
	ok(t, err, "by artifact")
	if len(byA) != 2 || byA[0].Type != mlmd.EventDeclaredOutput || byA[1].Type != mlmd.EventInput {
		t.Errorf("two events, ordered by id: %+v", byA)
	}
	ok(t, s.PutEvents(t.Context(), nil), "no events")
}

func testEventsBadInput(t *testing.T, s *mlmd.Store) {
	a, e, _ := oneOfEach(t, s)
	ok(t, s.PutEvents(t.Context(), []mlmd.Event{{ArtifactID: a, ExecutionID: e, Type: mlmd.EventOutput}}), "stored event")
	good := mlmd.Event{ArtifactID: a, ExecutionID: e, Type: mlmd.EventInput}
	tests := []struct {
		name string
		ev   mlmd.Event
		code mlmd.Code
	}{
		{"no artifact id", mlmd.Event{ExecutionID: e, Type: mlmd.EventInput}, mlmd.InvalidArgument},
		{"no execution id", mlmd.Event{ArtifactID: a, Type: mlmd.EventInput}, mlmd.InvalidArgument},
		{"no type", mlmd.Event{ArtifactID: a, ExecutionID: e}, mlmd.InvalidArgument},
		{"unknown type", mlmd.Event{ArtifactID: a, ExecutionID: e, Type: 99}, mlmd.InvalidArgument},
		{"unknown artifact", mlmd.Event{ArtifactID: a + 100, ExecutionID: e, Type: mlmd.EventInput}, mlmd.InvalidArgument},
		{"unknown execution", mlmd.Event{ArtifactID: a, ExecutionID: e + 100, Type: mlmd.EventInput}, mlmd.InvalidArgument},
		{"negative time", mlmd.Event{ArtifactID: a, ExecutionID: e, Type: mlmd.EventInput, MillisecondsSinceEpoch: -1}, mlmd.InvalidArgument},
		{"stored already", mlmd.Event{ArtifactID: a, ExecutionID: e, Type: mlmd.EventOutput}, mlmd.AlreadyExists},
	}
	for _, tt := range tests {
		for _, batch := range [][]mlmd.Event{{tt.ev}, {good, tt.ev}, {tt.ev, good}} {
			failsUnchanged(t, s, tt.code, fmt.Sprintf("%s (batch of %d)", tt.name, len(batch)), func() error {
				return s.PutEvents(t.Context(), batch)
			})
		}
	}
	failsUnchanged(t, s, mlmd.AlreadyExists, "same event twice in one call", func() error {
		return s.PutEvents(t.Context(), []mlmd.Event{good, good})
	})
}

func testEventPathsAndTimes(t *testing.T, s *mlmd.Store, clock *Clock) {
	a, e, _ := oneOfEach(t, s)
	evs := []mlmd.Event{
		{ArtifactID: a, ExecutionID: e, Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep("examples"), mlmd.IndexStep(0), mlmd.KeyStep("")}},
		{ArtifactID: a, ExecutionID: e, Type: mlmd.EventOutput, MillisecondsSinceEpoch: 12345},
		{ArtifactID: a, ExecutionID: e, Type: mlmd.EventPendingOutput, Path: []mlmd.Step{mlmd.IndexStep(-3)}},
	}
	clock.Advance(time.Minute)
	ok(t, s.PutEvents(t.Context(), evs), "put")
	got, err := s.GetEventsByExecutionIDs(t.Context(), []int64{e})
	ok(t, err, "get")
	want := slices.Clone(evs)
	want[0].MillisecondsSinceEpoch = clock.Millis()
	want[2].MillisecondsSinceEpoch = clock.Millis()
	if d := eventsDiff(got, want); d != "" {
		t.Error(d)
	}
}

// testAttributionsAndAssociations: upstream's PutAndUseAttributionsAndAssociations.
func testAttributionsAndAssociations(t *testing.T, s *mlmd.Store) {
	at := mustType(t, s, artifactTypes, gtype{Name: "artifact_type"})
	et := mustType(t, s, executionTypes, gtype{Name: "execution_type", Props: props("property", mlmd.PropertyString)})
	ct := mustType(t, s, contextTypes, gtype{Name: "context_type"})
	exe := gnode{TypeID: et, Type: "execution_type", Props: pv("property", str("1"))}
	exe.ID = mustPut(t, s, executions, exe)[0]
	art := gnode{TypeID: at, Type: "artifact_type", URI: "testuri", Custom: pv("custom", i64(1))}
	art.ID = mustPut(t, s, artifacts, art)[0]
	ctx := gnode{TypeID: ct, Type: "context_type", Name: "context"}
	ctx.ID = mustPut(t, s, contexts, ctx)[0]

	attr := []mlmd.Attribution{{ArtifactID: art.ID, ContextID: ctx.ID}}
	ok(t, s.PutAttributionsAndAssociations(t.Context(), attr, nil), "attribution")
	cs, err := s.GetContextsByArtifact(t.Context(), art.ID)
	ok(t, err, "contexts by artifact")
	wantNodes(t, mapAll(cs, fromContext), []gnode{ctx}, ignoreTimes, "contexts by artifact")
	as, _, err := artifacts.byContext(t, s, ctx.ID, nil)
	ok(t, err, "artifacts by context")
	wantNodes(t, as, []gnode{art}, ignoreTimes, "artifacts by context")

	// The attribution again, with an association: the existing link is
	// left alone.
	assoc := []mlmd.Association{{ExecutionID: exe.ID, ContextID: ctx.ID}}
	ok(t, s.PutAttributionsAndAssociations(t.Context(), attr, assoc), "attribution again and association")
	cs, err = s.GetContextsByExecution(t.Context(), exe.ID)
	ok(t, err, "contexts by execution")
	wantNodes(t, mapAll(cs, fromContext), []gnode{ctx}, ignoreTimes, "contexts by execution")
	es, _, err := executions.byContext(t, s, ctx.ID, nil)
	ok(t, err, "executions by context")
	wantNodes(t, es, []gnode{exe}, ignoreTimes, "executions by context")

	art2 := gnode{TypeID: at, Type: "artifact_type", URI: "testuri2"}
	art2.ID = mustPut(t, s, artifacts, art2)[0]
	attr = append(attr, mlmd.Attribution{ArtifactID: art2.ID, ContextID: ctx.ID}, mlmd.Attribution{ArtifactID: art2.ID, ContextID: ctx.ID})
	ok(t, s.PutAttributionsAndAssociations(t.Context(), attr, assoc), "existing and new links")
	as, _, err = artifacts.byContext(t, s, ctx.ID, nil)
	ok(t, err, "artifacts by context")
	wantNodes(t, as, []gnode{art, art2}, ignoreTimes, "artifacts by context")

	// Nodes without links have no contexts.
	cs, err = s.GetContextsByArtifact(t.Context(), art2.ID+100)
	ok(t, err, "contexts of an unknown artifact")
	if len(cs) != 0 {
		t.Errorf("contexts of an unknown artifact: %v", cs)
	}
	ok(t, s.PutAttributionsAndAssociations(t.Context(), nil, nil), "nothing")
}

func testLinksBadInput(t *testing.T, s *mlmd.Store) {
	a, e, c := oneOfEach(t, s)
	tests := []struct {
		name  string
		attr  []mlmd.Attribution
		assoc []mlmd.Association
	}{
		{"attribution without context", []mlmd.Attribution{{ArtifactID: a}}, nil},
		{"attribution without artifact", []mlmd.Attribution{{ContextID: c}}, nil},
		{"attribution to an unknown context", []mlmd.Attribution{{ArtifactID: a, ContextID: c + 100}}, nil},
		{"attribution of an unknown artifact", []mlmd.Attribution{{ArtifactID: a + 100, ContextID: c}}, nil},
		{"association without context", nil, []mlmd.Association{{ExecutionID: e}}},
		{"association without execution", nil, []mlmd.Association{{ContextID: c}}},
		{"association to an unknown context", nil, []mlmd.Association{{ExecutionID: e, ContextID: c + 100}}},
		{"association of an unknown execution", nil, []mlmd.Association{{ExecutionID: e + 100, ContextID: c}}},
		{"good attribution, bad association", []mlmd.Attribution{{ArtifactID: a, ContextID: c}}, []mlmd.Association{{ExecutionID: e + 100, ContextID: c}}},
		{"context id of an artifact", []mlmd.Attribution{{ArtifactID: a, ContextID: a + c + e}}, nil},
	}
	for _, tt := range tests {
		failsUnchanged(t, s, mlmd.InvalidArgument, tt.name, func() error {
			return s.PutAttributionsAndAssociations(t.Context(), tt.attr, tt.assoc)
		})
	}
}

// someContexts stores n contexts and returns their ids.
func someContexts(t *testing.T, s *mlmd.Store, n int) []gnode {
	t.Helper()
	ct := mustType(t, s, contextTypes, gtype{Name: "context_type_name"})
	var cs []gnode
	for i := 0; i < n; i++ {
		cs = append(cs, gnode{TypeID: ct, Type: "context_type_name", Name: fmt.Sprintf("context_%d", i)})
	}
	ids := mustPut(t, s, contexts, cs...)
	for i := range cs {
		cs[i].ID = ids[i]
	}
	return cs
}

func testParentContextsAlreadyExists(t *testing.T, s *mlmd.Store) {
	cs := someContexts(t, s, 2)
	link := []mlmd.ParentContext{{ChildID: cs[0].ID, ParentID: cs[1].ID}}
	ok(t, s.PutParentContexts(t.Context(), link), "link")
	failsUnchanged(t, s, mlmd.AlreadyExists, "the same link again", func() error {
		return s.PutParentContexts(t.Context(), link)
	})
	cs = append(cs, someContextsNamed(t, s, "more", 1)...)
	failsUnchanged(t, s, mlmd.AlreadyExists, "a new link and the stored one", func() error {
		return s.PutParentContexts(t.Context(), []mlmd.ParentContext{{ChildID: cs[2].ID, ParentID: cs[1].ID}, link[0]})
	})
	failsUnchanged(t, s, mlmd.AlreadyExists, "a new link twice", func() error {
		l := mlmd.ParentContext{ChildID: cs[2].ID, ParentID: cs[0].ID}
		return s.PutParentContexts(t.Context(), []mlmd.ParentContext{l, l})
	})
}

func someContextsNamed(t *testing.T, s *mlmd.Store, prefix string, n int) []gnode {
	t.Helper()
	ct := mustType(t, s, contextTypes, gtype{Name: "context_type_name"})
	var cs []gnode
	for i := 0; i < n; i++ {
		cs = append(cs, gnode{TypeID: ct, Type: "context_type_name", Name: fmt.Sprintf("%s_%d", prefix, i)})
	}
	ids := mustPut(t, s, contexts, cs...)
	for i := range cs {
		cs[i].ID = ids[i]
	}
	return cs
}

func testParentContextsInvalid(t *testing.T, s *mlmd.Store) {
	cs := someContexts(t, s, 1)
	stored := cs[0].ID
	missing, missing2 := stored+1, stored+2
	tests := []struct {
		name          string
		parent, child int64
	}{
		{"no parent id, no child id", 0, 0},
		{"no child id", stored, 0},
		{"no parent id", 0, stored},
		{"both unknown", missing, missing2},
		{"unknown parent", missing, stored},
		{"unknown child", stored, missing},
		{"self link", stored, stored},
	}
	for _, tt := range tests {
		failsUnchanged(t, s, mlmd.InvalidArgument, tt.name, func() error {
			return s.PutParentContexts(t.Context(), []mlmd.ParentContext{{ParentID: tt.parent, ChildID: tt.child}})
		})
	}
}

func testParentContextCycles(t *testing.T, s *mlmd.Store) {
	cs := someContexts(t, s, 5)
	id := func(i int) int64 { return cs[i].ID }
	// A chain 0 <- 1 <- 2 <- 3 (each the parent of the next).
	ok(t, s.PutParentContexts(t.Context(), []mlmd.ParentContext{
		{ParentID: id(0), ChildID: id(1)}, {ParentID: id(1), ChildID: id(2)}, {ParentID: id(2), ChildID: id(3)},
	}), "chain")
	tests := []struct {
		name  string
		links []mlmd.ParentContext
	}{
		{"two-cycle", []mlmd.ParentContext{{ParentID: id(1), ChildID: id(0)}}},
		{"long cycle", []mlmd.ParentContext{{ParentID: id(3), ChildID: id(0)}}},
		{"cycle through a new link", []mlmd.ParentContext{{ParentID: id(3), ChildID: id(4)}, {ParentID: id(4), ChildID: id(0)}}},
		{"cycle within the call", []mlmd.ParentContext{{ParentID: id(4), ChildID: id(2)}, {ParentID: id(2), ChildID: id(4)}}},
	}
	for _, tt := range tests {
		failsUnchanged(t, s, mlmd.InvalidArgument, tt.name, func() error {
			return s.PutParentContexts(t.Context(), tt.links)
		})
	}
	// A diamond is no cycle.
	ok(t, s.PutParentContexts(t.Context(), []mlmd.ParentContext{{ParentID: id(0), ChildID: id(4)}, {ParentID: id(4), ChildID: id(3)}}), "diamond")
}

// testParentContextsLinked: upstream's PutParentContextsAndGetLinkedContextByContext
// and PutParentContextsAndGetLinkedContextsByContexts.
func testParentContextsLinked(t *testing.T, s *mlmd.Store) {
	cs := someContexts(t, s, 7)
	wantParents := map[int64][]gnode{}
	wantChildren := map[int64][]gnode{}
	var links []mlmd.ParentContext
	for _, pc := range [][2]int{{0, 1}, {0, 2}, {2, 3}, {1, 6}, {4, 5}, {5, 6}} {
		p, c := cs[pc[0]], cs[pc[1]]
		links = append(links, mlmd.ParentContext{ParentID: p.ID, ChildID: c.ID})
		wantParents[c.ID] = append(wantParents[c.ID], p)
		wantChildren[p.ID] = append(wantChildren[p.ID], c)
	}
	ok(t, s.PutParentContexts(t.Context(), links), "links")
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.ID)
		parents, err := s.GetParentContextsByContext(t.Context(), c.ID)
		ok(t, err, "parents")
		wantNodesAnyOrder(t, mapAll(parents, fromContext), wantParents[c.ID], ignoreTimes, fmt.Sprintf("parents of %s", c.Name))
		children, err := s.GetChildrenContextsByContext(t.Context(), c.ID)
		ok(t, err, "children")
		wantNodesAnyOrder(t, mapAll(children, fromContext), wantChildren[c.ID], ignoreTimes, fmt.Sprintf("children of %s", c.Name))
	}
	parents, err := s.GetParentContextsByContexts(t.Context(), ids)
	ok(t, err, "parents of all")
	children, err := s.GetChildrenContextsByContexts(t.Context(), ids)
	ok(t, err, "children of all")
	if len(parents) != len(wantParents) || len(children) != len(wantChildren) {
		t.Errorf("got parents of %d and children of %d contexts, want %d and %d", len(parents), len(children), len(wantParents), len(wantChildren))
	}
	for _, id := range ids {
		if _, has := parents[id]; has != (len(wantParents[id]) > 0) {
			t.Errorf("context %d: parent entry %t", id, has)
		}
		wantNodesAnyOrder(t, mapAll(parents[id], fromContext), wantParents[id], ignoreTimes, fmt.Sprintf("parents of %d", id))
		if _, has := children[id]; has != (len(wantChildren[id]) > 0) {
			t.Errorf("context %d: children entry %t", id, has)
		}
		wantNodesAnyOrder(t, mapAll(children[id], fromContext), wantChildren[id], ignoreTimes, fmt.Sprintf("children of %d", id))
	}
	none, err := s.GetParentContextsByContexts(t.Context(), nil)
	ok(t, err, "no ids")
	if len(none) != 0 {
		t.Errorf("no ids: %v", none)
	}
}
