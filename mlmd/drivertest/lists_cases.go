package drivertest

// Listings: ListOptions, pages and next-page tokens.

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
)

var listsCases = []testCase{
	{name: "Lists/CreateTimeDesc", run: testListCreateTimeDesc},
	{name: "Lists/ByContextWithListOptions", run: testListByContext},
	{name: "Lists/TiesInOneCall", run: testListTiesInOneCall},
	{name: "Lists/PagesNeverSkipOrRepeat", runWithClock: testListPagesWithTies},
	{name: "Lists/WritesBetweenPages", runWithClock: testListWritesBetweenPages},
	{name: "Lists/BadOptions", run: testListBadOptions},
}

// testListCreateTimeDesc: upstream's Put{Artifacts,Executions,Contexts}GetXWithListOptions.
// Two nodes put in one call tie on create time; the id breaks the tie.
func testListCreateTimeDesc(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "test_type2", Props: props("property", mlmd.PropertyString)})
			n := gnode{TypeID: typeID, Type: "test_type2", Props: pv("property", str("3"))}
			if k.hasURI {
				n.URI = "testuri://testing/uri"
			}
			if k.hasState {
				n.State = 2
			}
			first, second := k.named(n, "test_1"), k.named(n, "test_2")
			ids := mustPut(t, s, k, first, second)
			first.ID, second.ID = ids[0], ids[1]
			opts := &mlmd.ListOptions{MaxResultSize: 1, OrderBy: mlmd.OrderByCreateTime, Desc: true}
			got, tok, err := k.list(t, s, opts)
			ok(t, err, "first page")
			wantNodes(t, got, []gnode{second}, ignoreTimes, "first page")
			if tok == "" {
				t.Fatal("first page: no token")
			}
			opts.NextPageToken = tok
			got, tok, err = k.list(t, s, opts)
			ok(t, err, "second page")
			wantNodes(t, got, []gnode{first}, ignoreTimes, "second page")
			if tok != "" {
				t.Errorf("second page: token %q", tok)
			}
		})
	}
}

// testListByContext: upstream's PutAndGet{Executions,Artifacts}WithContextUsingListOptions.
func testListByContext(t *testing.T, s *mlmd.Store) {
	ctxType := mustType(t, s, contextTypes, gtype{Name: "context_type"})
	for _, k := range []nodeKind{artifacts, executions} {
		t.Run(k.name, func(t *testing.T) {
			c := mustPut(t, s, contexts, gnode{TypeID: ctxType, Name: "context_" + k.name})[0]
			other := mustPut(t, s, contexts, gnode{TypeID: ctxType, Name: "other_" + k.name})[0]
			typeID := mustType(t, s, k.types, gtype{Name: k.name + "_type"})
			ids := mustPut(t, s, k, gnode{TypeID: typeID}, gnode{TypeID: typeID}, gnode{TypeID: typeID})
			ok(t, k.link(t, s, c, ids[0], ids[1]), "link")
			ok(t, k.link(t, s, other, ids[2]), "link other")

			opts := &mlmd.ListOptions{MaxResultSize: 1, OrderBy: mlmd.OrderByCreateTime, Desc: true}
			got, tok, err := k.byContext(t, s, c, opts)
			ok(t, err, "first page")
			if fmt.Sprint(nodeIDs(got)) != fmt.Sprint([]int64{ids[1]}) || tok == "" {
				t.Fatalf("first page: ids %v token %q, want [%d] and a token", nodeIDs(got), tok, ids[1])
			}
			opts.NextPageToken = tok
			got, tok, err = k.byContext(t, s, c, opts)
			ok(t, err, "second page")
			if fmt.Sprint(nodeIDs(got)) != fmt.Sprint([]int64{ids[0]}) || tok != "" {
				t.Errorf("second page: ids %v token %q, want [%d] and no token", nodeIDs(got), tok, ids[0])
			}
			all, tok, err := k.byContext(t, s, c, nil)
			ok(t, err, "without options")
			if fmt.Sprint(nodeIDs(all)) != fmt.Sprint(ids[:2]) || tok != "" {
				t.Errorf("without options: ids %v token %q, want %v", nodeIDs(all), tok, ids[:2])
			}
			for _, unknown := range []int64{other + 1000, 0, -1} {
				for _, o := range []*mlmd.ListOptions{nil, {}} {
					none, tok, err := k.byContext(t, s, unknown, o)
					ok(t, err, "unknown context")
					if len(none) != 0 || tok != "" {
						t.Errorf("context %d: %v, token %q", unknown, nodeIDs(none), tok)
					}
				}
			}
			// A token of one context does not page another.
			_, _, err = k.byContext(t, s, other, &mlmd.ListOptions{MaxResultSize: 1, OrderBy: mlmd.OrderByCreateTime, Desc: true, NextPageToken: opts.NextPageToken})
			wantCode(t, err, mlmd.InvalidArgument, "token of another context")
		})
	}
}

