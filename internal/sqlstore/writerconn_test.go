package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// tempStore reads PRAGMA temp_store in a transaction of c: 0 DEFAULT,
// 1 FILE, 2 MEMORY.
func tempStore(t *testing.T, c *sqlstore.Conn, readOnly bool) int64 {
	t.Helper()
	ctx := context.Background()
	var v int64
	err := c.InTx(ctx, driver.TxOptions{ReadOnly: readOnly}, func(tx driver.Tx) (err error) {
		v, err = sqlstore.QueryIntInTx(ctx, tx, "PRAGMA temp_store")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestGroupCommitWriterSettings checks the settings of the writer's
// connection: its statement journals stay in memory (temp_store=MEMORY)
// while the readers keep the default, and a DSN that sets temp_store
// wins.
func TestGroupCommitWriterSettings(t *testing.T) {
	for _, tc := range []struct {
		name           string
		params         string
		writer, reader int64
	}{
		{"default", "", 2, 0},
		{"dsn sets file", "?_pragma=temp_store(FILE)", 1, 1},
		{"dsn sets memory", "?_pragma=temp_store(MEMORY)", 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := openConn(t, sqlitestore.Driver{}, "file:"+t.TempDir()+"/w.db"+tc.params)
			if got := tempStore(t, c, false); got != tc.writer {
				t.Errorf("writer: temp_store = %d, want %d", got, tc.writer)
			}
			if got := tempStore(t, c, true); got != tc.reader {
				t.Errorf("reader: temp_store = %d, want %d", got, tc.reader)
			}
		})
	}
}

// TestGroupCommitKeepsItsConnection checks that the groups run on one
// connection, kept between them: a TEMP table, which only the connection
// that made it sees, is there for every later write, also while reads
// hold the pool's idle connections (a pool would hand them the one the
// writer had last).
func TestGroupCommitKeepsItsConnection(t *testing.T) {
	c := openGroup(t)
	ctx := context.Background()
	write := func(query string) error {
		return c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error { return sqlstore.ExecInTx(ctx, tx, query) })
	}
	if err := write("CREATE TEMP TABLE mine (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	// Readers that hold their connections until the writes are done.
	const readers = 3
	var started, wg sync.WaitGroup
	release := make(chan struct{})
	for i := range readers {
		started.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			once := false
			err := c.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
				_, err := sqlstore.QueryIntInTx(ctx, tx, "SELECT COUNT(*) FROM g")
				if !once {
					once = true
					started.Done()
				}
				<-release
				return err
			})
			if err != nil {
				t.Errorf("reader %d: %v", i, err)
			}
		}()
	}
	started.Wait()
	for i := range 5 {
		if err := write(fmt.Sprintf("INSERT INTO temp.mine (x) VALUES (%d)", i)); err != nil {
			t.Errorf("write %d on the writer's connection: %v", i, err)
			break
		}
	}
	close(release)
	wg.Wait()
}

// TestGroupCommitNewConnectionAfterFailedCommit checks that after a
// failed COMMIT the leader gives its connection back and takes one the
// pool has checked: the store goes on, with the writer's settings.
func TestGroupCommitNewConnectionAfterFailedCommit(t *testing.T) {
	c := openConn(t, sqlitestore.Driver{}, "file:"+t.TempDir()+"/g.db?_pragma=foreign_keys(1)")
	for _, q := range []string{
		"CREATE TABLE p (id INTEGER PRIMARY KEY)",
		"CREATE TABLE ch (pid INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)",
	} {
		if _, err := c.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		return sqlstore.ExecInTx(ctx, tx, "INSERT INTO ch (pid) VALUES (999)")
	})
	if err == nil {
		t.Fatal("COMMIT with a dangling deferred foreign key succeeded")
	}
	if got := tempStore(t, c, false); got != 2 {
		t.Errorf("writer after a failed COMMIT: temp_store = %d, want 2", got)
	}
}

// TestSQLitePoolKeepsConnections checks that concurrent reads reuse the
// pool's connections instead of opening and closing them (each new one
// opens the file and prepares its statements anew).
func TestSQLitePoolKeepsConnections(t *testing.T) {
	c := openGroup(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if err := c.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
					_, err := sqlstore.QueryIntInTx(ctx, tx, "SELECT COUNT(*) FROM g")
					return err
				}); err != nil {
					t.Errorf("reader %d: %v", i, err)
				}
			}
		}()
	}
	wg.Wait()
	st := c.DB().Stats()
	if st.MaxIdleClosed != 0 || st.MaxLifetimeClosed != 0 || st.MaxIdleTimeClosed != 0 {
		t.Errorf("the pool closed connections: %+v", st)
	}
	if st.MaxOpenConnections <= 1 || st.OpenConnections > st.MaxOpenConnections {
		t.Errorf("pool: %d open of at most %d", st.OpenConnections, st.MaxOpenConnections)
	}
}

func TestCacheable(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  bool
	}{
		{"SELECT 1", true},
		{"-- name: X :one\nSELECT 1", true},
		{"insert into t values (1)", true},
		{"SAVEPOINT call", true},
		{"RELEASE call", true},
		{"ROLLBACK TO call", true},
		{"ROLLBACK", false},
		{"SAVEPOINT gomlmd_version", false},
		{"RELEASE SAVEPOINT gomlmd_version", false},
		{"PRAGMA temp_store", false},
		{"EXPLAIN QUERY PLAN SELECT 1", false},
		{"CREATE TABLE t (x)", false},
	} {
		if got := sqlstore.Cacheable(tc.query); got != tc.want {
			t.Errorf("cacheable(%q) = %v, want %v", tc.query, got, tc.want)
		}
	}
}
