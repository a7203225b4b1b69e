package main

import (
	"bufio"
	"context"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	adminpb "github.com/gomlmd/gomlmd/gen/adminpb"
)

// TestAdminServiceFlag runs the server binary with and without
// --enable_admin_service and calls the admin service.
func TestAdminServiceFlag(t *testing.T) {
	bin := buildServer(t)
	for _, c := range []struct {
		args []string
		want codes.Code
	}{
		{nil, codes.Unimplemented},
		{[]string{"--enable_admin_service"}, codes.OK},
	} {
		cmd := exec.Command(bin, append([]string{"--listen_address=127.0.0.1:0"}, c.args...)...)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		addrRE := regexp.MustCompile(`msg="serving ml_metadata.MetadataStoreService" address=(\S+)`)
		sc := bufio.NewScanner(stderr)
		var addr string
		for addr == "" && sc.Scan() {
			if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
				addr = m[1]
			}
		}
		if addr == "" {
			cmd.Process.Kill()
			t.Fatalf("%v: no startup line", c.args)
		}
		go func() {
			for sc.Scan() {
			}
		}()
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err = adminpb.NewAdminServiceClient(conn).DeleteNodes(ctx, &adminpb.DeleteNodesRequest{})
		cancel()
		conn.Close()
		if got := status.Code(err); got != c.want {
			t.Errorf("%v: DeleteNodes: %v, want %v", c.args, err, c.want)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("%v: exit: %v", c.args, err)
		}
	}
}