// orderValue is the value a listing orders n by.
func orderValue(n gnode, f mlmd.OrderField) int64 {
	switch f {
	case mlmd.OrderByCreateTime:
		return n.Create
	case mlmd.OrderByUpdateTime:
		return n.Update
	}
	return n.ID
}

// wantOrder returns the ids of ns in the order of a listing.
func wantOrder(ns []gnode, f mlmd.OrderField, desc bool) []int64 {
	s := slices.Clone(ns)
	slices.SortFunc(s, func(a, b gnode) int {
		c := cmp.Or(cmp.Compare(orderValue(a, f), orderValue(b, f)), cmp.Compare(a.ID, b.ID))
		if desc {
			return -c
		}
		return c
	})
	return nodeIDs(s)
}

// pageAll pages through a listing and returns the ids in page order.
func pageAll(t *testing.T, list func(o *mlmd.ListOptions) ([]gnode, string, error), o mlmd.ListOptions, max int) []int64 {
	t.Helper()
	var ids []int64
	for pages := 0; ; pages++ {
		if pages > max {
			t.Fatalf("more than %d pages", max)
		}
		got, tok, err := list(&o)
		ok(t, err, fmt.Sprintf("page %d", pages))
		if int32(len(got)) > o.MaxResultSize && o.MaxResultSize > 0 {
			t.Fatalf("page %d has %d rows, more than %d", pages, len(got), o.MaxResultSize)
		}
		ids = append(ids, nodeIDs(got)...)
		if tok == "" {
			return ids
		}
		if len(got) == 0 {
			t.Fatalf("page %d is empty but has a token", pages)
		}
		o.NextPageToken = tok
	}
}

// checkAllOrders pages through every order, direction and several page
// sizes, and checks each listing against the expected order.
func checkAllOrders(t *testing.T, ns []gnode, list func(o *mlmd.ListOptions) ([]gnode, string, error)) {
	t.Helper()
	for _, f := range []mlmd.OrderField{mlmd.OrderUnspecified, mlmd.OrderByID, mlmd.OrderByCreateTime, mlmd.OrderByUpdateTime} {
		for _, desc := range []bool{false, true} {
			want := wantOrder(ns, f, desc)
			for _, size := range []int32{1, 2, 3, 7, int32(len(ns)), int32(len(ns)) + 1} {
				got := pageAll(t, list, mlmd.ListOptions{MaxResultSize: size, OrderBy: f, Desc: desc}, len(ns)+2)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("order %v desc %t size %d:\n got %v\nwant %v", f, desc, size, got, want)
				}
			}
		}
	}
}

// testListTiesInOneCall: nodes put in one call share their times.
func testListTiesInOneCall(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "t"})
			var ns []gnode
			for i := 0; i < 12; i++ {
				ns = append(ns, k.named(gnode{TypeID: typeID}, fmt.Sprintf("n%d", i)))
			}
			mustPut(t, s, k, ns...)
			all, _, err := k.list(t, s, nil)
			ok(t, err, "all")
			checkAllOrders(t, all, func(o *mlmd.ListOptions) ([]gnode, string, error) { return k.list(t, s, o) })
		})
	}
}

