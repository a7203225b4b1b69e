package drivertest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

var errorsCases = []testCase{{name: "Errors/Wording", run: testErrorWording}}

// testErrorWording checks the code and the words of errors that clients
// cause: MLMD's exact message where MLMD has fixed wording (the property
// checks), the node and type for a node that exists already (not the
// database's "Duplicate entry" or "UNIQUE constraint" text), and
// InvalidArgument, never Internal, for a request the database cannot run
// (a LIKE pattern beyond SQLite's limit, a numeric overflow on MySQL or
// PostgreSQL, a value PostgreSQL's schema cannot hold), with a message
// that says why in the backend's own words, not the database's.
func testErrorWording(t *testing.T, s *mlmd.Store) {
	ctx := context.Background()
	expType, err := s.PutContextType(ctx, mlmd.ContextType{Name: "Experiment"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dsType, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Dataset", Properties: map[string]mlmd.PropertyType{"rows": mlmd.PropertyInt}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctxIDs, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: expType, Name: "exp1"}, {TypeID: expType, Name: "exp2"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	artIDs, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: dsType, Name: "a1", ExternalID: "ext-1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	trainType, err := s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Trainer"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	exeIDs, err := s.PutExecutions(ctx, []mlmd.Execution{{TypeID: trainType}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	event := mlmd.Event{ArtifactID: artIDs[0], ExecutionID: exeIDs[0], Type: mlmd.EventOutput}
	if err := s.PutEvents(ctx, []mlmd.Event{event}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutParentContexts(ctx, []mlmd.ParentContext{{ChildID: ctxIDs[1], ParentID: ctxIDs[0]}}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("ab", 30000) // 60,000 characters, beyond SQLite's 50,000
	tests := []struct {
		name string
		call func() error
		code mlmd.Code // mlmd.OK: the call may succeed, but must not fail otherwise
		want string    // in the message
	}{
		{"context name taken", func() error {
			_, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: expType, Name: "exp1"}}, nil)
			return err
		}, mlmd.AlreadyExists, `Given node already exists: context "exp1" of type "Experiment" (id `},
		{"context name given twice", func() error {
			_, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: expType, Name: "new"}, {TypeID: expType, Name: "new"}}, nil)
			return err
		}, mlmd.AlreadyExists, `Given node already exists: context "new" of type "Experiment" is given twice`},
		{"context renamed onto another", func() error {
			_, err := s.PutContexts(ctx, []mlmd.Context{{ID: ctxIDs[1], TypeID: expType, Name: "exp1"}}, nil)
			return err
		}, mlmd.AlreadyExists, `Given node already exists: context "exp1" of type "Experiment" (id `},
		{"artifact external id taken", func() error {
			_, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: dsType, ExternalID: "ext-1"}}, nil)
			return err
		}, mlmd.AlreadyExists, `Given node already exists: artifact with external_id "ext-1" (id `},
		{"event stored", func() error {
			return s.PutEvents(ctx, []mlmd.Event{event})
		}, mlmd.AlreadyExists, fmt.Sprintf("Given event already exists: the OUTPUT event of artifact %d and execution %d is stored", artIDs[0], exeIDs[0])},
		{"event given twice", func() error {
			e := mlmd.Event{ArtifactID: artIDs[0], ExecutionID: exeIDs[0], Type: mlmd.EventInput}
			return s.PutEvents(ctx, []mlmd.Event{e, e})
		}, mlmd.AlreadyExists, fmt.Sprintf("Given event already exists: the INPUT event of artifact %d and execution %d is given twice", artIDs[0], exeIDs[0])},
		{"parent context stored", func() error {
			return s.PutParentContexts(ctx, []mlmd.ParentContext{{ChildID: ctxIDs[1], ParentID: ctxIDs[0]}})
		}, mlmd.AlreadyExists, fmt.Sprintf("Given parent_context already exists: context %d is a child of context %d already", ctxIDs[1], ctxIDs[0])},
		{"unknown property", func() error {
			_, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: dsType, Properties: mlmd.Properties{"colour": mlmd.StringValue("red")}}}, nil)
			return err
		}, mlmd.InvalidArgument, `artifact 0 (type "Dataset"): Found unknown property: colour`},
		{"unmatched property type", func() error {
			_, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: dsType, Properties: mlmd.Properties{"rows": mlmd.StringValue("many")}}}, nil)
			return err
		}, mlmd.InvalidArgument, `artifact 0 (type "Dataset"): Found unmatched property type: rows`},
		{"type property changed", func() error {
			_, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Dataset", Properties: map[string]mlmd.PropertyType{"rows": mlmd.PropertyString}}, nil)
			return err
		}, mlmd.AlreadyExists, "Conflicting property value type found in stored and given types"},
		{"very long LIKE pattern", func() error {
			_, _, err := s.GetArtifacts(ctx, &mlmd.ListOptions{FilterQuery: "name LIKE '" + long + "'"})
			return err
		}, mlmd.OK, "LIKE or GLOB pattern too complex"},
		{"numeric overflow", func() error {
			_, _, err := s.GetArtifacts(ctx, &mlmd.ListOptions{FilterQuery: "create_time_since_epoch * 1e308 * 1e308 < 0 OR id * 1e308 * 1e308 > 1"})
			return err
		}, mlmd.OK, "a numeric value is out of range"},
		{"integer overflow in a filter", func() error {
			_, _, err := s.GetArtifacts(ctx, &mlmd.ListOptions{FilterQuery: "id * 2147483647 * 2147483647 * 2147483647 > 1"})
			return err
		}, mlmd.OK, "a numeric value is out of range"},
		{"int property beyond 32 bits", func() error {
			_, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: dsType, Properties: mlmd.Properties{"rows": mlmd.IntValue(1 << 40)}}}, nil)
			return err
		}, mlmd.OK, "out of range for its column"},
		{"NUL character in a string", func() error {
			_, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: dsType, CustomProperties: mlmd.Properties{"note": mlmd.StringValue("a\x00b")}}}, nil)
			return err
		}, mlmd.OK, "a text value holds a character PostgreSQL cannot store (a NUL character or invalid UTF-8)"},
		{"string property too large to index", func() error {
			_, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: dsType, CustomProperties: mlmd.Properties{"note": mlmd.StringValue(noise(200_000))}}}, nil)
			return err
		}, mlmd.OK, "a value is too large for PostgreSQL to index"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if tc.code == mlmd.OK {
				// The backend may run it; if it cannot, that is the
				// caller's request, not the server's failure.
				if err != nil && mlmd.CodeOf(err) != mlmd.InvalidArgument {
					t.Fatalf("error %v (code %v), want success or InvalidArgument", err, mlmd.CodeOf(err))
				}
				// A backend that refuses says why, in the words of
				// tc.want, not in the database's.
				if err != nil && !strings.Contains(publicMessage(err), tc.want) {
					t.Errorf("message %q (without causes) does not say %q", publicMessage(err), tc.want)
				}
				if err != nil {
					t.Logf("refused: %s", publicMessage(err))
				}
				return
			}
			if mlmd.CodeOf(err) != tc.code {
				t.Fatalf("error %v (code %v), want %v", err, mlmd.CodeOf(err), tc.code)
			}
			// The words are in the message itself, not only in the
			// database's error it wraps (which a server keeps for its
			// log), and the message carries none of the database's text.
			public := publicMessage(err)
			if !strings.Contains(public, tc.want) {
				t.Errorf("message %q (without causes) does not say %q", public, tc.want)
			}
			for _, raw := range []string{"Duplicate entry", "UNIQUE constraint", "Error 1062", "SELECT", "INSERT"} {
				if strings.Contains(public, raw) {
					t.Errorf("message %q (without causes) carries the database's text %q", public, raw)
				}
			}
		})
	}
}

// publicMessage is what a client is shown of err (errcode.Message):
// without the database's own error, which a server logs but does not send.
func publicMessage(err error) string { return errcode.Message(err) }

// noise returns n characters of hex text that does not compress (a
// compressed value may fit where its length alone would not), the same
// for every run.
func noise(n int) string {
	var b strings.Builder
	x := uint64(0x9e3779b97f4a7c15)
	for b.Len() < n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b.WriteString(strconv.FormatUint(x, 16))
	}
	return b.String()[:n]
}
