package mysqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
)

// Galera (MariaDB Galera Cluster, Percona XtraDB Cluster) is a
// multi-writer cluster: every node takes writes, and a transaction's rows
// are certified against the transactions committed meanwhile on the other
// nodes when it commits. Three things the backend relies on on a single
// server do not hold there, and the backend handles them when it finds
// wsrep_on set (see docs/scale-out.md):
//
//   - GET_LOCK is local to a node, so the schema lock is a row instead
//     (clusterLock): its primary key is decided by certification, and it
//     expires if its holder dies.
//   - SELECT ... FOR UPDATE locks rows on one node only, so the lock that
//     makes type inserts take turns is also written (GuardTypeInsert): two
//     transactions on two nodes that both insert a type then write the
//     same row, and certification aborts one of them, which is run again.
//   - Only tables with a primary key replicate safely; MLMD's EventPath has
//     none, so the backend gives it an invisible one (ensureGaleraKeys).
//   - A node may not yet have applied what another node committed, so
//     sessions wait for it before reading (galeraSession).
//
// A certification failure reaches the client as error 1213 (deadlock) and
// is retried like one; a node that has left the cluster's primary
// component answers 1047 until it rejoins, which is retried like a lost
// connection and reported Unavailable if it persists.

// galeraSession sets wsrep_sync_wait=1 on the sessions of cfg unless the
// DSN sets it: a read then waits until the node has applied every write
// set the cluster committed before it started, so a replica reads what
// another replica, on another node, acknowledged - as on one server. The
// cost is one round trip within the cluster per read transaction;
// wsrep_sync_wait=0 in the DSN turns it off.
func galeraSession(cfg *mysql.Config) {
	if _, ok := cfg.Params["wsrep_sync_wait"]; !ok {
		cfg.Params["wsrep_sync_wait"] = "1"
	}
}

// clusterLockTable holds the named locks of gomlmd's processes on a
// multi-writer cluster: one row per held lock.
const clusterLockTable = "gomlmd_cluster_lock"

// Names of rows in clusterLockTable.
const (
	schemaLockName = "schema"
	typeGuardName  = "types"
)

// clusterLockTTL is how long a schema lock row stays valid without being
// renewed: a process that died holding the lock holds it up to this long.
// The holder renews it every clusterLockTTL/4. Expiry compares the
// nodes' clocks (UNIX_TIMESTAMP() where the row was written with where it
// is read), which must agree within seconds, as NTP keeps them.
const clusterLockTTL = 30 * time.Second

