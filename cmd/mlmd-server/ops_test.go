package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// sharedServer builds the server binary once for the tests of this file.
func sharedServer(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mlmd-server-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "mlmd-server")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = errors.New(string(out))
		}
	})
	if binErr != nil {
		t.Fatalf("go build: %v", binErr)
	}
	return binPath
}

// proc is a running server binary.
type proc struct {
	cmd     *exec.Cmd
	addr    string
	started time.Time
	done    chan struct{}
	waitErr error

	mu  sync.Mutex
	log []string
}

// startProc starts bin with args (plus a loopback listen address and a text
// log) and waits for its "serving" line, or for it to exit.
func startProc(t *testing.T, bin string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--listen_address=127.0.0.1:0", "--log_format=text"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{}), started: time.Now()}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrRE := regexp.MustCompile(`msg="serving ml_metadata.MetadataStoreService" address=(\S+)`)
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log = append(p.log, sc.Text())
			p.mu.Unlock()
			if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
				addrc <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case p.addr = <-addrc:
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("no startup line:\n%s", p.text())
	}
	return p
}

func (p *proc) text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.log, "\n")
}

// waitLog waits until the log has a line containing s.
func (p *proc) waitLog(t *testing.T, s string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if strings.Contains(p.text(), s) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no log line with %q within %v:\n%s", s, within, p.text())
}

// exitCode waits for the process to end and returns its exit code.
func (p *proc) exitCode(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(within):
		t.Fatalf("still running after %v:\n%s", within, p.text())
	}
	var ee *exec.ExitError
	if errors.As(p.waitErr, &ee) {
		return ee.ExitCode()
	}
	if p.waitErr != nil {
		t.Fatal(p.waitErr)
	}
	return 0
}

func (p *proc) conn(t *testing.T) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(p.addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(1<<30), grpc.MaxCallRecvMsgSize(1<<30)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// healthOf returns the health of the MLMD service, bounded by 2 s.
func healthOf(t *testing.T, conn *grpc.ClientConn) healthpb.HealthCheckResponse_ServingStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	res, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: "ml_metadata.MetadataStoreService"})
	if err != nil {
		t.Fatalf("health check: %v", err)
	}
	return res.GetStatus()
}

