package filterlang_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" // registers the "sqlite" backend
)

// These tests run filter queries through mlmd.Store, on SQLite and on
// MariaDB: the listings that take ListOptions, with paging and ordering.

func openStores(t *testing.T, fn func(t *testing.T, s *mlmd.Store)) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		s, err := mlmd.Open(ctx, "sqlite", ":memory:", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
	t.Run("mysql", func(t *testing.T) {
		dsn := testdb.MySQLStoreDatabase(t)
		s, err := mlmd.Open(ctx, "mysql", dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func executionNames(es []mlmd.Execution) string {
	var names []string
	for _, e := range es {
		names = append(names, e.Name)
	}
	return strings.Join(names, ",")
}

func artifactNames(as []mlmd.Artifact) string {
	var names []string
	for _, a := range as {
		names = append(names, a.Name)
	}
	return strings.Join(names, ",")
}

func contextNames(cs []mlmd.Context) string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return strings.Join(names, ",")
}

// TestStoreMLMDSuiteCases follows the filter cases of MLMD's metadata store
// test suite.
func TestStoreMLMDSuiteCases(t *testing.T) {
	ctx := context.Background()
	openStores(t, func(t *testing.T, s *mlmd.Store) {
		ct := must[int64](t)(s.PutContextType(ctx, mlmd.ContextType{Name: "context_type"}, nil))
		et := must[int64](t)(s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "execution_type"}, nil))

		// GetExecutionsByContextWithFilterStateQuery
		put := func(name string, state mlmd.ExecutionState, ctxName string) mlmd.PutExecutionResult {
			t.Helper()
			return must[mlmd.PutExecutionResult](t)(s.PutExecution(ctx,
				mlmd.Execution{TypeID: et, Name: name, LastKnownState: state}, nil,
				[]mlmd.Context{{TypeID: ct, Name: ctxName}}, nil))
		}
		r1 := put("execution1", mlmd.ExecutionStateNew, "context1")
		r2 := put("execution2", mlmd.ExecutionStateRunning, "context2")
		opts := &mlmd.ListOptions{FilterQuery: " last_known_state = NEW OR last_known_state = RUNNING "}
		for _, c := range []struct {
			ctxID int64
			want  string
		}{{r1.ContextIDs[0], "execution1"}, {r2.ContextIDs[0], "execution2"}} {
			got, _, err := s.GetExecutionsByContext(ctx, c.ctxID, opts)
			if err != nil {
				t.Fatal(err)
			}
			if executionNames(got) != c.want {
				t.Errorf("GetExecutionsByContext(%d): got %s, want %s", c.ctxID, executionNames(got), c.want)
			}
		}

		// GetExecutionFilterWithSpecialChars
		put("exe_name_with_'", mlmd.ExecutionStateUnknown, "context_name_with_'")
		for _, q := range []string{
			` name = "exe_name_with_'" `,
			` contexts_1.name = "context_name_with_'" `,
			"\n      contexts_1.name = \"context_name_with_'\" AND name = \"exe_name_with_'\"",
		} {
			got, _, err := s.GetExecutions(ctx, &mlmd.ListOptions{FilterQuery: q})
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			if executionNames(got) != "exe_name_with_'" {
				t.Errorf("%q: got %s", q, executionNames(got))
			}
		}
		_, _, err := s.GetExecutions(ctx, &mlmd.ListOptions{FilterQuery: "\n      name = 'exe_name_with_''"})
		if errcode.Of(err) != errcode.InvalidArgument {
			t.Errorf("unterminated string: got %v, want InvalidArgument", err)
		} else if !strings.HasSuffix(err.Error(), "2:30: unterminated string literal (missing closing ')") {
			t.Errorf("unterminated string: message %q does not end with the position and cause", err)
		}

		// GetExecutionWithFilterContextQuery
		put("execution_name'", mlmd.ExecutionStateUnknown, "properties.component.component")
		got, _, err := s.GetExecutions(ctx, &mlmd.ListOptions{
			FilterQuery: "(contexts_0.type = 'context_type') AND (contexts_0.name = 'properties.component.component')"})
		if err != nil {
			t.Fatal(err)
		}
		if executionNames(got) != "execution_name'" {
			t.Errorf("context query: got %s", executionNames(got))
		}
	})
}

// TestStorePaging lists, page by page, nodes that a filter reaches through
// several neighbours each, in every order.
func TestStorePaging(t *testing.T) {
	ctx := context.Background()
	openStores(t, func(t *testing.T, s *mlmd.Store) {
		at := must[int64](t)(s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "dataset",
			Properties: map[string]mlmd.PropertyType{"span": mlmd.PropertyInt}}, nil))
		other := must[int64](t)(s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "model"}, nil))
		ct := must[int64](t)(s.PutContextType(ctx, mlmd.ContextType{Name: "run"}, nil))
		cids := must[[]int64](t)(s.PutContexts(ctx, []mlmd.Context{{TypeID: ct, Name: "run_a"}, {TypeID: ct, Name: "run_b"}}, nil))
		var arts []mlmd.Artifact
		for i := 0; i < 30; i++ {
			a := mlmd.Artifact{TypeID: at, Name: fmt.Sprintf("a%02d", i), Properties: mlmd.Properties{"span": mlmd.IntValue(int64(i))}}
			if i%10 == 9 {
				a = mlmd.Artifact{TypeID: other, Name: fmt.Sprintf("a%02d", i)}
			}
			arts = append(arts, a)
		}
		ids := must[[]int64](t)(s.PutArtifacts(ctx, arts, nil))
		var links []mlmd.Attribution
		for i, id := range ids {
			if i%3 != 0 { // every third artifact has no context
				links = append(links, mlmd.Attribution{ArtifactID: id, ContextID: cids[0]}, mlmd.Attribution{ArtifactID: id, ContextID: cids[1]})
			}
		}
		if err := s.PutAttributionsAndAssociations(ctx, links, nil); err != nil {
			t.Fatal(err)
		}

		var wantAll []string
		for i := 0; i < 30; i++ {
			if i%3 != 0 && i%10 != 9 {
				wantAll = append(wantAll, fmt.Sprintf("a%02d", i))
			}
		}
		reverse := func(s []string) []string {
			out := make([]string, len(s))
			for i, v := range s {
				out[len(s)-1-i] = v
			}
			return out
		}
		query := "contexts_c.type = 'run' AND properties.span.int_value >= 0"
		for _, order := range []struct {
			by   mlmd.OrderField
			desc bool
			want []string
		}{
			{mlmd.OrderByID, false, wantAll},
			{mlmd.OrderByID, true, reverse(wantAll)},
			{mlmd.OrderByCreateTime, false, wantAll},
			{mlmd.OrderByCreateTime, true, reverse(wantAll)},
			{mlmd.OrderByUpdateTime, true, reverse(wantAll)},
		} {
			opts := &mlmd.ListOptions{MaxResultSize: 4, OrderBy: order.by, Desc: order.desc, FilterQuery: query}
			var got []string
			for page := 0; ; page++ {
				if page > 10 {
					t.Fatal("too many pages")
				}
				as, next, err := s.GetArtifacts(ctx, opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(as) > 4 {
					t.Errorf("page of %d", len(as))
				}
				got = append(got, strings.Split(artifactNames(as), ",")...)
				if next == "" {
					break
				}
				opts.NextPageToken = next
			}
			if strings.Join(got, ",") != strings.Join(order.want, ",") {
				t.Errorf("order %v desc %v:\n got %v\nwant %v", order.by, order.desc, got, order.want)
			}
		}

		// The by-type and by-context listings take filters too.
		byType, _, err := s.GetArtifactsByType(ctx, "dataset", "", &mlmd.ListOptions{FilterQuery: "properties.span.int_value < 5"})
		if err != nil {
			t.Fatal(err)
		}
		if got := artifactNames(byType); got != "a00,a01,a02,a03,a04" {
			t.Errorf("GetArtifactsByType: got %s", got)
		}
		byCtx, _, err := s.GetArtifactsByContext(ctx, cids[1], &mlmd.ListOptions{FilterQuery: "contexts_x.name = 'run_a' AND name LIKE 'a1%'"})
		if err != nil {
			t.Fatal(err)
		}
		if got := artifactNames(byCtx); got != "a10,a11,a13,a14,a16,a17,a19" {
			t.Errorf("GetArtifactsByContext: got %s", got)
		}
		cs, _, err := s.GetContexts(ctx, &mlmd.ListOptions{FilterQuery: "artifacts_a.name = 'a01' AND artifacts_b.type = 'model'"})
		if err != nil {
			t.Fatal(err)
		}
		if got := contextNames(cs); got != "run_a,run_b" {
			t.Errorf("GetContexts: got %s", got)
		}
		// A token is bound to its filter.
		_, next, err := s.GetArtifacts(ctx, &mlmd.ListOptions{MaxResultSize: 2, FilterQuery: query})
		if err != nil || next == "" {
			t.Fatalf("first page: %v %q", err, next)
		}
		_, _, err = s.GetArtifacts(ctx, &mlmd.ListOptions{MaxResultSize: 2, FilterQuery: "id > 0", NextPageToken: next})
		if errcode.Of(err) != errcode.InvalidArgument {
			t.Errorf("token of another filter: got %v", err)
		}
	})
}

