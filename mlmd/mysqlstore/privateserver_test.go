package mysqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// privateServer is a throw-away MariaDB server of the test's own, on a
// free port of 127.0.0.1 with its own data directory: for what the shared
// server cannot do (TLS, a restart).
type privateServer struct {
	t       *testing.T
	dir     string
	port    int
	socket  string
	args    []string
	cmd     *exec.Cmd
	stopped chan struct{}
}

// Binaries of the private server.
const (
	mariadbdPath  = "/usr/sbin/mariadbd"
	installDBPath = "/usr/bin/mariadb-install-db"
)

// startPrivateServer initializes a data directory and starts mariadbd on
// it with the extra args. Without MariaDB's binaries the test is skipped,
// or fails under CI. The server is stopped when the test ends.
func startPrivateServer(t *testing.T, args ...string) *privateServer {
	t.Helper()
	for _, bin := range []string{mariadbdPath, installDBPath} {
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("MariaDB server binaries missing: %v", err)
			}
			t.Skipf("MariaDB server binaries missing: %v", err)
		}
	}
	// The socket path must be short (108 bytes): use a directory of our own
	// under /tmp rather than t.TempDir.
	dir, err := os.MkdirTemp("", "mlmd-mariadb-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	user := []string{}
	if os.Geteuid() == 0 {
		user = []string{"--user=root"}
	}
	install := exec.Command(installDBPath, append([]string{"--no-defaults", "--datadir=" + filepath.Join(dir, "data"),
		"--auth-root-authentication-method=normal", "--skip-test-db"}, user...)...)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	s := &privateServer{t: t, dir: dir, port: freePort(t), socket: filepath.Join(dir, "sock"), args: append(user, args...)}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start starts mariadbd and waits until it answers.
func (s *privateServer) start() {
	t := s.t
	t.Helper()
	args := append([]string{"--no-defaults", "--datadir=" + filepath.Join(s.dir, "data"),
		"--socket=" + s.socket, "--port=" + strconv.Itoa(s.port), "--bind-address=127.0.0.1",
		"--pid-file=" + filepath.Join(s.dir, "pid"), "--log-error=" + filepath.Join(s.dir, "error.log"),
		"--innodb-buffer-pool-size=32M", "--skip-name-resolve"}, s.args...)
	s.cmd = exec.Command(mariadbdPath, args...)
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start mariadbd: %v", err)
	}
	s.stopped = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		cmd.Wait()
		close(done)
	}(s.cmd, s.stopped)
	db := s.rootDB("")
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case <-s.stopped:
			log, _ := os.ReadFile(filepath.Join(s.dir, "error.log"))
			t.Fatalf("mariadbd exited: %s", log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("mariadbd does not answer: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop shuts the server down and waits for it to exit.
func (s *privateServer) stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.stopped:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.stopped
	}
	s.cmd = nil
}

// rootDB connects as root over TCP, to database db ("" for none).
func (s *privateServer) rootDB(db string) *sql.DB {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.DBName = "root", "tcp", fmt.Sprintf("127.0.0.1:%d", s.port), db
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	return sql.OpenDB(connector)
}

// exec runs statements as root.
func (s *privateServer) exec(stmts ...string) {
	s.t.Helper()
	db := s.rootDB("")
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			s.t.Fatalf("%s: %v", q, err)
		}
	}
}
