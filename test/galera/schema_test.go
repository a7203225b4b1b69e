package galera

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
)

// TestStartTogether opens six stores at once, two on each node, on a
// database that does not exist yet, several times: every Open succeeds
// and the cluster ends with one schema (one MLMDEnv row, each migration
// recorded once, MLMD's base types stored once), every table InnoDB with
// a primary key, and no schema lock left behind.
func TestStartTogether(t *testing.T) {
	c := theCluster(t)
	const rounds, perNode = 3, 2
	for round := range rounds {
		dbName := c.dbName(t)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		var wg sync.WaitGroup
		errs := make(chan error, perNode*len(c.addrs))
		start := make(chan struct{})
		for i := range c.addrs {
			for range perNode {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					s, err := mlmd.Open(ctx, "mysql", c.dsn(i, dbName), nil)
					if err != nil {
						errs <- fmt.Errorf("node %d: %w", i+1, err)
						return
					}
					s.Close()
				}()
			}
		}
		close(start)
		wg.Wait()
		cancel()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: Open: %v", round, err)
		}
		if t.Failed() {
			return
		}
		checkOneSchema(t, c, dbName)
	}
}

// checkOneSchema checks the schema of dbName on every node.
func checkOneSchema(t *testing.T, c *cluster, dbName string) {
	t.Helper()
	for i := range c.addrs {
		db := c.rootDB(t, i)
		if n := count(t, db, fmt.Sprintf("SELECT COUNT(*) FROM %s.MLMDEnv", dbName)); n != 1 {
			t.Errorf("node %d: MLMDEnv holds %d rows, want 1", i+1, n)
		}
		if n := count(t, db, fmt.Sprintf("SELECT COUNT(*) FROM (SELECT version_id FROM %s.gomlmd_goose_version GROUP BY version_id HAVING COUNT(*) > 1) d", dbName)); n != 0 {
			t.Errorf("node %d: %d migrations are recorded more than once", i+1, n)
		}
		if n := count(t, db, fmt.Sprintf("SELECT COUNT(*) FROM %s.gomlmd_goose_version WHERE version_id > 0", dbName)); n != 2 {
			t.Errorf("node %d: %d migrations recorded, want 2", i+1, n)
		}
		if n := count(t, db, fmt.Sprintf("SELECT COUNT(*) FROM %s.gomlmd_cluster_lock WHERE name = 'schema'", dbName)); n != 0 {
			t.Errorf("node %d: the schema lock is still held", i+1)
		}
		// The base types (mlmd.Dataset, ...) that every Open stores.
		if n := count(t, db, fmt.Sprintf("SELECT COUNT(*) FROM %s.Type", dbName)); n == 0 {
			t.Errorf("node %d: no types stored", i+1)
		}
		if n := count(t, db, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1 FROM %s.Type
			GROUP BY type_kind, name, COALESCE(version, '') HAVING COUNT(*) > 1) d`, dbName)); n != 0 {
			t.Errorf("node %d: %d types are stored more than once", i+1, n)
		}
		rows, err := db.Query(`SELECT t.table_name, t.engine, EXISTS (SELECT 1 FROM information_schema.table_constraints k
			WHERE k.table_schema = t.table_schema AND k.table_name = t.table_name AND k.constraint_type = 'PRIMARY KEY')
			FROM information_schema.tables t WHERE t.table_schema = ?`, dbName)
		if err != nil {
			t.Fatal(err)
		}
		tables := 0
		for rows.Next() {
			var name, engine string
			var hasPK bool
			if err := rows.Scan(&name, &engine, &hasPK); err != nil {
				t.Fatal(err)
			}
			tables++
			if engine != "InnoDB" || !hasPK {
				t.Errorf("node %d: table %s: engine %s, primary key %v; Galera replicates only InnoDB tables with a primary key", i+1, name, engine, hasPK)
			}
		}
		rows.Close()
		// MLMD's 15 tables, goose's and the lock table.
		if tables != 17 {
			t.Errorf("node %d: %d tables, want 17", i+1, tables)
		}
	}
}

// TestStaleSchemaLock leaves a schema lock behind as a process that died
// holding it would: Open takes it over once it has expired.
func TestStaleSchemaLock(t *testing.T) {
	c := theCluster(t)
	dbName := c.dbName(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := mlmd.Open(ctx, "mysql", c.dsn(0, dbName), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Written on the node the first Open used, which has applied its
	// release of the lock.
	db := c.rootDB(t, 0)
	if _, err := db.Exec(fmt.Sprintf("INSERT INTO %s.gomlmd_cluster_lock (name, holder, expires_at) VALUES ('schema', 'dead', UNIX_TIMESTAMP() + 2)", dbName)); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	s, err = mlmd.Open(ctx, "mysql", c.dsn(2, dbName), nil)
	if err != nil {
		t.Fatalf("Open with a stale lock: %v", err)
	}
	s.Close()
	if waited := time.Since(begin); waited < time.Second {
		t.Errorf("Open took %v: it did not wait for the lock of the other process", waited)
	}
	checkOneSchema(t, c, dbName)
}
