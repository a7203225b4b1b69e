package txtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/gomlmd/gomlmd/filterlang"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

var listCases = []testCase{
	{"ListNodes", testListNodes},
	{"ListNodesErrors", testListNodesErrors},
	{"InTx", testInTx},
}

type listNode struct {
	id, typeID, create, update int64
	name                       string
	inContext                  bool
}

func testListNodes(t *testing.T, c driver.Conn) {
	// Contexts first: the other kinds add a context of their own.
	for _, kind := range []driver.Kind{driver.KindContext, driver.KindArtifact, driver.KindExecution} {
		t.Run(kindName(kind), func(t *testing.T) {
			t1 := mustInsertType(t, c, driver.TypeRow{Kind: kind, Name: "T1"})
			t2 := mustInsertType(t, c, driver.TypeRow{Kind: kind, Name: "T2"})
			// Create times with many ties; update times all different.
			creates := []int64{5, 5, 5, 3, 3, 9, 1, 5, 3, 9, 7, 5}
			rows := make([]driver.NodeRow, len(creates))
			for i, ct := range creates {
				typeID := t1
				if i%3 == 2 {
					typeID = t2
				}
				rows[i] = driver.NodeRow{TypeID: typeID, Name: fmt.Sprint("n", i), CreateTimeSinceEpoch: ct,
					LastUpdateTimeSinceEpoch: int64(100 - 7*i%13)}
			}
			ids := mustInsertNodes(t, c, kind, rows)
			nodes := make([]listNode, len(ids))
			for i, id := range ids {
				nodes[i] = listNode{id: id, typeID: rows[i].TypeID, create: rows[i].CreateTimeSinceEpoch,
					update: rows[i].LastUpdateTimeSinceEpoch, name: rows[i].Name}
			}
			var contextID int64
			if kind != driver.KindContext {
				ct := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindContext, Name: "Ctx-" + kindName(kind)})
				contextID = mustInsertNodes(t, c, driver.KindContext, []driver.NodeRow{{TypeID: ct, Name: "ctx"}})[0]
				var links []driver.LinkRow
				for i := range nodes {
					if i%2 == 0 {
						nodes[i].inContext = true
						links = append(links, driver.LinkRow{ContextID: contextID, NodeID: nodes[i].id})
					}
				}
				inTx(t, c, func(tx driver.Tx) error { return tx.InsertLinks(ctx, kind, links) })
			}

			type variant struct {
				name      string
				typeID    int64
				contextID int64
				filter    string
				keep      func(listNode) bool
			}
			// A filter whose values must bind in the right places among
			// the listing's own parameters.
			const filter = "create_time_since_epoch >= 5 AND name != 'n7'"
			filtered := func(n listNode) bool { return n.create >= 5 && n.name != "n7" }
			variants := []variant{{"all", 0, 0, "", nil}, {"one type", t2, 0, "", nil}, {"filtered in one type", t1, 0, filter, filtered}}
			if kind != driver.KindContext {
				variants = append(variants, variant{"one context", 0, contextID, "", nil}, variant{"one type in one context", t1, contextID, "", nil},
					variant{"filtered in one context", 0, contextID, filter, filtered})
			}
			for _, v := range variants {
				for _, order := range []driver.OrderField{driver.OrderByID, driver.OrderByCreateTime, driver.OrderByUpdateTime} {
					for _, desc := range []bool{false, true} {
						for _, pageSize := range []int{0, 1, 3, 5} {
							name := fmt.Sprintf("%s/order=%d/desc=%v/page=%d", v.name, order, desc, pageSize)
							t.Run(name, func(t *testing.T) {
								want := expectedListing(nodes, v.typeID, v.contextID, v.keep, order, desc)
								got := listAll(t, c, driver.ListQuery{Kind: kind, TypeID: v.typeID, ContextID: v.contextID,
									Filter: Filter(t, v.filter, kind), OrderBy: order, Desc: desc, Limit: pageSize})
								equal(t, "listing", got, want)
							})
						}
					}
				}
			}
		})
	}
}

// expectedListing computes the listing in Go.
func expectedListing(nodes []listNode, typeID, contextID int64, keep func(listNode) bool, order driver.OrderField, desc bool) []driver.NodeKey {
	var keys []driver.NodeKey
	for _, n := range nodes {
		if (typeID != 0 && n.typeID != typeID) || (contextID != 0 && !n.inContext) || (keep != nil && !keep(n)) {
			continue
		}
		k := driver.NodeKey{ID: n.id, OrderValue: n.id}
		switch order {
		case driver.OrderByCreateTime:
			k.OrderValue = n.create
		case driver.OrderByUpdateTime:
			k.OrderValue = n.update
		}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b driver.NodeKey) int {
		r := cmp.Or(cmp.Compare(a.OrderValue, b.OrderValue), cmp.Compare(a.ID, b.ID))
		if desc {
			return -r
		}
		return r
	})
	return keys
}

