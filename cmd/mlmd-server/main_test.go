package main

import (
	"bufio"
	"context"
	"database/sql"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/internal/testdb"
)

// buildServer builds the binary once per test run.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mlmd-server")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestInvalidCommandLines(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--grpc_port=-1"}, "mlmd-server: --grpc_port -1 is invalid: must be in 1..65535\n"},
		{[]string{"--mysql_config_host=db"}, "mlmd-server: MySQL needs --mysql_config_host, --mysql_config_port and --mysql_config_database together; missing or invalid: --mysql_config_port, --mysql_config_database\n"},
		{[]string{"--metadata_store_server_config_file=/nonexistent/x.pbtxt"}, "mlmd-server: --metadata_store_server_config_file: open /nonexistent/x.pbtxt: no such file or directory\n"},
		{[]string{"--bogus"}, "mlmd-server: flag provided but not defined: -bogus\n"},
	}
	for _, tt := range tests {
		var stdout, stderr strings.Builder
		if code := run(tt.args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", tt.args, code)
		}
		if stderr.String() != tt.want {
			t.Errorf("%v: stderr %q, want %q", tt.args, stderr.String(), tt.want)
		}
	}
	var stdout, stderr strings.Builder
	if code := run([]string{"--help"}, &stdout, &stderr); code != 0 || stderr.Len() != 0 {
		t.Errorf("--help: exit %d, stderr %q", code, stderr.String())
	}
	for _, want := range []string{"-grpc_port", "With no flags it serves an in-memory SQLite store on 0.0.0.0:8080",
		"-mysql_config_password_file", "-metrics_port", "-max_request_ids", "-max_request_nodes", "-health_check_interval", "-version"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--help output lacks %q", want)
		}
	}
	stdout.Reset()
	if code := run([]string{"--version"}, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "mlmd-server ") {
		t.Errorf("--version: exit %d, stdout %q", code, stdout.String())
	}
}

func TestUnreachableDatabaseFails(t *testing.T) {
	// MySQL on a closed port: the target is logged before connecting, the
	// store cannot be opened; exit 1 after the configured retries.
	var stdout, stderr strings.Builder
	code := run([]string{"--mysql_config_host=127.0.0.1", "--mysql_config_port=1", "--mysql_config_database=x",
		"--metadata_store_connection_retries=0", "--listen_address=127.0.0.1:0"}, &stdout, &stderr)
	log := stderr.String()
	connecting := strings.Index(log, `msg="connecting to the database" database="MySQL tcp(127.0.0.1:1)/x`)
	if code != 1 || connecting < 0 || strings.Index(log, "cannot open the store") < connecting {
		t.Errorf("exit %d, log:\n%s", code, log)
	}
}

func TestServeAndStopOnSIGTERM(t *testing.T) {
	bin := buildServer(t)
	db := filepath.Join(t.TempDir(), "mlmd.db")
	cfg := filepath.Join(t.TempDir(), "config.pbtxt")
	if err := os.WriteFile(cfg, []byte(`connection_config { sqlite { filename_uri: "`+db+`" } }`), 0o600); err != nil {
		t.Fatal(err)
	}
	serveAndStop(t, bin, "--metadata_store_server_config_file="+cfg)
	// The data is in the file.
	if fi, err := os.Stat(db); err != nil || fi.Size() == 0 {
		t.Errorf("database file: %v", err)
	}
}

// TestServeMySQL serves a MariaDB database named by the --mysql_config_*
// flags, as Kubeflow starts MLMD's server, on the test server of
// internal/testdb (MLMD_MYSQL_DSN, e.g. "root@tcp(127.0.0.1:3306)/"); the
// server creates the database.
func TestServeMySQL(t *testing.T) {
	cfg := testdb.MySQLServer(t)
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil || cfg.Net != "tcp" {
		t.Fatalf("%s: want a tcp address, got %s(%s)", testdb.MySQLDSNEnv, cfg.Net, cfg.Addr)
	}
	dbCfg, err := mysql.ParseDSN(testdb.NewMySQLDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	name := dbCfg.DBName
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	bin := buildServer(t)
	log := serveAndStop(t, bin, "--mysql_config_host="+host, "--mysql_config_port="+port, "--mysql_config_database="+name,
		"--mysql_config_user="+cfg.User, "--mysql_config_password="+cfg.Passwd, "--enable_database_upgrade=true", "--mysql_max_open_conns=4")
	if want := `database="MySQL tcp(` + cfg.Addr + `)/` + name; !strings.Contains(log, want) {
		t.Errorf("log lacks %q:\n%s", want, log)
	}
	// The context type is in the database.
	var n int
	if err := admin.QueryRow("SELECT COUNT(*) FROM " + name + ".Type WHERE name = 'system.Pipeline'").Scan(&n); err != nil || n != 1 {
		t.Errorf("types named system.Pipeline: %d, %v; want 1", n, err)
	}
}

// serveAndStop starts the server binary on a free loopback port with the
// extra args, makes a call, stops the server with SIGTERM and checks that it
// exits cleanly; it returns the server's log.
func serveAndStop(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--listen_address=127.0.0.1:0", "--log_format=text"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// Read the address from the startup line.
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	addrRE := regexp.MustCompile(`msg="serving ml_metadata.MetadataStoreService" address=(\S+)`)
	var addr string
	var log []string
	deadline := time.After(30 * time.Second)
	for open := false; addr == "" || !open; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("server exited:\n%s", strings.Join(log, "\n"))
			}
			log = append(log, l)
			if m := addrRE.FindStringSubmatch(l); m != nil {
				addr = m[1]
			}
			open = open || strings.Contains(l, `msg="the store is open"`)
		case <-deadline:
			t.Fatalf("no startup line:\n%s", strings.Join(log, "\n"))
		}
	}

	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := pb.NewMetadataStoreServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	id, err := c.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: &pb.ContextType{Name: proto.String("system.Pipeline")}})
	if err != nil || id.GetTypeId() <= 0 {
		t.Fatalf("PutContextType: %v, %v", id, err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for l := range lines {
		log = append(log, l)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", err, strings.Join(log, "\n"))
	}
	text := strings.Join(log, "\n")
	for _, want := range []string{`method=/ml_metadata.MetadataStoreService/PutContextType code=OK`, `msg="shutting down"`, `msg=stopped`} {
		if !strings.Contains(text, want) {
			t.Errorf("log lacks %q:\n%s", want, text)
		}
	}
	return text
}
