// Package galera tests mlmd-server replicas over a real 3-node MariaDB
// Galera cluster, one replica per node: concurrent Kubeflow-shaped writers
// and racing creates (TestReplicasRacing), the loss and return of a node
// under load (TestNodeLoss), and replicas that start together on an empty
// database (TestStartTogether).
//
// The cluster is started by scripts/galera.sh; the tests find it through
// MLMD_GALERA_ADDRS (host:port of the nodes' SQL ports, comma-separated,
// as `scripts/galera.sh addrs DIR` prints) and MLMD_GALERA_DIR (the
// cluster's directory, which TestNodeLoss needs to kill and restart a
// node). Without MLMD_GALERA_ADDRS they skip, except under CI (CI set),
// where they fail.
package galera

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/server"
)

// cluster describes the Galera cluster under test.
type cluster struct {
	addrs []string // SQL host:port of nodes 1..3
	dir   string   // scripts/galera.sh's directory, "" if not given
}

// theCluster returns the cluster named by the environment, skipping the
// test (failing it under CI) when there is none.
func theCluster(t *testing.T) *cluster {
	t.Helper()
	env := os.Getenv("MLMD_GALERA_ADDRS")
	if env == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("MLMD_GALERA_ADDRS is not set: under CI the Galera cluster must be running (scripts/galera.sh start DIR)")
		}
		t.Skip("MLMD_GALERA_ADDRS is not set; start a cluster with scripts/galera.sh start DIR")
	}
	c := &cluster{addrs: strings.Split(env, ","), dir: os.Getenv("MLMD_GALERA_DIR")}
	if len(c.addrs) != 3 {
		t.Fatalf("MLMD_GALERA_ADDRS=%q: want the 3 nodes' addresses", env)
	}
	for i := range c.addrs {
		db := c.rootDB(t, i)
		var size string
		var state string
		if err := db.QueryRow("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_SIZE'").Scan(&size); err != nil {
			t.Fatalf("node %d (%s): %v", i+1, c.addrs[i], err)
		}
		if err := db.QueryRow("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT'").Scan(&state); err != nil {
			t.Fatalf("node %d (%s): %v", i+1, c.addrs[i], err)
		}
		if size != "3" || state != "Synced" {
			t.Fatalf("node %d (%s): cluster size %s, state %s; want 3 Synced nodes", i+1, c.addrs[i], size, state)
		}
	}
	return c
}

// dsn is the DSN of database name on node i (0-based), as a user would
// write it: the store itself makes reads wait for the cluster
// (wsrep_sync_wait=1), which the tests rely on when a replica reads what
// another one acknowledged.
func (c *cluster) dsn(i int, name string) string {
	return c.dsnWith(i, name, nil)
}

// dsnWith is dsn with further DSN parameters.
func (c *cluster) dsnWith(i int, name string, params map[string]string) string {
	cfg := mysql.NewConfig()
	cfg.User = "root"
	cfg.Net = "tcp"
	cfg.Addr = c.addrs[i]
	cfg.DBName = name
	cfg.Timeout = 5 * time.Second
	cfg.Params = map[string]string{}
	for k, v := range params {
		cfg.Params[k] = v
	}
	return cfg.FormatDSN()
}

// rootDB is a pool on node i without a database, closed at the end of the
// test.
func (c *cluster) rootDB(t *testing.T, i int) *sql.DB {
	t.Helper()
	// Checks read on every node what replicas wrote on others.
	db, err := sql.Open("mysql", c.dsnWith(i, "", map[string]string{"wsrep_sync_wait": "1"}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dbName returns a fresh database name, dropped at the end of the test.
func (c *cluster) dbName(t *testing.T) string {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := "mlmd_galera_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		db, err := sql.Open("mysql", "root@tcp("+c.addrs[0]+")/")
		if err != nil {
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	return name
}

// script runs scripts/galera.sh with args on the cluster's directory.
func (c *cluster) script(t *testing.T, args ...string) {
	t.Helper()
	if c.dir == "" {
		t.Fatal("MLMD_GALERA_DIR is not set: the test needs it to kill and restart a node")
	}
	path, err := filepath.Abs("../../scripts/galera.sh")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append([]string{args[0], c.dir}, args[1:]...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("galera.sh %v: %v\n%s", args, err, out)
	}
}

// replica is an mlmd-server on a real loopback listener over one node.
type replica struct {
	node     int
	failover bool // the DSN lists a failover server
	store    *mlmd.Store
	client   pb.MetadataStoreServiceClient
	stop     func()
}

func serve(t *testing.T, i int, store *mlmd.Store) *replica {
	t.Helper()
	srv := server.NewGRPCServer(server.New(store), &server.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancelServe := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, lis, 5*time.Second) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{node: i, store: store, client: pb.NewMetadataStoreServiceClient(conn)}
	var stopped bool
	r.stop = func() {
		if stopped {
			return
		}
		stopped = true
		conn.Close()
		cancelServe()
		if err := <-done; err != nil {
			t.Errorf("replica on node %d: serve: %v", i+1, err)
		}
		store.Close()
	}
	t.Cleanup(r.stop)
	return r
}

// startReplicas opens one replica per node, all at once.
func startReplicas(t *testing.T, c *cluster, dbName string) []*replica {
	t.Helper()
	stores := make([]*mlmd.Store, len(c.addrs))
	errs := make([]error, len(c.addrs))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := make(chan int)
	for i := range c.addrs {
		go func() {
			stores[i], errs[i] = mlmd.Open(ctx, "mysql", c.dsn(i, dbName), nil)
			done <- i
		}()
	}
	for range c.addrs {
		<-done
	}
	reps := make([]*replica, len(c.addrs))
	for i, err := range errs {
		if err != nil {
			for _, s := range stores {
				if s != nil {
					s.Close()
				}
			}
			t.Fatalf("open the store on node %d: %v", i+1, err)
		}
	}
	for i, s := range stores {
		reps[i] = serve(t, i, s)
	}
	return reps
}

// count runs a one-number query on node i.
func count(t *testing.T, db *sql.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// noDuplicates checks, on every node, that no two types share kind, name
// and version and that the schema holds one version.
func noDuplicates(t *testing.T, c *cluster, dbName string) {
	t.Helper()
	for i := range c.addrs {
		db := c.rootDB(t, i)
		if n := count(t, db, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1 FROM %s.Type
			GROUP BY type_kind, name, COALESCE(version, '') HAVING COUNT(*) > 1) d`, dbName)); n != 0 {
			t.Errorf("node %d: %d types are stored more than once", i+1, n)
		}
		if n := count(t, db, fmt.Sprintf("SELECT COUNT(*) FROM %s.MLMDEnv", dbName)); n != 1 {
			t.Errorf("node %d: MLMDEnv holds %d rows, want 1", i+1, n)
		}
	}
}

// testingCI reports whether the tests run under CI, where a missing
// cluster is a failure.
func testingCI() bool { return os.Getenv("CI") != "" }
