package sqlstore_test

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"fmt"
	"sync/atomic"
	"testing"

	"modernc.org/sqlite"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// preparesCounter counts the statements its connections prepare.
type preparesCounter struct {
	sqldriver.Connector
	n atomic.Int64
}

func (p *preparesCounter) Connect(ctx context.Context) (sqldriver.Conn, error) {
	c, err := p.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingPrepConn{c.(prepConn), &p.n}, nil
}

type prepConn interface {
	sqldriver.Conn
	sqldriver.ConnPrepareContext
	sqldriver.ConnBeginTx
}

type countingPrepConn struct {
	prepConn
	n *atomic.Int64
}

func (c *countingPrepConn) PrepareContext(ctx context.Context, q string) (sqldriver.Stmt, error) {
	c.n.Add(1)
	return c.prepConn.PrepareContext(ctx, q)
}

func openCaching(t *testing.T, max int) (*sql.DB, *preparesCounter) {
	t.Helper()
	pc := &preparesCounter{Connector: sqlstore.DSNConnector{DSN: "file:" + t.TempDir() + "/c.db", Drv: &sqlite.Driver{}}}
	db := sql.OpenDB(sqlstore.CachingConnector(pc, max))
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec("CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := db.Exec("INSERT INTO t (x) VALUES (?)", i); err != nil {
			t.Fatal(err)
		}
	}
	return db, pc
}

func sumX(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var s int64
	if err := db.QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCachingConnectorReusesStatements(t *testing.T) {
	db, pc := openCaching(t, 0)
	before := pc.n.Load()
	for i := range 100 {
		if got := sumX(t, db, "SELECT SUM(x) + ? FROM t", i); got != int64(3+i) {
			t.Fatalf("query %d: %d", i, got)
		}
		if _, err := db.Exec("UPDATE t SET x = x WHERE x = ?", i); err != nil {
			t.Fatal(err)
		}
	}
	if n := pc.n.Load() - before; n != 2 {
		t.Errorf("200 runs of 2 statements prepared %d statements, want 2", n)
	}
	// EXPLAIN is not kept: SQLite would not re-prepare it after a schema
	// change.
	before = pc.n.Load()
	for range 3 {
		if _, err := db.Exec("EXPLAIN SELECT x FROM t"); err != nil {
			t.Fatal(err)
		}
	}
	if n := pc.n.Load() - before; n != 3 {
		t.Errorf("3 EXPLAINs prepared %d statements, want 3", n)
	}
}

func TestCachingConnectorStatementInUse(t *testing.T) {
	db, _ := openCaching(t, 0)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = "SELECT x FROM t ORDER BY x"
	outer, err := tx.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for outer.Next() {
		var x int64
		if err := outer.Scan(&x); err != nil {
			t.Fatal(err)
		}
		// The same text while the outer rows are open: its own statement.
		var n int
		if err := tx.QueryRow("SELECT COUNT(*) FROM (" + q + ")").Scan(&n); err != nil || n != 3 {
			t.Fatalf("inner count %d, %v", n, err)
		}
		inner, err := tx.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		k := 0
		for inner.Next() {
			k++
		}
		inner.Close()
		if k != 3 {
			t.Fatalf("inner query read %d rows while the outer one was open, want 3", k)
		}
		got = append(got, x)
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if fmt.Sprint(got) != "[0 1 2]" {
		t.Errorf("outer rows %v", got)
	}
}

func TestCachingConnectorBound(t *testing.T) {
	db, pc := openCaching(t, 3) // the INSERT of openCaching takes one
	before := pc.n.Load()
	for i := range 10 {
		for j, q := range []string{"SELECT SUM(x) + ? FROM t", "SELECT SUM(x) + ? + 0 FROM t", "SELECT SUM(x) + ? + 0 + 0 FROM t"} {
			if got := sumX(t, db, q, i); got != int64(3+i) {
				t.Fatalf("statement %d, run %d: %d", j, i, got)
			}
		}
	}
	// The first two texts are kept, the third prepared each time.
	if n := pc.n.Load() - before; n != 2+10 {
		t.Errorf("prepared %d statements, want 12", n)
	}
}

// TestINListsAreBucketed checks that reads of 1 to 40 nodes send few
// distinct statement texts.
func TestINListsAreBucketed(t *testing.T) {
	c := explainEngines[0].open(t)
	ctx := context.Background()
	var ids []int64
	err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		typeID, err := tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "t"})
		if err != nil {
			return err
		}
		rows := make([]driver.NodeRow, 40)
		for i := range rows {
			rows[i].TypeID = typeID
		}
		ids, err = tx.InsertNodes(ctx, driver.KindArtifact, rows)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]bool{}
	traced := sqlstore.TraceQueries(c, func(q string, _ []any) { texts[q] = true })
	for n := 1; n <= len(ids); n++ {
		err := traced.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
			got, err := tx.GetNodes(ctx, driver.KindArtifact, ids[:n])
			if err == nil && len(got) != n {
				err = fmt.Errorf("GetNodes(%d ids) read %d nodes", n, len(got))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// BEGIN, COMMIT and the sizes 1, 2, 4, 8, 16, 32, 64.
	if len(texts) != 2+7 {
		t.Errorf("40 reads sent %d distinct texts, want 9", len(texts))
	}
}
