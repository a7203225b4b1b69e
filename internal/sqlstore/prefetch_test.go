package sqlstore_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// TestPrefetchMatchesTheMethods checks on every backend that Prefetch
// answers in one statement what FindTypes, GetNodes, FindNodeIDs and
// GetLinks answer one by one, ids that name nothing included.
func TestPrefetchMatchesTheMethods(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			c := e.open(t)
			var q driver.Prefetch
			var want driver.Prefetched
			err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
				base, err := tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "base"})
				if err != nil {
					return err
				}
				// Two parents and two properties: FindTypes on MariaDB joins
				// them to the type, four rows (MaterializedUnions).
				base2, err := tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "base2"})
				if err != nil {
					return err
				}
				at, err := tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "a", Version: "v1", Description: "d",
					ExternalID: "x", InputType: "i", OutputType: "o", Properties: map[string]int32{"p": 1, "q": 3}, ParentIDs: []int64{base, base2}})
				if err != nil {
					return err
				}
				ct, err := tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindContext, Name: "c"})
				if err != nil {
					return err
				}
				arts, err := tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{
					{TypeID: at, URI: "u", State: 2, Name: "n", ExternalID: "e", CreateTimeSinceEpoch: 5, LastUpdateTimeSinceEpoch: 6, Properties: []driver.PropertyRow{
						{Name: "p", Column: driver.ColumnInt, Int: 7},
						{Name: "q", Column: driver.ColumnString, String: "s"},
						{Name: "c", IsCustom: true, Column: driver.ColumnDouble, Double: 0.5},
						{Name: "b", IsCustom: true, Column: driver.ColumnBool, Bool: true},
					}},
					{TypeID: at},
				})
				if err != nil {
					return err
				}
				ctxs, err := tx.InsertNodes(ctx, driver.KindContext, []driver.NodeRow{{TypeID: ct, Name: "c1"}, {TypeID: ct, Name: "c2",
					Properties: []driver.PropertyRow{{Name: "k", IsCustom: true, Column: driver.ColumnString, String: "v"}}}})
				if err != nil {
					return err
				}
				if err := tx.InsertLinks(ctx, driver.KindArtifact, []driver.LinkRow{{ContextID: ctxs[0], NodeID: arts[0]}, {ContextID: ctxs[1], NodeID: arts[1]}}); err != nil {
					return err
				}
				q = driver.Prefetch{
					TypeIDs: []int64{at, ct, 999},
					Nodes:   map[driver.Kind][]int64{driver.KindArtifact: {arts[0], 999}, driver.KindContext: ctxs},
					NodeIDs: map[driver.Kind][]int64{driver.KindArtifact: {arts[1], arts[1], 998}, driver.KindExecution: {1}},
					Links:   map[driver.Kind]driver.LinkQuery{driver.KindArtifact: {ContextIDs: ctxs, NodeIDs: []int64{arts[0]}}},
				}
				want = driver.Prefetched{
					Nodes:   map[driver.Kind][]driver.NodeRow{},
					NodeIDs: map[driver.Kind][]int64{driver.KindArtifact: {arts[1]}},
					Links:   map[driver.Kind][]driver.LinkRow{driver.KindArtifact: {{ContextID: ctxs[0], NodeID: arts[0]}}},
				}
				if want.Types, err = tx.FindTypes(ctx, driver.TypeQuery{IDs: q.TypeIDs, AnyKind: true}); err != nil {
					return err
				}
				for k, ids := range q.Nodes {
					if want.Nodes[k], err = tx.GetNodes(ctx, k, ids); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var sent []string
			traced := sqlstore.TraceQueries(c, func(q string, _ []any) { sent = append(sent, firstWord(q)) })
			var got driver.Prefetched
			err = traced.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) (err error) {
				got, err = tx.(driver.PrefetchTx).Prefetch(ctx, q)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(sent) != 3 {
				t.Errorf("sent %v, want BEGIN, one SELECT, COMMIT", sent)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Prefetch:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}