// testListPagesWithTies: with a clock that stands still, many nodes tie on
// create and update times, across calls; paging never skips or repeats
// a node, in any order, direction and page size, for every listing.
func testListPagesWithTies(t *testing.T, s *mlmd.Store, clock *Clock) {
	ctxType := mustType(t, s, contextTypes, gtype{Name: "group"})
	group := mustPut(t, s, contexts, gnode{TypeID: ctxType, Name: "group"})[0]
	clock.Advance(time.Millisecond)
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "tied", Props: props("p", mlmd.PropertyInt)})
			otherType := mustType(t, s, k.types, gtype{Name: "other"})
			// 5 calls of 5 nodes; the clock moves after calls 2 and 4 only.
			var ids []int64
			for call := 0; call < 5; call++ {
				var batch []gnode
				for i := 0; i < 5; i++ {
					batch = append(batch, k.named(gnode{TypeID: typeID, Props: pv("p", i64(int64(i)))}, fmt.Sprintf("n%d_%d", call, i)))
				}
				ids = append(ids, mustPut(t, s, k, batch...)...)
				mustPut(t, s, k, k.named(gnode{TypeID: otherType}, fmt.Sprintf("other%d", call)))
				if call == 1 || call == 3 {
					clock.Advance(time.Millisecond)
				}
			}
			// Update every third node, in two calls at two times, so that
			// update times tie too and differ from create times.
			clock.Advance(time.Millisecond)
			var upd []gnode
			for i := 0; i < len(ids); i += 3 {
				n := mustGet(t, s, k, ids[i])
				n.Props = pv("p", i64(100))
				upd = append(upd, n)
				if len(upd) == 4 {
					mustPut(t, s, k, upd...)
					upd = nil
					clock.Advance(time.Millisecond)
				}
			}
			mustPut(t, s, k, upd...)
			if k.link != nil {
				ok(t, k.link(t, s, group, ids[3:20]...), "link")
			}

			all, _, err := k.byType(t, s, "tied", "", nil)
			ok(t, err, "all of the type")
			if len(all) != len(ids) {
				t.Fatalf("got %d nodes of the type, want %d", len(all), len(ids))
			}
			checkAllOrders(t, all, func(o *mlmd.ListOptions) ([]gnode, string, error) { return k.byType(t, s, "tied", "", o) })
			everything, _, err := k.list(t, s, nil)
			ok(t, err, "everything")
			checkAllOrders(t, everything, func(o *mlmd.ListOptions) ([]gnode, string, error) { return k.list(t, s, o) })
			if k.byContext != nil {
				linked, _, err := k.byContext(t, s, group, nil)
				ok(t, err, "linked")
				if len(linked) != 17 {
					t.Fatalf("got %d linked nodes, want 17", len(linked))
				}
				checkAllOrders(t, linked, func(o *mlmd.ListOptions) ([]gnode, string, error) { return k.byContext(t, s, group, o) })
			}
		})
	}
}

// testListWritesBetweenPages: nodes created between two pages of an
// ascending listing come at its end; nothing is repeated or skipped.
func testListWritesBetweenPages(t *testing.T, s *mlmd.Store, clock *Clock) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "t"})
			var ns []gnode
			for i := 0; i < 6; i++ {
				ns = append(ns, k.named(gnode{TypeID: typeID}, fmt.Sprintf("n%d", i)))
			}
			ids := mustPut(t, s, k, ns...)
			for _, f := range []mlmd.OrderField{mlmd.OrderByID, mlmd.OrderByCreateTime} {
				o := &mlmd.ListOptions{MaxResultSize: 4, OrderBy: f}
				first, tok, err := k.byType(t, s, "t", "", o)
				ok(t, err, "first page")
				more := mustPut(t, s, k, k.named(gnode{TypeID: typeID}, fmt.Sprintf("late_%d", f)))
				ids = append(ids, more...)
				o.NextPageToken = tok
				o.MaxResultSize = 100
				rest, tok, err := k.byType(t, s, "t", "", o)
				ok(t, err, "rest")
				if tok != "" {
					t.Errorf("rest: token %q", tok)
				}
				got := append(nodeIDs(first), nodeIDs(rest)...)
				if fmt.Sprint(got) != fmt.Sprint(ids) {
					t.Errorf("order %v: got %v, want %v", f, got, ids)
				}
			}
		})
	}
}

