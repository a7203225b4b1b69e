package txtest

import (
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

var linksCases = []testCase{
	{"Events", testEvents},
	{"Links", testLinks},
	{"ParentContexts", testParentContexts},
}

// graph is a small set of nodes to link.
type graph struct {
	artifacts, executions, contexts []int64
}

func newGraph(t *testing.T, c driver.Conn) graph {
	t.Helper()
	at := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindArtifact, Name: "A"})
	et := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindExecution, Name: "E"})
	ct := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindContext, Name: "C"})
	return graph{
		artifacts:  mustInsertNodes(t, c, driver.KindArtifact, []driver.NodeRow{{TypeID: at}, {TypeID: at}, {TypeID: at}}),
		executions: mustInsertNodes(t, c, driver.KindExecution, []driver.NodeRow{{TypeID: et}, {TypeID: et}}),
		contexts:   mustInsertNodes(t, c, driver.KindContext, []driver.NodeRow{{TypeID: ct, Name: "c0"}, {TypeID: ct, Name: "c1"}, {TypeID: ct, Name: "c2"}}),
	}
}

func testEvents(t *testing.T, c driver.Conn) {
	g := newGraph(t, c)
	a, e := g.artifacts, g.executions
	events := []driver.EventRow{
		{ArtifactID: a[0], ExecutionID: e[0], Type: 3, MillisecondsSinceEpoch: 100,
			Path: []driver.StepRow{{Key: "inputs"}, {IsIndex: true, Index: 2}, {Key: ""}, {IsIndex: true, Index: -1}, {Key: "z"}}},
		{ArtifactID: a[1], ExecutionID: e[0], Type: 4, MillisecondsSinceEpoch: 101},
		{ArtifactID: a[0], ExecutionID: e[0], Type: 4, MillisecondsSinceEpoch: 102, Path: []driver.StepRow{{IsIndex: true, Index: 0}}},
		{ArtifactID: a[0], ExecutionID: e[1], Type: 1, MillisecondsSinceEpoch: 103, Path: []driver.StepRow{{Key: "k"}}},
	}
	inTx(t, c, func(tx driver.Tx) error { return tx.InsertEvents(ctx, events[:1]) })
	inTx(t, c, func(tx driver.Tx) error { return tx.InsertEvents(ctx, events[1:]) })

	get := func(kind driver.Kind, ids []int64) []driver.EventRow {
		var got []driver.EventRow
		inTx(t, c, func(tx driver.Tx) error {
			var err error
			got, err = tx.GetEvents(ctx, kind, ids)
			return err
		})
		return got
	}
	all := get(driver.KindExecution, e)
	if len(all) != len(events) {
		t.Fatalf("got %d events, want %d", len(all), len(events))
	}
	want := make([]driver.EventRow, len(events))
	for i, ev := range events {
		ev.ID = all[i].ID
		if i > 0 && ev.ID <= want[i-1].ID {
			t.Fatalf("event ids not ascending: %+v", all)
		}
		want[i] = ev
	}
	equal(t, "events by execution", all, want)
	equal(t, "events of artifact 0", get(driver.KindArtifact, []int64{a[0], 99999, a[0]}), []driver.EventRow{want[0], want[2], want[3]})
	equal(t, "events of execution 1", get(driver.KindExecution, e[1:]), []driver.EventRow{want[3]})
	equal(t, "events of an artifact without events", get(driver.KindArtifact, a[2:]), []driver.EventRow(nil))

	for _, tc := range []struct {
		name string
		rows []driver.EventRow
	}{
		{"stored", []driver.EventRow{{ArtifactID: a[2], ExecutionID: e[1], Type: 3}, {ArtifactID: a[1], ExecutionID: e[0], Type: 4}}},
		{"among rows", []driver.EventRow{{ArtifactID: a[2], ExecutionID: e[1], Type: 3}, {ArtifactID: a[2], ExecutionID: e[1], Type: 3}}},
	} {
		t.Run("duplicate event "+tc.name, func(t *testing.T) {
			wantCode(t, txErr(c, func(tx driver.Tx) error { return tx.InsertEvents(ctx, tc.rows) }), errcode.AlreadyExists)
			if got := get(driver.KindArtifact, a[2:]); got != nil {
				t.Fatalf("a failed insert left events: %+v", got)
			}
		})
	}
	wantCode(t, txErr(c, func(tx driver.Tx) error {
		_, err := tx.GetEvents(ctx, driver.KindContext, g.contexts)
		return err
	}), errcode.InvalidArgument)
}