// listAll pages through a listing with q.Limit rows a page (one page if
// 0), checks each page's size, and returns all keys.
func listAll(t *testing.T, c driver.Conn, q driver.ListQuery) []driver.NodeKey {
	t.Helper()
	var all []driver.NodeKey
	for page := 0; ; page++ {
		if page > 100 {
			t.Fatal("listing does not end")
		}
		var keys []driver.NodeKey
		err := c.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
			var err error
			keys, err = tx.ListNodes(ctx, q)
			return err
		})
		if err != nil {
			t.Fatalf("ListNodes: %v", err)
		}
		if q.Limit > 0 && len(keys) > q.Limit {
			t.Fatalf("page of %d keys, limit %d", len(keys), q.Limit)
		}
		all = append(all, keys...)
		if q.Limit == 0 || len(keys) < q.Limit {
			return all
		}
		last := keys[len(keys)-1]
		q.After = &last
	}
}

func testListNodesErrors(t *testing.T, c driver.Conn) {
	tests := []struct {
		name string
		q    driver.ListQuery
	}{
		{"filter of another kind", driver.ListQuery{Kind: driver.KindArtifact, Filter: Filter(t, "id > 0", driver.KindExecution)}},
		{"bad kind", driver.ListQuery{Kind: 9}},
		{"bad order", driver.ListQuery{Kind: driver.KindArtifact, OrderBy: 7}},
		{"negative limit", driver.ListQuery{Kind: driver.KindArtifact, Limit: -1}},
		{"contexts by context", driver.ListQuery{Kind: driver.KindContext, ContextID: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, txErr(c, func(tx driver.Tx) error {
				_, err := tx.ListNodes(ctx, tc.q)
				return err
			}), errcode.InvalidArgument)
		})
	}
}

func testInTx(t *testing.T, c driver.Conn) {
	typeID := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindArtifact, Name: "T"})
	count := func() int {
		var ids []int64
		inTx(t, c, func(tx driver.Tx) error {
			var err error
			ids, err = tx.FindNodeIDs(ctx, driver.KindArtifact, driver.NodeQuery{TypeID: typeID})
			return err
		})
		return len(ids)
	}

	t.Run("error rolls back and is returned unchanged", func(t *testing.T) {
		err := txErr(c, func(tx driver.Tx) error {
			if _, err := tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: "x"}}); err != nil {
				return err
			}
			return errSentinel
		})
		if err != errSentinel {
			t.Fatalf("InTx returned %v, want the function's error itself", err)
		}
		if n := count(); n != 0 {
			t.Fatalf("%d nodes after a rolled back transaction", n)
		}
	})
	t.Run("panic rolls back", func(t *testing.T) {
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Fatalf("recovered %v, want the panic of fn", r)
				}
			}()
			_ = txErr(c, func(tx driver.Tx) error {
				if _, err := tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: "x"}}); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		if n := count(); n != 0 {
			t.Fatalf("%d nodes after a panicking transaction", n)
		}
	})
	t.Run("commit", func(t *testing.T) {
		mustInsertNodes(t, c, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: "x"}})
		if n := count(); n != 1 {
			t.Fatalf("%d nodes after a committed transaction, want 1", n)
		}
	})
	t.Run("read-only", func(t *testing.T) {
		err := c.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
			rows, err := tx.GetNodes(ctx, driver.KindArtifact, []int64{1, 2, 3})
			if err == nil && len(rows) != 1 {
				err = fmt.Errorf("read %d nodes, want 1", len(rows))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("canceled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		err := c.InTx(cctx, driver.TxOptions{}, func(tx driver.Tx) error {
			_, err := tx.InsertNodes(cctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: "y"}})
			return err
		})
		if err == nil {
			t.Fatal("InTx with a canceled context succeeded")
		}
		if !errors.Is(err, context.Canceled) && errcode.Of(err) != errcode.Canceled {
			t.Fatalf("InTx with a canceled context: %v (code %v), want context.Canceled", err, errcode.Of(err))
		}
	})
}

// Filter returns query checked against kind, as package mlmd hands filter
// queries to drivers; nil for "".
func Filter(t testing.TB, query string, kind driver.Kind) *driver.Filter {
	t.Helper()
	if query == "" {
		return nil
	}
	f, err := filterlang.Prepare(query, kind)
	if err != nil {
		t.Fatalf("filter query %q: %v", query, err)
	}
	return f
}
