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
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

// Harness tells the suite how to get stores of one backend.
type Harness struct {
	// Name names the backend in test output.
	Name string
	// Open returns a store over a new, empty database. The harness closes
	// it (t.Cleanup) and removes the database when the test ends.
	Open func(t *testing.T) *mlmd.Store
}

// RunConformanceTests runs the whole suite against h, each case as a
// subtest with a fresh store.
func RunConformanceTests(t *testing.T, h Harness) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, h.Open(t))
		})
	}
}

// testCase is one conformance case.
type testCase struct {
	name string
	run  func(t *testing.T, s *mlmd.Store)
}

// cases is filled by the files of this package, one per area.
var cases []testCase
