// Package drivertest is the conformance suite that every gomlmd backend
// runs. A backend's whole test of MLMD behaviour is a Harness and one call:
//
//	func TestConformance(t *testing.T) {
//		drivertest.RunConformanceTests(t, drivertest.Harness{
//			Name: "sqlite-memory",
//			Open: func(t *testing.T) *mlmd.Store { ... },
//		})
//	}
//
// The cases are MLMD's own store behaviour tests (metadata_store_test_suite.cc
// in google/ml-metadata), rewritten against the Go API; UPSTREAM.md lists
// which upstream case each test covers.
package drivertest

import (
	"sync"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
)

// Harness tells the suite how to get stores of one backend.
type Harness struct {
	// Name names the backend in test output.
	Name string
	// Open returns a store over a new, empty database, opened with
	// mlmd.Open or mlmd.OpenWith (which store MLMD's system base types).
	// The harness closes it (t.Cleanup) and removes the database when the
	// test ends.
	Open func(t *testing.T) *mlmd.Store
	// OpenWithOptions, if set, is Open with store options; the suite uses
	// it to give a store a clock the test controls (Options.Now). The
	// cases that need it are skipped when it is nil.
	OpenWithOptions func(t *testing.T, opts *mlmd.Options) *mlmd.Store
}

// RunConformanceTests runs the whole suite against h, each case as a
// subtest with a fresh store.
func RunConformanceTests(t *testing.T, h Harness) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.runWithClock != nil {
				if h.OpenWithOptions == nil {
					t.Skip("the harness has no OpenWithOptions, needed for a controlled clock")
				}
				clock := newClock()
				c.runWithClock(t, h.OpenWithOptions(t, &mlmd.Options{Now: clock.Now}), clock)
				return
			}
			c.run(t, h.Open(t))
		})
	}
}

// testCase is one conformance case: run, or runWithClock for the cases
// that control the store's clock.
type testCase struct {
	name         string
	run          func(t *testing.T, s *mlmd.Store)
	runWithClock func(t *testing.T, s *mlmd.Store, clock *Clock)
}

// cases is filled by the files of this package, one per area.
var cases []testCase

// register adds cases to the suite.
func register(cs ...testCase) { cases = append(cases, cs...) }

// Clock is a store clock that stands still until the test moves it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *Clock {
	return &Clock{now: time.UnixMilli(1_700_000_000_000)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Millis returns the clock's time in milliseconds since the epoch.
func (c *Clock) Millis() int64 { return c.Now().UnixMilli() }