func waitHealth(t *testing.T, conn *grpc.ClientConn, want healthpb.HealthCheckResponse_ServingStatus, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var got healthpb.HealthCheckResponse_ServingStatus
	for time.Now().Before(deadline) {
		if got = healthOf(t, conn); got == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("health %v after %v, want %v", got, within, want)
}

// TestSilentDatabase: with a MySQL port that accepts connections and never
// answers, the server logs its target, listens, reports NOT_SERVING, answers
// calls at once with Unavailable, and stops on SIGTERM.
func TestSilentDatabase(t *testing.T) {
	host, port, _ := net.SplitHostPort(testdb.SilentListener(t))
	ml, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsPort := strconv.Itoa(ml.Addr().(*net.TCPAddr).Port)
	ml.Close()
	p := startProc(t, sharedServer(t), nil, "--mysql_config_host="+host, "--mysql_config_port="+port, "--mysql_config_database=mlmd",
		"--metrics_port="+metricsPort)
	if p.addr == "" {
		t.Fatalf("server did not listen:\n%s", p.text())
	}
	p.waitLog(t, `msg="connecting to the database" database="MySQL tcp(`+host+":"+port+`)/mlmd as`, 5*time.Second)
	conn := p.conn(t)
	if got := healthOf(t, conn); got != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("health %v, want NOT_SERVING", got)
	}
	// A call without a deadline of its own does not hang.
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = pb.NewMetadataStoreServiceClient(conn).GetArtifactTypes(ctx, &pb.GetArtifactTypesRequest{})
	if status.Code(err) != codes.Unavailable || time.Since(start) > 2*time.Second {
		t.Errorf("call: %v after %v, want Unavailable at once", err, time.Since(start))
	}
	// The metrics server counts the call and says the store is not ready.
	res, err := http.Get("http://127.0.0.1:" + metricsPort + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`mlmd_server_calls_total{code="Unavailable",method="/ml_metadata.MetadataStoreService/GetArtifactTypes"} 1`,
		"mlmd_store_ready 0",
		"go_goroutines ",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.exitCode(t, 10*time.Second); code != 0 {
		t.Errorf("exit %d after SIGTERM:\n%s", code, p.text())
	}
}

// TestWrongPasswordFailsFast: access denied is permanent: one error line,
// no retries, exit 1 in under 2 s. The password comes from a file and
// appears nowhere in the log.
func TestWrongPasswordFailsFast(t *testing.T) {
	cfg := testdb.MySQLServer(t)
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	pwFile := filepath.Join(t.TempDir(), "password")
	const secret = "not-the-password-7f3a"
	if err := os.WriteFile(pwFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := sharedServer(t)
	start := time.Now()
	p := startProc(t, bin, nil, "--mysql_config_host="+host, "--mysql_config_port="+port, "--mysql_config_database=mlmd_ops_denied",
		"--mysql_config_user=mlmd_no_such_user", "--mysql_config_password_file="+pwFile, "--enable_database_upgrade=true")
	code := p.exitCode(t, 10*time.Second)
	elapsed := time.Since(start)
	log := p.text()
	if code != 1 || elapsed > 2*time.Second {
		t.Errorf("exit %d after %v, want 1 in under 2s:\n%s", code, elapsed, log)
	}
	if n := strings.Count(log, "level=ERROR"); n != 1 || strings.Contains(log, "retrying") {
		t.Errorf("%d error lines (want 1) or retries:\n%s", n, log)
	}
	if strings.Contains(log, secret) {
		t.Errorf("the password is in the log:\n%s", log)
	}
	if !strings.Contains(log, "Access denied") {
		t.Errorf("the error line does not say access was denied:\n%s", log)
	}
}

// TestPasswordFromEnvAndFile serves a MariaDB user with a password given
// by MLMD_MYSQL_PASSWORD, then by --mysql_config_password_file.
func TestPasswordFromEnvAndFile(t *testing.T) {
	cfg := testdb.MySQLServer(t)
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	user := "mlmd_ops_" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	const password = "s3cret-pw"
	db := "mlmd_ops_pw_" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	testdb.MySQLExec(t, "CREATE USER '"+user+"'@'%' IDENTIFIED BY '"+password+"'",
		"GRANT ALL ON `"+db+"`.* TO '"+user+"'@'%'")
	t.Cleanup(func() { testdb.MySQLExec(t, "DROP USER '"+user+"'@'%'", "DROP DATABASE IF EXISTS `"+db+"`") })
	pwFile := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--mysql_config_host=" + host, "--mysql_config_port=" + port, "--mysql_config_database=" + db,
		"--mysql_config_user=" + user, "--enable_database_upgrade=true"}
	for _, tt := range []struct {
		name  string
		env   []string
		extra []string
	}{
		{"env", []string{"MLMD_MYSQL_PASSWORD=" + password}, nil},
		{"file", nil, []string{"--mysql_config_password_file=" + pwFile}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := startProc(t, sharedServer(t), tt.env, append(args, tt.extra...)...)
			p.waitLog(t, `msg="the store is open"`, 20*time.Second)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := pb.NewMetadataStoreServiceClient(p.conn(t)).PutContextType(ctx,
				&pb.PutContextTypeRequest{ContextType: &pb.ContextType{Name: proto.String("system.Pipeline")}}); err != nil {
				t.Fatalf("PutContextType: %v", err)
			}
			p.cmd.Process.Signal(syscall.SIGTERM)
			if code := p.exitCode(t, 10*time.Second); code != 0 {
				t.Errorf("exit %d:\n%s", code, p.text())
			}
			if strings.Contains(p.text(), password) {
				t.Errorf("the password is in the log")
			}
		})
	}
}

// proxy forwards TCP connections to a backend until it is cut: then it
// closes every connection and refuses new ones, as a database that went
// away; mend brings it back on the same port. While frozen it swallows
// everything in both directions, as a black-holed network.
type proxy struct {
	t       *testing.T
	addr    string
	backend string
	frozen  atomic.Bool

	mu    sync.Mutex
	lis   net.Listener
	conns []net.Conn
}

