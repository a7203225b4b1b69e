package mysqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// adminDB connects to the test server without a database: its sessions
// are never among those killConnections kills.
func adminDB(t *testing.T) *sql.DB {
	t.Helper()
	connector, err := mysql.NewConnector(testdb.MySQLServer(t))
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() { db.Close() })
	return db
}

// sessions returns the ids of the server's sessions on database name.
func sessions(t *testing.T, admin *sql.DB, name string) []string {
	t.Helper()
	return testdb.QueryStrings(t, admin,
		"SELECT CAST(ID AS CHAR) FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID() ORDER BY ID", name)
}

// killConnections kills, server-side, every session on database name, and
// waits until the server has ended them. It returns their ids.
func killConnections(t *testing.T, admin *sql.DB, name string) []string {
	t.Helper()
	ids := sessions(t, admin, name)
	for _, id := range ids {
		if _, err := admin.Exec("KILL CONNECTION " + id); err != nil {
			var me *mysql.MySQLError
			if !errors.As(err, &me) || me.Number != 1094 { // unknown thread: it ended already
				t.Fatalf("KILL CONNECTION %s: %v", id, err)
			}
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(sessions(t, admin, name)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("sessions %v still there after KILL", sessions(t, admin, name))
		}
		time.Sleep(10 * time.Millisecond)
	}
	return ids
}

func dbName(t *testing.T, dsn string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.DBName
}

// TestKilledPoolIsReplaced kills every pooled connection of a store at the
// server; the next call, read or write, must succeed on new connections.
// The pool holds more dead connections than database/sql tries before it
// dials a new one.
func TestKilledPoolIsReplaced(t *testing.T) {
	dsn := testdb.MySQLStoreDatabase(t)
	c := openDriverConn(t, dsn, &driver.OpenOptions{})
	s := mlmd.NewStore(c, nil)
	admin := adminDB(t)
	name := dbName(t, dsn)
	typeID, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "T", Properties: map[string]mlmd.PropertyType{"n": mlmd.PropertyInt}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const pooled = 5
	// fill leaves pooled idle connections in the pool.
	fill := func() {
		conns := make([]*sql.Conn, pooled)
		for i := range conns {
			conn, err := c.DB().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := conn.PingContext(ctx); err != nil {
				t.Fatal(err)
			}
			conns[i] = conn
		}
		for _, conn := range conns {
			conn.Close()
		}
	}
	calls := []struct {
		name string
		call func(i int) error
	}{
		{"write", func(i int) error {
			ids, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: typeID, Name: fmt.Sprint("a", i), Properties: mlmd.Properties{"n": mlmd.IntValue(int64(i))}}}, nil)
			if err == nil && len(ids) != 1 {
				err = fmt.Errorf("PutArtifacts returned %v", ids)
			}
			return err
		}},
		{"read", func(int) error {
			_, _, err := s.GetArtifactsByType(ctx, "T", "", nil)
			return err
		}},
	}
	for i := range 3 {
		for _, c := range calls {
			fill()
			killed := killConnections(t, admin, name)
			if len(killed) < pooled {
				t.Fatalf("round %d: only %d pooled connections to kill, want %d", i, len(killed), pooled)
			}
			if err := c.call(i); err != nil {
				t.Fatalf("round %d: %s after killing connections %v: %v", i, c.name, killed, err)
			}
			now := sessions(t, admin, name)
			for _, id := range now {
				for _, k := range killed {
					if id == k {
						t.Fatalf("killed session %s still in use", id)
					}
				}
			}
		}
	}
	arts, _, err := s.GetArtifactsByType(ctx, "T", "", nil)
	if err != nil || len(arts) != 3 {
		t.Fatalf("artifacts %v, %v; want the 3 written", arts, err)
	}
}

// openDriverConn opens the database of dsn with the driver directly, to
// count the attempts of InTx.
func openDriverConn(t *testing.T, dsn string, opts *driver.OpenOptions) *sqlstore.Conn {
	t.Helper()
	c, err := Driver{}.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*sqlstore.Conn)
}

func insertType(t *testing.T, c driver.Conn) int64 {
	t.Helper()
	var id int64
	err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) (err error) {
		id, err = tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "T"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func artifactNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return testdb.QueryStrings(t, db, "SELECT name FROM Artifact ORDER BY name")
}

// TestConnectionKilledInTransaction kills the connection of a write
// transaction between two of its statements: the server rolls the
// transaction back, and InTx runs it again on a new connection.
func TestConnectionKilledInTransaction(t *testing.T) {
	dsn := testdb.MySQLStoreDatabase(t)
	c := openDriverConn(t, dsn, &driver.OpenOptions{})
	admin := adminDB(t)
	typeID := insertType(t, c)
	var attempts atomic.Int32
	err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		n := attempts.Add(1)
		if _, err := tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: fmt.Sprint("first-", n)}}); err != nil {
			return err
		}
		if n == 1 {
			killConnections(t, admin, dbName(t, dsn))
		}
		_, err := tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: fmt.Sprint("second-", n)}})
		return err
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
	if n := attempts.Load(); n != 2 {
		t.Fatalf("%d attempts, want 2", n)
	}
	if got := artifactNames(t, c.DB()); fmt.Sprint(got) != "[first-2 second-2]" {
		t.Fatalf("artifacts %v, want those of the second attempt only", got)
	}
}

