package postgresstore

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
)

// TestConnectionsReplaced ends every session of the store on the server
// (pg_terminate_backend: SQLSTATE 57P01 on the dead connections) between
// calls: the next calls run on new connections, reads and writes alike.
func TestConnectionsReplaced(t *testing.T) {
	dsn := testdb.PostgresStoreDatabase(t)
	s, err := mlmd.Open(ctx, "postgres", dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin := testdb.OpenPostgres(t, testdb.PostgresServer(t))
	defer admin.Close()
	terminate := func() int {
		t.Helper()
		var n int
		if err := admin.QueryRow("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1", cfg.Database).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	typeID, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "t"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		if n := terminate(); n == 0 && round == 0 {
			t.Fatal("the store holds no connection to end")
		}
		if _, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: typeID, URI: "/x"}}, nil); err != nil {
			t.Fatalf("round %d: write after the sessions ended: %v", round, err)
		}
		terminate()
		arts, _, err := s.GetArtifacts(ctx, nil)
		if err != nil || len(arts) != round+1 {
			t.Fatalf("round %d: read after the sessions ended: %d artifacts, %v", round, len(arts), err)
		}
	}
}