func newProxy(t *testing.T, backend string) *proxy {
	p := &proxy{t: t, backend: backend}
	p.mend()
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) mend() {
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var lis net.Listener
	var err error
	for i := 0; i < 50; i++ { // the port may linger for a moment
		if lis, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.lis, p.addr = lis, lis.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", p.backend)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, b)
			p.mu.Unlock()
			go func() { p.pipe(b, c); b.Close() }()
			go func() { p.pipe(c, b); c.Close() }()
		}
	}()
}

// pipe copies from src to dst, dropping what it reads while p is frozen.
func (p *proxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.frozen.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lis != nil {
		p.lis.Close()
		p.lis = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestHealthFollowsTheDatabase: health turns NOT_SERVING when the database
// goes away, calls fail rather than hang, and health returns to SERVING
// when the database is back.
func TestHealthFollowsTheDatabase(t *testing.T) {
	cfg := testdb.MySQLServer(t)
	px := newProxy(t, cfg.Addr)
	host, port, _ := net.SplitHostPort(px.addr)
	db := "mlmd_ops_health_" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	t.Cleanup(func() { testdb.MySQLExec(t, "DROP DATABASE IF EXISTS `"+db+"`") })
	p := startProc(t, sharedServer(t), nil, "--mysql_config_host="+host, "--mysql_config_port="+port, "--mysql_config_database="+db,
		"--mysql_config_user="+cfg.User, "--mysql_config_password="+cfg.Passwd, "--enable_database_upgrade=true",
		"--health_check_interval=200ms", "--health_check_timeout=1s")
	conn := p.conn(t)
	waitHealth(t, conn, healthpb.HealthCheckResponse_SERVING, 20*time.Second)
	c := pb.NewMetadataStoreServiceClient(conn)

	px.cut()
	waitHealth(t, conn, healthpb.HealthCheckResponse_NOT_SERVING, 5*time.Second)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := c.GetArtifactTypes(ctx, &pb.GetArtifactTypesRequest{})
	if status.Code(err) != codes.Unavailable || time.Since(start) > 20*time.Second {
		t.Errorf("call with the database gone: %v after %v, want Unavailable", err, time.Since(start))
	}
	if msg := status.Convert(err).Message(); strings.Contains(msg, port) || strings.Contains(msg, "127.0.0.1") {
		t.Errorf("the client learns the database address: %q", msg)
	}
	p.waitLog(t, `msg="the store does not answer: health is NOT_SERVING"`, time.Second)

	px.mend()
	waitHealth(t, conn, healthpb.HealthCheckResponse_SERVING, 10*time.Second)
	if _, err := c.GetArtifactTypes(ctx, &pb.GetArtifactTypesRequest{}); err != nil {
		t.Errorf("call after the database is back: %v", err)
	}
	// A black-holed database: connections stay open and nothing comes back.
	// The probe times out, health turns NOT_SERVING, and a call with a
	// deadline ends at its deadline.
	px.frozen.Store(true)
	waitHealth(t, conn, healthpb.HealthCheckResponse_NOT_SERVING, 5*time.Second)
	start = time.Now()
	dctx, dcancel := context.WithTimeout(context.Background(), time.Second)
	defer dcancel()
	_, err = c.GetArtifactTypes(dctx, &pb.GetArtifactTypesRequest{})
	if status.Code(err) != codes.DeadlineExceeded || time.Since(start) > 3*time.Second {
		t.Errorf("call with a 1s deadline to a black-holed database: %v after %v", err, time.Since(start))
	}
	px.frozen.Store(false)
	waitHealth(t, conn, healthpb.HealthCheckResponse_SERVING, 20*time.Second)
	if _, err := c.GetArtifactTypes(ctx, &pb.GetArtifactTypesRequest{}); err != nil {
		t.Errorf("call after the network is back: %v", err)
	}

	// The MySQL driver's own messages (closing the connections the cut
	// broke) are lines of the structured log, not "[mysql] ..." lines.
	for _, line := range strings.Split(p.text(), "\n") {
		if !strings.HasPrefix(line, "time=") || !strings.Contains(line, " level=") {
			t.Errorf("log line outside the structured log: %q", line)
		}
	}
	t.Logf("driver lines in the log: %d", strings.Count(p.text(), "component=mysql-driver"))
}

// vmHWM returns the peak resident memory of process pid in bytes.
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no VmHWM in /proc/%d/status", pid)
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

// rawCodec sends a []byte request as it is and receives the response as
// bytes.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(*v.(*[]byte))}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*v.(*[]byte) = data.Materialize()
	return nil
}

// TestHugeRequestBoundedMemory sends one GetArtifactsByID of 120 million
// packed ids (114 MB, under the 128 MiB message limit) to a real server
// process: it is refused with InvalidArgument naming the limit, and the
// server's peak memory stays under 1 GB.
func TestHugeRequestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 114 MB")
	}
	p := startProc(t, sharedServer(t), nil)
	p.waitLog(t, `msg="the store is open"`, 10*time.Second)
	const n = 120_000_000
	req := make([]byte, 0, n+16)
	req = append(req, 0x0a) // field 1 (artifact_ids), packed
	for v := uint64(n); ; v >>= 7 {
		if v < 0x80 {
			req = append(req, byte(v))
			break
		}
		req = append(req, byte(v)|0x80)
	}
	for i := 0; i < n; i++ {
		req = append(req, byte(1+i%127))
	}
	var out []byte
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := p.conn(t).Invoke(ctx, "/ml_metadata.MetadataStoreService/GetArtifactsByID", &req, &out, grpc.ForceCodecV2(rawCodec{}))
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "--max_request_ids") {
		t.Errorf("huge request: %v, want InvalidArgument naming --max_request_ids", err)
	}
	hwm := vmHWM(t, p.cmd.Process.Pid)
	t.Logf("server peak memory (VmHWM) after a %d MB request: %d MB", len(req)>>20, hwm>>20)
	if hwm > 1<<30 {
		t.Errorf("server peak memory %d MB, want under 1 GB", hwm>>20)
	}
	p.waitLog(t, `method=/ml_metadata.MetadataStoreService/GetArtifactsByID code=InvalidArgument`, 5*time.Second)
}