// TestStorePythonCase follows the filter test of MLMD's Python client, for
// the three kinds of node.
func TestStorePythonCase(t *testing.T) {
	ctx := context.Background()
	openStores(t, func(t *testing.T, s *mlmd.Store) {
		at := must[int64](t)(s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "t"}, nil))
		et := must[int64](t)(s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "t"}, nil))
		ct := must[int64](t)(s.PutContextType(ctx, mlmd.ContextType{Name: "t"}, nil))
		var as []mlmd.Artifact
		var es []mlmd.Execution
		var cs []mlmd.Context
		for i := 0; i < 200; i++ {
			p := mlmd.Properties{"p": mlmd.IntValue(int64(i))}
			name := fmt.Sprintf("node_%d", i)
			as = append(as, mlmd.Artifact{TypeID: at, Name: name, CustomProperties: p})
			es = append(es, mlmd.Execution{TypeID: et, Name: name, CustomProperties: p})
			cs = append(cs, mlmd.Context{TypeID: ct, Name: name, CustomProperties: p})
		}
		must[[]int64](t)(s.PutArtifacts(ctx, as, nil))
		must[[]int64](t)(s.PutExecutions(ctx, es, nil))
		must[[]int64](t)(s.PutContexts(ctx, cs, nil))
		opts := &mlmd.ListOptions{OrderBy: mlmd.OrderByID, FilterQuery: "custom_properties.p.int_value < 21 AND name LIKE 'node_2%'"}
		gotA, _, errA := s.GetArtifacts(ctx, opts)
		gotE, _, errE := s.GetExecutions(ctx, opts)
		gotC, _, errC := s.GetContexts(ctx, opts)
		for _, r := range []struct {
			kind, got string
			err       error
		}{{"artifacts", artifactNames(gotA), errA}, {"executions", executionNames(gotE), errE}, {"contexts", contextNames(gotC), errC}} {
			if r.err != nil || r.got != "node_2,node_20" {
				t.Errorf("%s: got %q, %v", r.kind, r.got, r.err)
			}
		}
		for _, q := range []string{"invalid syntax", "unknown_field = 'uri_3' and type_id = 1"} {
			_, _, errA := s.GetArtifacts(ctx, &mlmd.ListOptions{FilterQuery: q})
			_, _, errE := s.GetExecutions(ctx, &mlmd.ListOptions{FilterQuery: q})
			_, _, errC := s.GetContexts(ctx, &mlmd.ListOptions{FilterQuery: q})
			for _, err := range []error{errA, errE, errC} {
				if errcode.Of(err) != errcode.InvalidArgument {
					t.Errorf("%q: got %v, want InvalidArgument", q, err)
				}
			}
		}
	})
}
