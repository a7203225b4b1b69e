package mysqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
)

// TestPreparedStatementReuse checks, on one pooled connection, that the
// store prepares each statement text once and then only executes it, that
// it prepares no more texts than prepared_statements_per_conn (the others
// run unprepared, with the same answers), and that 0 prepares nothing.
func TestPreparedStatementReuse(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		perConn int
		// maxPrepares bounds the prepares of the whole workload.
		maxPrepares int
	}{
		{"default", -1, 128},
		{"bounded", 3, 3},
		{"off", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dsn := testdb.MySQLStoreDatabase(t)
			if tc.perConn >= 0 {
				dsn += fmt.Sprintf("?prepared_statements_per_conn=%d", tc.perConn)
			}
			s, err := mlmd.Open(ctx, "mysql", dsn, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			var db *sql.DB
			if !s.As(&db) {
				t.Fatal("the store has no *sql.DB")
			}
			// One connection from here on (Open itself needs two), so
			// that the session counters are the store's.
			db.SetMaxIdleConns(1)
			db.SetMaxOpenConns(1)
			// status reads a counter of the pool's one session.
			status := func(name string) int64 {
				var n string
				var v int64
				if err := db.QueryRowContext(ctx, "SHOW SESSION STATUS LIKE '"+name+"'").Scan(&n, &v); err != nil {
					t.Fatal(err)
				}
				return v
			}
			typeID, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "t", Properties: map[string]mlmd.PropertyType{"p": mlmd.PropertyInt}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: typeID, URI: "a", Properties: mlmd.Properties{"p": mlmd.IntValue(1)}}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			// calls reads the artifact and puts a new one: the first time
			// prepares their statements, the next ones find them.
			const reads = 20
			var prepares, executes int64
			for i := range reads + 1 {
				if i == 1 {
					prepares, executes = status("Com_stmt_prepare"), status("Com_stmt_execute")
				}
				got, err := s.GetArtifactsByID(ctx, ids)
				if err != nil || len(got) != 1 || got[0].URI != "a" || got[0].Properties["p"] != mlmd.IntValue(1) {
					t.Fatalf("read %d: %v, %v", i, got, err)
				}
				if _, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: typeID, URI: fmt.Sprint("n", i)}}, nil); err != nil {
					t.Fatal(err)
				}
			}
			newPrepares, newExecutes := status("Com_stmt_prepare")-prepares, status("Com_stmt_execute")-executes
			total := status("Com_stmt_prepare")
			switch {
			case total > int64(tc.maxPrepares):
				t.Errorf("%d statements prepared on the connection, at most %d allowed", total, tc.maxPrepares)
			case tc.perConn < 0 && newPrepares != 0:
				t.Errorf("repeated calls prepared %d statements, want none (each text is kept)", newPrepares)
			case tc.perConn < 0 && newExecutes < reads:
				t.Errorf("%d prepared statements executed for %d reads, want at least as many", newExecutes, reads)
			case tc.perConn == 0 && newExecutes != 0:
				t.Errorf("%d prepared statements executed with the reuse off", newExecutes)
			}
		})
	}
}
