// Package txtest is the driver contract suite, the lower of the two levels
// of conformance tests (mlmd/drivertest is the store level): it exercises
// every driver.Tx method, and the error codes of the driver contract,
// directly against a real database, through driver.Conn only, so a backend
// outside this module can run it too. Each backend runs it from its tests:
//
//	func TestTx(t *testing.T) {
//		txtest.RunTxTests(t, func(t *testing.T) driver.Conn { ... })
//	}
//
// The store-level behaviour of MLMD is covered by mlmd/drivertest.
package txtest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Opener returns a connection to a new database with an empty schema at
// version 10. It arranges the closing and removal of the database itself
// (t.Cleanup).
type Opener func(t *testing.T) driver.Conn

// RunTxTests runs the suite, each case as a subtest on a new database.
// With names, it runs only the cases of those names.
func RunTxTests(t *testing.T, open Opener, names ...string) {
	t.Helper()
	for _, c := range cases {
		if len(names) > 0 && !slices.Contains(names, c.name) {
			continue
		}
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

// CaseNames returns the names of the suite's cases, in order, for running
// all but some with RunTxTests.
func CaseNames() []string {
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.name
	}
	return names
}

// InsertCases are the cases that insert rows with ids (nodes and events),
// for running the suite against each way a backend learns those ids.
var InsertCases = []string{"InsertAndGetNodes", "InsertNodesConflicts", "InsertNodesBatch", "Events", "ManyIDs", "ListNodes"}

type testCase struct {
	name string
	run  func(t *testing.T, c driver.Conn)
}

// cases is the suite: the cases of each area, from the file of that area.
var cases = slices.Concat(typesCases, nodesCases, linksCases, listCases)

// inTx runs fn in a write transaction and fails the test if it fails.
func inTx(t *testing.T, c driver.Conn, fn func(tx driver.Tx) error) {
	t.Helper()
	if err := c.InTx(context.Background(), driver.TxOptions{}, fn); err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

// txErr runs fn in a write transaction and returns its error.
func txErr(c driver.Conn, fn func(tx driver.Tx) error) error {
	return c.InTx(context.Background(), driver.TxOptions{}, fn)
}

// wantCode fails the test unless err has code want.
func wantCode(t *testing.T, err error, want errcode.Code) {
	t.Helper()
	if got := errcode.Of(err); got != want {
		t.Fatalf("error code = %v (error %v), want %v", got, err, want)
	}
}

// equal fails the test unless got and want are deeply equal.
func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %s\nwant %s", what, show(got), show(want))
	}
}

func show(v any) string { return fmt.Sprintf("%+v", v) }

var ctx = context.Background()

// mustInsertType inserts a type and returns its id.
func mustInsertType(t *testing.T, c driver.Conn, tr driver.TypeRow) int64 {
	t.Helper()
	var id int64
	inTx(t, c, func(tx driver.Tx) error {
		var err error
		id, err = tx.InsertType(ctx, tr)
		return err
	})
	return id
}

// mustInsertNodes inserts nodes and returns their ids.
func mustInsertNodes(t *testing.T, c driver.Conn, kind driver.Kind, rows []driver.NodeRow) []int64 {
	t.Helper()
	var ids []int64
	inTx(t, c, func(tx driver.Tx) error {
		var err error
		ids, err = tx.InsertNodes(ctx, kind, rows)
		return err
	})
	return ids
}

// getNodes reads nodes in a read-only transaction.
func getNodes(t *testing.T, c driver.Conn, kind driver.Kind, ids []int64) []driver.NodeRow {
	t.Helper()
	var rows []driver.NodeRow
	err := c.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
		var err error
		rows, err = tx.GetNodes(ctx, kind, ids)
		return err
	})
	if err != nil {
		t.Fatalf("GetNodes: %v", err)
	}
	return rows
}

// errSentinel is an error of the test's own, to check that InTx returns
// fn's error unchanged.
var errSentinel = errors.New("txtest: fn failed")

var allKinds = []driver.Kind{driver.KindArtifact, driver.KindExecution, driver.KindContext}

func kindName(k driver.Kind) string {
	switch k {
	case driver.KindArtifact:
		return "artifact"
	case driver.KindExecution:
		return "execution"
	}
	return "context"
}