// TestConnectionKilledBeforeCommit kills the connection of a write
// transaction after its last statement, so that its COMMIT fails. Whether
// a broken COMMIT took effect cannot be known, so InTx must not run the
// transaction again: it returns Unavailable. The next call succeeds.
func TestConnectionKilledBeforeCommit(t *testing.T) {
	dsn := testdb.MySQLStoreDatabase(t)
	c := openDriverConn(t, dsn, &driver.OpenOptions{})
	admin := adminDB(t)
	typeID := insertType(t, c)
	var attempts atomic.Int32
	err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		attempts.Add(1)
		if _, err := tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: "lost"}}); err != nil {
			return err
		}
		killConnections(t, admin, dbName(t, dsn))
		return nil
	})
	if errcode.Of(err) != errcode.Unavailable {
		t.Fatalf("InTx: %v, want Unavailable", err)
	}
	if n := attempts.Load(); n != 1 {
		t.Fatalf("%d attempts, want 1: a failed COMMIT is not retried", n)
	}
	err = c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		_, err := tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: "next"}})
		return err
	})
	if err != nil {
		t.Fatalf("the call after the broken commit: %v", err)
	}
	// The server never committed the first transaction.
	if got := artifactNames(t, c.DB()); fmt.Sprint(got) != "[next]" {
		t.Fatalf("artifacts %v, want [next]", got)
	}
}

// TestServerRestart stops the server under an open store: calls fail with
// Unavailable while it is down, and succeed again once it is back, on new
// connections, without reopening the store.
func TestServerRestart(t *testing.T) {
	srv := startPrivateServer(t)
	cfg := &Config{Host: "127.0.0.1", Port: int64(srv.port), Database: "mlmd", User: "root",
		Params: map[string]string{"timeout": "2s"}}
	s, err := Open(ctx, *cfg, &mlmd.Options{MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	typeID, err := s.PutContextType(ctx, mlmd.ContextType{Name: "C"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.stop()
	if _, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: typeID, Name: "down"}}, nil); errcode.Of(err) != errcode.Unavailable {
		t.Fatalf("PutContexts while the server is down: %v, want Unavailable", err)
	}
	srv.start()
	ids, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: typeID, Name: "up"}}, nil)
	if err != nil {
		t.Fatalf("PutContexts after the restart: %v", err)
	}
	got, err := s.GetContextsByID(ctx, ids)
	if err != nil || len(got) != 1 || got[0].Name != "up" {
		t.Fatalf("GetContextsByID: %v, %v", got, err)
	}
	if _, err := s.GetContextByTypeAndName(ctx, "C", "", "down"); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("the context written while the server was down: %v, want NotFound", err)
	}
}

// TestLockWaitTimeout holds a row lock from another session while the
// store updates the row: the lock wait times out (1205) on every attempt,
// InTx runs the transaction MaxRetries more times and then returns
// Aborted; when the lock is released in time, a retry succeeds.
func TestLockWaitTimeout(t *testing.T) {
	dsn := testdb.MySQLStoreDatabase(t)
	c := openDriverConn(t, dsn+"?innodb_lock_wait_timeout=1", &driver.OpenOptions{MaxRetries: 2})
	typeID := insertType(t, c)
	var ids []int64
	err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) (err error) {
		ids, err = tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: "a"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	lock := func() *sql.Tx {
		t.Helper()
		tx, err := rawDB(t, dsn).BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("SELECT id FROM Artifact WHERE id = ? FOR UPDATE", ids[0]); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	update := func(attempts *int) error {
		return c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
			*attempts++
			return tx.UpdateNodes(ctx, driver.KindArtifact, []driver.NodeRow{{ID: ids[0], TypeID: typeID, Name: "a", URI: strconv.Itoa(*attempts)}})
		})
	}

	t.Run("persistent", func(t *testing.T) {
		held := lock()
		defer held.Rollback()
		attempts := 0
		err := update(&attempts)
		var me *mysql.MySQLError
		if errcode.Of(err) != errcode.Aborted || !errors.As(err, &me) || me.Number != erLockWaitTimeout {
			t.Fatalf("update of a locked row: %v, want Aborted after lock wait timeouts", err)
		}
		if attempts != 3 {
			t.Fatalf("%d attempts, want 1 + MaxRetries (2)", attempts)
		}
	})
	t.Run("released", func(t *testing.T) {
		held := lock()
		time.AfterFunc(1500*time.Millisecond, func() { held.Rollback() })
		attempts := 0
		if err := update(&attempts); err != nil {
			t.Fatalf("update after the lock is released: %v", err)
		}
		if attempts < 2 {
			t.Fatalf("%d attempts, want a retry after the first timed out", attempts)
		}
	})
}