// TestTxRetriesMetric holds the write lock of the server's SQLite file from
// another connection: a write call waits, its transaction is retried
// while the lock is held, and /metrics counts the retries as busy; the
// call succeeds once the lock is gone.
func TestTxRetriesMetric(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mlmd.db")
	cfg := filepath.Join(dir, "server.pbtxt")
	text := `connection_config { sqlite { filename_uri: "file:` + path + `?_pragma=busy_timeout(20)" } retry_options { max_num_retries: 1000 } }`
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	ml, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsPort := strconv.Itoa(ml.Addr().(*net.TCPAddr).Port)
	ml.Close()
	p := startProc(t, sharedServer(t), nil, "--metadata_store_server_config_file="+cfg, "--metrics_port="+metricsPort)
	if p.addr == "" {
		t.Fatalf("server did not listen:\n%s", p.text())
	}
	p.waitLog(t, "the store is open", 10*time.Second)
	metric := func() string {
		t.Helper()
		res, err := http.Get("http://127.0.0.1:" + metricsPort + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^mlmd_store_tx_retries_total\{backend="sqlite",reason="busy"\} (\d+)$`).FindStringSubmatch(string(body))
		if m == nil {
			return ""
		}
		return m[1]
	}
	if got := metric(); got != "" {
		t.Fatalf("retries counted before any conflict: %s", got)
	}

	other, err := sqlitestore.OpenDB("file:" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.BeginTx(context.Background(), nil) // BEGIN IMMEDIATE: takes the write lock
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client := pb.NewMetadataStoreServiceClient(p.conn(t))
	done := make(chan error, 1)
	go func() {
		_, err := client.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{
			ArtifactType: &pb.ArtifactType{Name: proto.String("Model")}})
		done <- err
	}()
	var counted string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if counted = metric(); counted != "" && counted != "0" {
			break
		}
	}
	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	if counted == "" || counted == "0" {
		t.Errorf("no busy retry counted while the lock was held:\n%s", p.text())
	}
	if err := <-done; err != nil {
		t.Fatalf("the write after the lock was released: %v", err)
	}
	if n, _ := strconv.Atoi(metric()); n < 1 {
		t.Errorf("retries after the call: %d", n)
	}
}
