package mysqlstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/drivertest/txtest"
)

// openConn opens a new database with the driver and closes it when the
// test ends (the database itself is dropped by NewMySQLDatabase).
func openConn(t *testing.T) driver.Conn {
	return testdb.OpenConn(t, Driver{}, testdb.MySQLStoreDatabase(t), &driver.OpenOptions{})
}

func TestTx(t *testing.T) {
	txtest.RunTxTests(t, openConn)
}

// TestTxIDStrategies runs the suite with each way of learning the ids of a
// multi-row insert, whatever the server would pick: RETURNING (MariaDB),
// consecutive ids checked per session (MySQL's way, here with the default
// step and with a session whose auto_increment_increment is 3), and one
// statement per row.
func TestTxIDStrategies(t *testing.T) {
	for _, s := range []struct {
		name   string
		ids    sqlstore.IDStrategy
		params string
	}{
		{"returning", sqlstore.IDsReturning, ""},
		{"consecutive", sqlstore.IDsConsecutive, ""},
		{"consecutive-step-3", sqlstore.IDsConsecutive, "auto_increment_increment=3"},
		{"one-by-one", sqlstore.IDsOneByOne, ""},
	} {
		t.Run(s.name, func(t *testing.T) {
			txtest.RunTxTests(t, func(t *testing.T) driver.Conn {
				dsn := testdb.MySQLStoreDatabase(t)
				if s.params != "" {
					dsn += "?" + s.params
				}
				c, err := Driver{}.Open(context.Background(), dsn, &driver.OpenOptions{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { c.Close() })
				return sqlstore.New(sqlstore.Config{DB: c.(*sqlstore.Conn).DB(), Dialect: &dialect{ids: s.ids, step: 1}})
			}, txtest.InsertCases...)
		})
	}
}

// TestDeadlockIsRetried has two transactions update two rows in opposite
// orders, so that InnoDB aborts one of them as deadlocked; InTx must run it
// again, telling OnRetry of a "deadlock", and both must succeed.
func TestDeadlockIsRetried(t *testing.T) {
	var log txtest.RetryLog
	c := testdb.OpenConn(t, Driver{}, testdb.MySQLStoreDatabase(t), &driver.OpenOptions{OnRetry: log.Record})
	txtest.DeadlockIsRetried(t, c)
	log.Check(t, "mysql", driver.RetryDeadlock)
}

// TestStatementCounts checks at the server that the Tx methods are
// set-based: the statements a call sends grow with the number of chunks
// its rows make (at most 500 rows an INSERT, 100 an UPDATE, 500 ids a
// query), not with the number of rows or properties.
func TestStatementCounts(t *testing.T) {
	ctx := context.Background()
	c := openConn(t).(*sqlstore.Conn)
	db := c.DB()
	db.SetMaxOpenConns(1) // one session, whose counters we read
	counters := func() map[string]int64 {
		rows, err := db.QueryContext(ctx, "SHOW SESSION STATUS WHERE Variable_name IN ('Com_insert', 'Com_update', 'Com_select', 'Com_delete')")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var name string
			var v int64
			if err := rows.Scan(&name, &v); err != nil {
				t.Fatal(err)
			}
			out[name] = v
		}
		return out
	}
	// count runs fn in a transaction and returns the statements it sent,
	// by kind (SHOW STATUS counts as none of them).
	count := func(fn func(tx driver.Tx) error) map[string]int64 {
		t.Helper()
		before := counters()
		if err := c.InTx(ctx, driver.TxOptions{}, fn); err != nil {
			t.Fatal(err)
		}
		after := counters()
		out := map[string]int64{}
		for k, v := range after {
			out[k] = v - before[k]
		}
		return out
	}
	var typeID int64
	count(func(tx driver.Tx) error {
		var err error
		typeID, err = tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "T"})
		return err
	})
	rows := make([]driver.NodeRow, 1000)
	for i := range rows {
		rows[i] = driver.NodeRow{TypeID: typeID, Name: fmt.Sprint("n", i), Properties: []driver.PropertyRow{
			{Name: "a", Column: driver.ColumnInt, Int: 1}, {Name: "b", Column: driver.ColumnString, String: "x"},
			{Name: "c", IsCustom: true, Column: driver.ColumnBool, Bool: true}}}
	}
	var ids []int64
	got := count(func(tx driver.Tx) error {
		var err error
		ids, err = tx.InsertNodes(ctx, driver.KindArtifact, rows)
		return err
	})
	// 1000 nodes: 2 INSERTs; 3000 properties: 6 INSERTs.
	if got["Com_insert"] != 8 || got["Com_select"] != 0 || got["Com_update"] != 0 {
		t.Errorf("InsertNodes of 1000 nodes with 3000 properties sent %v, want 8 inserts", got)
	}
	got = count(func(tx driver.Tx) error {
		_, err := tx.GetNodes(ctx, driver.KindArtifact, ids)
		return err
	})
	// 1000 ids: 2 queries, each of nodes and their properties.
	if got["Com_select"] != 2 {
		t.Errorf("GetNodes of 1000 nodes sent %v, want 2 selects", got)
	}
	for i := range rows {
		rows[i].ID = ids[i]
		rows[i].URI = "u"
	}
	got = count(func(tx driver.Tx) error { return tx.UpdateNodes(ctx, driver.KindArtifact, rows) })
	// 10 UPDATEs of 100 rows, whose found rows show that the ids exist.
	if got["Com_select"] != 0 || got["Com_update"] != 10 {
		t.Errorf("UpdateNodes of 1000 nodes sent %v, want 10 updates and no select", got)
	}
}