// TestMaxRetriesFromOptions checks that mlmd.Options.MaxRetries reaches
// the backend: a call blocked by a lock held elsewhere is tried 1 +
// MaxRetries times, each attempt an UPDATE that waits for the lock until
// innodb_lock_wait_timeout (1s).
func TestMaxRetriesFromOptions(t *testing.T) {
	dsn := testdb.MySQLStoreDatabase(t)
	admin := adminDB(t)
	for _, tc := range []struct{ retries, attempts int }{{1, 2}, {3, 4}} {
		t.Run(fmt.Sprint("retries=", tc.retries), func(t *testing.T) {
			// Unprepared statements: the attempts' texts differ in
			// the processlist by the update time they set.
			s, err := mlmd.Open(ctx, "mysql", dsn+"?innodb_lock_wait_timeout=1&prepared_statements_per_conn=0", &mlmd.Options{MaxRetries: tc.retries})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ct, err := s.PutContextType(ctx, mlmd.ContextType{Name: fmt.Sprint("C", tc.retries)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids, err := s.PutContexts(ctx, []mlmd.Context{{TypeID: ct, Name: "c"}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			held, err := rawDB(t, dsn).BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer held.Rollback()
			if _, err := held.Exec("SELECT id FROM Context WHERE id = ? FOR UPDATE", ids[0]); err != nil {
				t.Fatal(err)
			}
			updates := watchLockWaits(t, admin, dbName(t, dsn))
			_, err = s.PutContexts(ctx, []mlmd.Context{{ID: ids[0], TypeID: ct, Name: "c", ExternalID: "x"}}, nil)
			if errcode.Of(err) != errcode.Aborted {
				t.Fatalf("PutContexts of a locked context: %v, want Aborted", err)
			}
			if got := updates(); got != tc.attempts {
				t.Fatalf("%d attempts waited for the lock, want %d (1 + MaxRetries)", got, tc.attempts)
			}
		})
	}
}

// watchLockWaits polls the server for the UPDATE statements of sessions
// on database name, until the returned function is called; that returns
// how many different ones it saw. Each attempt of the store's call is one
// such statement, different from the others by the update time it sets.
func watchLockWaits(t *testing.T, admin *sql.DB, name string) func() int {
	t.Helper()
	seen := map[string]bool{}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			rows, err := admin.Query("SELECT INFO FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'UPDATE %'", name)
			if err != nil {
				t.Error(err)
				return
			}
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					t.Error(err)
				}
				seen[k] = true
			}
			rows.Close()
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() int {
		close(done)
		<-stopped
		return len(seen)
	}
}

// TestSessionSettings opens a store with a DSN that asks for READ
// COMMITTED and a non-strict sql_mode: Open must give every connection
// REPEATABLE READ and a strict mode anyway, so that an out-of-range int
// property is refused rather than cut to 32 bits.
func TestSessionSettings(t *testing.T) {
	cfg, err := mysql.ParseDSN(testdb.MySQLStoreDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	// tx_isolation on MariaDB before 11.1, transaction_isolation elsewhere.
	isoVar := "transaction_isolation"
	var v string
	if err := adminDB(t).QueryRow("SELECT @@SESSION.transaction_isolation").Scan(&v); err != nil {
		isoVar = "tx_isolation"
	}
	cfg.Params = map[string]string{isoVar: "'READ-COMMITTED'", "sql_mode": "'NO_ENGINE_SUBSTITUTION'"}
	c := openDriverConn(t, cfg.FormatDSN(), &driver.OpenOptions{})
	db := c.DB()
	// Several connections, each must have the settings.
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conns[i] = conn
	}
	for i, conn := range conns {
		var iso, mode string
		if err := conn.QueryRowContext(ctx, "SELECT @@SESSION."+isoVar+", @@SESSION.sql_mode").Scan(&iso, &mode); err != nil {
			t.Fatal(err)
		}
		if iso != "REPEATABLE-READ" || !strings.Contains(mode, "STRICT_TRANS_TABLES") || !strings.Contains(mode, "NO_ENGINE_SUBSTITUTION") {
			t.Errorf("connection %d: isolation %q, sql_mode %q; want REPEATABLE-READ and the DSN's mode made strict", i, iso, mode)
		}
	}
	for _, conn := range conns {
		conn.Close()
	}
	s := mlmd.NewStore(c, nil)
	typeID, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "T", Properties: map[string]mlmd.PropertyType{"n": mlmd.PropertyInt}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: typeID, Properties: mlmd.Properties{"n": mlmd.IntValue(1 << 40)}}}, nil)
	if errcode.Of(err) != errcode.InvalidArgument {
		t.Fatalf("PutArtifacts with an int beyond 32 bits: %v, want InvalidArgument", err)
	}
	if n := testdb.QueryStrings(t, db, "SELECT CAST(COUNT(*) AS CHAR) FROM Artifact"); n[0] != "0" {
		t.Fatalf("%s artifacts stored, want none", n[0])
	}
}