// detectGalera reports whether the server is a node of a Galera cluster
// (wsrep_on is set). Servers without the variable (MySQL) are not.
func detectGalera(ctx context.Context, db interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (bool, error) {
	var on sql.NullInt64
	err := db.QueryRowContext(ctx, "SELECT @@wsrep_on").Scan(&on)
	var me *mysql.MySQLError
	if errors.As(err, &me) && me.Number == erUnknownSystemVariable {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return on.Int64 == 1, nil
}

// createClusterLockTable creates clusterLockTable if it is missing. Two
// nodes that run it at once both succeed: Galera runs DDL in one total
// order on every node (TOI), and the second one finds the table.
func createClusterLockTable(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+clusterLockTable+` (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  holder VARCHAR(64) NOT NULL,
  expires_at BIGINT NOT NULL,
  generation BIGINT NOT NULL DEFAULT 0
) ENGINE = InnoDB`)
	return err
}

// clusterLock takes the schema lock of a Galera cluster: it inserts the
// row named schemaLockName, in a transaction of its own. Of two processes
// that insert it at once, on one node or on two, one commits and the
// other gets a duplicate key (1062) or fails certification (1213), and
// waits: it polls until the row is gone, or has expired (its holder died
// without releasing it), in which case it deletes it. The holder renews
// the expiry while it holds the lock. unlock deletes the row.
func clusterLock(ctx context.Context, db *sql.DB, d *dialect) (func(), error) {
	if err := createClusterLockTable(ctx, db); err != nil {
		return nil, fmt.Errorf("create %s: %w", clusterLockTable, err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	holder := hex.EncodeToString(b[:])
	ttl := int64(clusterLockTTL / time.Second)
	deadline := time.Now().Add(schemaLockTimeout * time.Second)
	pause := 20 * time.Millisecond
	for {
		_, err := db.ExecContext(ctx, "INSERT INTO "+clusterLockTable+
			" (name, holder, expires_at) VALUES (?, ?, UNIX_TIMESTAMP() + ?)", schemaLockName, holder, ttl)
		if err == nil {
			break
		}
		switch d.Classify(err) {
		case sqlstore.ClassDuplicate, sqlstore.ClassTransient:
		default:
			return nil, err
		}
		// Held by another process: take it over if it has expired.
		if _, err := db.ExecContext(ctx, "DELETE FROM "+clusterLockTable+
			" WHERE name = ? AND expires_at < UNIX_TIMESTAMP()", schemaLockName); err != nil && d.Classify(err) != sqlstore.ClassTransient {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("another process held the schema lock (%s) for %d seconds", clusterLockTable, schemaLockTimeout)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, 500*time.Millisecond)
	}
	rctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(clusterLockTTL / 4)
		defer t.Stop()
		for {
			select {
			case <-rctx.Done():
				return
			case <-t.C:
				_, _ = db.ExecContext(rctx, "UPDATE "+clusterLockTable+
					" SET expires_at = UNIX_TIMESTAMP() + ? WHERE name = ? AND holder = ?", ttl, schemaLockName, holder)
			}
		}
	}()
	return func() {
		stop()
		<-renewed
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		// On failure the row expires after clusterLockTTL.
		_, _ = db.ExecContext(uctx, "DELETE FROM "+clusterLockTable+" WHERE name = ? AND holder = ?", schemaLockName, holder)
	}, nil
}

// GuardTypeInsert implements sqlstore.TypeInsertGuard. On a Galera node it
// writes the row typeGuardName of clusterLockTable in the caller's
// transaction, so that two transactions that insert types on different
// nodes conflict at certification (the FOR UPDATE that serializes them on
// one server locks nothing on the other nodes). Elsewhere it does nothing.
func (d *dialect) GuardTypeInsert(ctx context.Context, q sqlstore.DBTX) error {
	if !d.galera {
		return nil
	}
	_, err := q.ExecContext(ctx, "INSERT INTO "+clusterLockTable+" (name, holder, expires_at) VALUES (?, '', 0)"+
		" ON DUPLICATE KEY UPDATE generation = generation + 1", typeGuardName)
	return err
}

// ensureGaleraKeys gives every table of the schema a primary key, which
// Galera needs to replicate a table's rows safely (and to apply them in
// parallel). MLMD's EventPath is the only table without one: it gets an
// INVISIBLE auto-increment column gomlmd_id as its key, which MLMD's and
// gomlmd's statements (they name their columns) never see. It runs under
// the schema lock; a table that has a key is left alone.
func ensureGaleraKeys(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT t.table_name FROM information_schema.tables t
WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE' AND NOT EXISTS (
  SELECT 1 FROM information_schema.table_constraints c
  WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY')`)
	if err != nil {
		return err
	}
	var missing []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		missing = append(missing, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range missing {
		if t != "EventPath" {
			return fmt.Errorf("table %s has no primary key; Galera cannot replicate it safely", t)
		}
		if _, err := db.ExecContext(ctx, "ALTER TABLE `EventPath` ADD COLUMN `gomlmd_id` BIGINT NOT NULL AUTO_INCREMENT INVISIBLE, ADD PRIMARY KEY (`gomlmd_id`)"); err != nil {
			return fmt.Errorf("give EventPath a primary key: %w", err)
		}
	}
	return nil
}

// prepareGalera runs ensureGaleraKeys under the schema lock.
func prepareGalera(ctx context.Context, db *sql.DB, d *dialect) error {
	unlock, err := d.LockSchema(ctx, db)
	if err != nil {
		return err
	}
	defer unlock()
	return ensureGaleraKeys(ctx, db)
}