func testListBadOptions(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "t"})
			other := mustType(t, s, k.types, gtype{Name: "u"})
			for i := 0; i < 3; i++ {
				mustPut(t, s, k, k.named(gnode{TypeID: typeID}, fmt.Sprint(i)), k.named(gnode{TypeID: other}, fmt.Sprint(i)))
			}
			_, tok, err := k.byType(t, s, "t", "", &mlmd.ListOptions{MaxResultSize: 1, OrderBy: mlmd.OrderByCreateTime})
			ok(t, err, "first page")
			if tok == "" {
				t.Fatal("no token")
			}
			bad := []struct {
				name string
				call func() error
			}{
				{"negative page size", func() error {
					_, _, err := k.list(t, s, &mlmd.ListOptions{MaxResultSize: -1})
					return err
				}},
				{"unknown order field", func() error {
					_, _, err := k.list(t, s, &mlmd.ListOptions{OrderBy: mlmd.OrderField(42)})
					return err
				}},
				{"garbage token", func() error {
					_, _, err := k.list(t, s, &mlmd.ListOptions{NextPageToken: "not a token"})
					return err
				}},
				{"token with another order", func() error {
					_, _, err := k.byType(t, s, "t", "", &mlmd.ListOptions{OrderBy: mlmd.OrderByUpdateTime, NextPageToken: tok})
					return err
				}},
				{"token with another direction", func() error {
					_, _, err := k.byType(t, s, "t", "", &mlmd.ListOptions{OrderBy: mlmd.OrderByCreateTime, Desc: true, NextPageToken: tok})
					return err
				}},
				{"token of another type", func() error {
					_, _, err := k.byType(t, s, "u", "", &mlmd.ListOptions{OrderBy: mlmd.OrderByCreateTime, NextPageToken: tok})
					return err
				}},
				{"token of a typed listing on the whole listing", func() error {
					_, _, err := k.list(t, s, &mlmd.ListOptions{OrderBy: mlmd.OrderByCreateTime, NextPageToken: tok})
					return err
				}},
				{"token with a filter added", func() error {
					_, _, err := k.byType(t, s, "t", "", &mlmd.ListOptions{OrderBy: mlmd.OrderByCreateTime, FilterQuery: "id > 0", NextPageToken: tok})
					return err
				}},
				{"filter that does not parse", func() error {
					_, _, err := k.list(t, s, &mlmd.ListOptions{FilterQuery: "((( no such"})
					return err
				}},
			}
			for _, b := range bad {
				wantCode(t, b.call(), mlmd.InvalidArgument, b.name)
			}
			// The page size may change from page to page.
			got, _, err := k.byType(t, s, "t", "", &mlmd.ListOptions{MaxResultSize: 50, OrderBy: mlmd.OrderByCreateTime, NextPageToken: tok})
			ok(t, err, "other page size")
			if len(got) != 2 {
				t.Errorf("other page size: got %d nodes, want 2", len(got))
			}
		})
	}
	// A token of one kind does not page another.
	_, tok, err := artifacts.list(t, s, &mlmd.ListOptions{MaxResultSize: 1})
	ok(t, err, "artifacts")
	_, _, err = executions.list(t, s, &mlmd.ListOptions{MaxResultSize: 1, NextPageToken: tok})
	wantCode(t, err, mlmd.InvalidArgument, "artifact token on executions")
}
