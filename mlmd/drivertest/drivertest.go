// Package drivertest is the conformance suite that every gomlmd backend
// runs. A backend's whole test of MLMD behaviour is a Harness and one call:
//
//	func TestConformance(t *testing.T) {
//		drivertest.RunConformanceTests(t, drivertest.DSNHarness("sqlite", func(testing.TB) string {
//			return ":memory:"
//		}))
//	}
//
// The cases are MLMD's own store behaviour tests (metadata_store_test_suite.cc
// in google/ml-metadata), rewritten against the Go API; UPSTREAM.md lists
// which upstream case each test covers.
package drivertest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
)

// Harness tells the suite how to get stores of one backend.
type Harness struct {
	// Open returns a store with options opts (nil for the defaults) over
	// a new, empty database, opened as mlmd.Open does (which stores MLMD's
	// system base types). The harness closes it and removes the database
	// when the test ends (t.Cleanup). The suite passes options to give a
	// store a clock the test controls (Options.Now).
	Open func(t *testing.T, opts *mlmd.Options) *mlmd.Store
}

// DSNHarness is the Harness of a registered backend: each store is
// mlmd.Open(ctx, driverName, dsn(t), opts), closed when the test ends. dsn
// names a new, empty database and removes it when the test ends.
func DSNHarness(driverName string, dsn func(t testing.TB) string) Harness {
	return Harness{Open: func(t *testing.T, opts *mlmd.Options) *mlmd.Store {
		t.Helper()
		s, err := mlmd.Open(t.Context(), driverName, dsn(t), opts)
		if err != nil {
			t.Fatalf("open %s store: %v", driverName, err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("close %s store: %v", driverName, err)
			}
		})
		return s
	}}
}

// RunConformanceTests runs the whole suite (Cases) against h, each case
// as a subtest with a fresh store.
func RunConformanceTests(t *testing.T, h Harness) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.runWithClock != nil {
				clock := newClock()
				c.runWithClock(t, h.Open(t, &mlmd.Options{Now: clock.Now}), clock)
				return
			}
			c.run(t, h.Open(t, nil))
		})
	}
}

// Cases returns the names of the suite's cases, in the order they run.
func Cases() []string {
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.name
	}
	return names
}

// testCase is one conformance case: run, or runWithClock for the cases
// that control the store's clock.
type testCase struct {
	name         string
	run          func(t *testing.T, s *mlmd.Store)
	runWithClock func(t *testing.T, s *mlmd.Store, clock *Clock)
}

// cases is the suite: the cases of each area, from the file of that area.
var cases = slices.Concat(
	typesCases,
	nodesCases,
	edgesCases,
	txCases,
	listsCases,
	filterCases,
	filterErrorsCases,
	filterWorldCases,
	lineageCases,
	masksCases,
	deleteCases,
	errorsCases,
	readChecksCases,
)

// Clock is a store clock that stands still until the test moves it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
	// onRead, if set, is called once, by the next read of the clock.
	onRead func()
}

func newClock() *Clock {
	return &Clock{now: time.UnixMilli(1_700_000_000_000)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	now, f := c.now, c.onRead
	c.onRead = nil
	c.mu.Unlock()
	if f != nil {
		f()
	}
	return now
}

// whenRead has the next read of the clock call f first: a write reads the
// store's clock once it has begun its transaction.
func (c *Clock) whenRead(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onRead = f
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Millis returns the clock's time in milliseconds since the epoch.
func (c *Clock) Millis() int64 { return c.Now().UnixMilli() }
