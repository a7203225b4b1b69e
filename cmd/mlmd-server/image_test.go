package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/internal/testdb"
)

// TestImage checks the container image without docker: it builds the
// image's file system with scripts/image-root.sh, as the Dockerfile does,
// and runs the binary chrooted into it as user 65532 with the arguments of
// Kubeflow Pipelines' metadata-grpc-deployment (through
// /bin/metadata_store_server, the command that deployment names), against
// the test MariaDB; then makes calls. It needs root for chroot.
func TestImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the image's file system")
	}
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("TestImage needs root (chroot, setuid) under CI")
		}
		t.Skip("needs root for chroot")
	}
	// The Dockerfile builds the file system with the script, copies it into
	// an empty image, and runs it as 65532.
	df, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"scripts/image-root.sh /rootfs", "FROM scratch", "COPY --from=build /rootfs/ /", "USER 65532:65532", `ENTRYPOINT ["/mlmd-server"]`, "ARG TARGETARCH"} {
		if !strings.Contains(string(df), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	root := filepath.Join(t.TempDir(), "rootfs")
	if out, err := exec.Command("../../scripts/image-root.sh", root).CombinedOutput(); err != nil {
		t.Fatalf("image-root.sh: %v\n%s", err, out)
	}
	if err := os.Chmod(filepath.Dir(root), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("go", "version", "-m", filepath.Join(root, "mlmd-server")).CombinedOutput(); err != nil || !strings.Contains(string(out), "CGO_ENABLED=0") {
		t.Fatalf("the image's binary is not a static build: %v\n%s", err, out)
	}

	cfg := testdb.MySQLServer(t)
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	dbCfg, err := mysql.ParseDSN(testdb.NewMySQLDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	grpcPort := lis.Addr().(*net.TCPAddr).Port
	lis.Close()

	cmd := exec.Command("/bin/metadata_store_server",
		"--grpc_port="+strconv.Itoa(grpcPort),
		"--mysql_config_database="+dbCfg.DBName,
		"--mysql_config_host="+host,
		"--mysql_config_port="+port,
		"--mysql_config_user="+cfg.User,
		"--mysql_config_password="+cfg.Passwd,
		"--enable_database_upgrade=true")
	cmd.Dir = "/"
	cmd.Env = []string{} // an image has no environment of its own
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root, Credential: &syscall.Credential{Uid: 65532, Gid: 65532}}
	var log syncBuf
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	waited := make(chan struct{})
	go func() { exited <- cmd.Wait(); close(waited) }()
	defer func() {
		cmd.Process.Kill()
		<-waited
	}()

	st, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status")
	if err != nil || !strings.Contains(string(st), "\nUid:\t65532\t65532\t65532\t65532\n") {
		t.Errorf("the server does not run as user 65532: %v\n%s", err, st)
	}
	p := &proc{addr: "127.0.0.1:" + strconv.Itoa(grpcPort)}
	conn := p.conn(t)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(log.String(), `msg="the store is open"`) {
		select {
		case err := <-exited:
			t.Fatalf("server exited: %v\n%s", err, log.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the store did not open:\n%s", log.String())
		}
	}
	waitHealth(t, conn, healthpb.HealthCheckResponse_SERVING, 10*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := pb.NewMetadataStoreServiceClient(conn)
	id, err := c.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: &pb.ContextType{Name: proto.String("system.Pipeline")}})
	if err != nil || id.GetTypeId() <= 0 {
		t.Fatalf("PutContextType: %v, %v", id, err)
	}
	if res, err := c.GetContextType(ctx, &pb.GetContextTypeRequest{TypeName: proto.String("system.Pipeline")}); err != nil || res.GetContextType().GetId() != id.GetTypeId() {
		t.Errorf("GetContextType: %v, %v", res, err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, log.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit after SIGTERM:\n%s", log.String())
	}
}

// syncBuf is an io.Writer whose content can be read while it is written.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