func testLinks(t *testing.T, c driver.Conn) {
	g := newGraph(t, c)
	a, e, cx := g.artifacts, g.executions, g.contexts
	for range 2 { // the second time, every pair exists and is skipped
		inTx(t, c, func(tx driver.Tx) error {
			if err := tx.InsertLinks(ctx, driver.KindArtifact, []driver.LinkRow{
				{ContextID: cx[0], NodeID: a[0]}, {ContextID: cx[0], NodeID: a[1]}, {ContextID: cx[1], NodeID: a[0]}, {ContextID: cx[0], NodeID: a[0]},
			}); err != nil {
				return err
			}
			return tx.InsertLinks(ctx, driver.KindExecution, []driver.LinkRow{{ContextID: cx[1], NodeID: e[0]}, {ContextID: cx[2], NodeID: e[1]}})
		})
	}
	get := func(kind driver.Kind, nodes, contexts []int64) []driver.LinkRow {
		var got []driver.LinkRow
		inTx(t, c, func(tx driver.Tx) error {
			var err error
			got, err = tx.GetLinks(ctx, kind, nodes, contexts)
			return err
		})
		// Ids are the database's; check their order and drop them.
		for i := range got {
			if i > 0 && got[i].ID <= got[i-1].ID {
				t.Fatalf("links not ordered by id: %+v", got)
			}
			got[i].ID = 0
		}
		return got
	}
	attr := func(ctxID, node int64) driver.LinkRow { return driver.LinkRow{ContextID: ctxID, NodeID: node} }
	tests := []struct {
		name           string
		kind           driver.Kind
		nodes, context []int64
		want           []driver.LinkRow
	}{
		{"attributions of an artifact", driver.KindArtifact, a[:1], nil, []driver.LinkRow{attr(cx[0], a[0]), attr(cx[1], a[0])}},
		{"attributions of a context", driver.KindArtifact, nil, cx[:1], []driver.LinkRow{attr(cx[0], a[0]), attr(cx[0], a[1])}},
		{"attributions of either", driver.KindArtifact, a[1:2], cx[1:2], []driver.LinkRow{attr(cx[0], a[1]), attr(cx[1], a[0])}},
		{"associations of a context", driver.KindExecution, nil, cx, []driver.LinkRow{attr(cx[1], e[0]), attr(cx[2], e[1])}},
		{"associations of an execution", driver.KindExecution, e[1:], nil, []driver.LinkRow{attr(cx[2], e[1])}},
		{"nothing asked", driver.KindExecution, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			equal(t, "GetLinks", get(tc.kind, tc.nodes, tc.context), tc.want)
		})
	}
	wantCode(t, txErr(c, func(tx driver.Tx) error {
		return tx.InsertLinks(ctx, driver.KindContext, []driver.LinkRow{{ContextID: cx[0], NodeID: cx[1]}})
	}), errcode.InvalidArgument)
}

func testParentContexts(t *testing.T, c driver.Conn) {
	cx := newGraph(t, c).contexts
	inTx(t, c, func(tx driver.Tx) error {
		return tx.InsertParentContexts(ctx, []driver.ParentContextRow{
			{ChildID: cx[1], ParentID: cx[0]}, {ChildID: cx[2], ParentID: cx[0]}, {ChildID: cx[2], ParentID: cx[1]},
		})
	})
	for _, tc := range []struct {
		name string
		rows []driver.ParentContextRow
	}{
		{"stored", []driver.ParentContextRow{{ChildID: cx[0], ParentID: cx[2]}, {ChildID: cx[1], ParentID: cx[0]}}},
		{"among rows", []driver.ParentContextRow{{ChildID: cx[0], ParentID: cx[1]}, {ChildID: cx[0], ParentID: cx[1]}}},
	} {
		t.Run("duplicate link "+tc.name, func(t *testing.T) {
			wantCode(t, txErr(c, func(tx driver.Tx) error { return tx.InsertParentContexts(ctx, tc.rows) }), errcode.AlreadyExists)
		})
	}
	pc := func(child, parent int64) driver.ParentContextRow {
		return driver.ParentContextRow{ChildID: child, ParentID: parent}
	}
	tests := []struct {
		name              string
		children, parents []int64
		want              []driver.ParentContextRow
	}{
		{"parents of a child", cx[2:], nil, []driver.ParentContextRow{pc(cx[2], cx[0]), pc(cx[2], cx[1])}},
		{"children of a parent", nil, cx[:1], []driver.ParentContextRow{pc(cx[1], cx[0]), pc(cx[2], cx[0])}},
		{"either", cx[1:2], cx[1:2], []driver.ParentContextRow{pc(cx[1], cx[0]), pc(cx[2], cx[1])}},
		{"a context without links", cx[:1], nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []driver.ParentContextRow
			inTx(t, c, func(tx driver.Tx) error {
				var err error
				got, err = tx.GetParentContexts(ctx, tc.children, tc.parents)
				return err
			})
			equal(t, "GetParentContexts", got, tc.want)
		})
	}
}
