package mysqlstore

import (
	"fmt"
	"sync"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// concurrently runs f(0..n-1) in n goroutines, started together, and
// returns their errors.
func concurrently(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// openStores opens n stores (n connection pools, as n processes would
// have) on one new database.
func openStores(t *testing.T, n int) []*mlmd.Store {
	t.Helper()
	dsn := testdb.MySQLStoreDatabase(t)
	stores := make([]*mlmd.Store, n)
	for i := range stores {
		s, err := mlmd.Open(ctx, "mysql", dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	return stores
}

const racers = 8

// TestConcurrentTypePuts puts the same type from several stores at once:
// identical definitions all succeed with one id; a definition that
// conflicts with the stored one fails with AlreadyExists.
func TestConcurrentTypePuts(t *testing.T) {
	stores := openStores(t, racers)
	props := map[string]mlmd.PropertyType{"a": mlmd.PropertyInt, "b": mlmd.PropertyString}
	puts := []struct {
		name string
		put  func(s *mlmd.Store, round int) (int64, error)
	}{
		{"artifact", func(s *mlmd.Store, r int) (int64, error) {
			return s.PutArtifactType(ctx, mlmd.ArtifactType{Name: fmt.Sprint("A", r), Properties: props, BaseType: mlmd.ArtifactBaseModel}, nil)
		}},
		{"execution", func(s *mlmd.Store, r int) (int64, error) {
			return s.PutExecutionType(ctx, mlmd.ExecutionType{Name: fmt.Sprint("E", r), Properties: props}, nil)
		}},
		{"context", func(s *mlmd.Store, r int) (int64, error) {
			return s.PutContextType(ctx, mlmd.ContextType{Name: fmt.Sprint("C", r), Version: "v1", Properties: props}, nil)
		}},
	}
	for _, p := range puts {
		t.Run(p.name, func(t *testing.T) {
			for round := range 5 {
				ids := make([]int64, racers)
				errs := concurrently(racers, func(i int) (err error) {
					ids[i], err = p.put(stores[i], round)
					return err
				})
				for i, err := range errs {
					if err != nil {
						t.Fatalf("round %d, store %d: %v", round, i, err)
					}
					if ids[i] != ids[0] {
						t.Fatalf("round %d: ids %v, want one type", round, ids)
					}
				}
			}
		})
	}
	t.Run("conflicting definitions", func(t *testing.T) {
		// Half the stores give the type property a as an int, half as a
		// string: whichever half comes first wins, the other fails.
		ids := make([]int64, racers)
		errs := concurrently(racers, func(i int) (err error) {
			pt := mlmd.PropertyInt
			if i%2 == 1 {
				pt = mlmd.PropertyString
			}
			ids[i], err = stores[i].PutArtifactType(ctx, mlmd.ArtifactType{Name: "X", Properties: map[string]mlmd.PropertyType{"a": pt}}, nil)
			return err
		})
		var winner int64
		ok := 0
		for i, err := range errs {
			switch errcode.Of(err) {
			case errcode.OK:
				ok++
				if winner != 0 && ids[i] != winner {
					t.Fatalf("two types: %v", ids)
				}
				winner = ids[i]
			case errcode.AlreadyExists:
			default:
				t.Fatalf("store %d: %v", i, err)
			}
		}
		if ok != racers/2 {
			t.Fatalf("%d puts succeeded, want the %d of one half: %v", ok, racers/2, errs)
		}
	})
}

// TestConcurrentContextCreation creates a context of the same name from
// several stores at once: exactly one succeeds, the others get
// AlreadyExists.
func TestConcurrentContextCreation(t *testing.T) {
	stores := openStores(t, racers)
	typeID, err := stores[0].PutContextType(ctx, mlmd.ContextType{Name: "Run"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 10 {
		name := fmt.Sprint("run-", round)
		ids := make([]int64, racers)
		errs := concurrently(racers, func(i int) error {
			got, err := stores[i].PutContexts(ctx, []mlmd.Context{{TypeID: typeID, Name: name}}, nil)
			if err == nil {
				ids[i] = got[0]
			}
			return err
		})
		var winners []int64
		for i, err := range errs {
			switch errcode.Of(err) {
			case errcode.OK:
				winners = append(winners, ids[i])
			case errcode.AlreadyExists:
			default:
				t.Fatalf("round %d, store %d: %v", round, i, err)
			}
		}
		if len(winners) != 1 {
			t.Fatalf("round %d: %d winners %v, want 1", round, len(winners), winners)
		}
		c, err := stores[0].GetContextByTypeAndName(ctx, "Run", "", name)
		if err != nil || c.ID != winners[0] {
			t.Fatalf("round %d: stored context %+v, %v; want the winner's %d", round, c, err, winners[0])
		}
	}
}

// TestConcurrentContextReuse runs PutExecution with a new context of the
// same name from several stores at once, with ReuseContextIfAlreadyExist:
// all succeed, without Aborted, and share one context.
func TestConcurrentContextReuse(t *testing.T) {
	stores := openStores(t, racers)
	ct, err := stores[0].PutContextType(ctx, mlmd.ContextType{Name: "Pipeline"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	et, err := stores[0].PutExecutionType(ctx, mlmd.ExecutionType{Name: "Step"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 10 {
		name := fmt.Sprint("pipeline-", round)
		res := make([]mlmd.PutExecutionResult, racers)
		errs := concurrently(racers, func(i int) (err error) {
			res[i], err = stores[i].PutExecution(ctx, mlmd.Execution{TypeID: et}, nil,
				[]mlmd.Context{{TypeID: ct, Name: name}}, &mlmd.PutExecutionOptions{ReuseContextIfAlreadyExist: true})
			return err
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, store %d: %v", round, i, err)
			}
			if res[i].ContextIDs[0] != res[0].ContextIDs[0] {
				t.Fatalf("round %d: context ids differ: %+v", round, res)
			}
		}
		exes, _, err := stores[0].GetExecutionsByContext(ctx, res[0].ContextIDs[0], nil)
		if err != nil || len(exes) != racers {
			t.Fatalf("round %d: %d executions in the context (%v), want %d", round, len(exes), err, racers)
		}
	}
}
