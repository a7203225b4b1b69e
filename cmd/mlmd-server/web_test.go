package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
)

// TestWebFlags starts the binary with the HTTP side's flags and checks what
// the port serves: native gRPC always; the explorer, Connect and CORS as
// the flags say.
func TestWebFlags(t *testing.T) {
	bin := buildServer(t)
	type want struct {
		page, connect int // HTTP status of GET / and of a Connect call; 0: no HTTP answer
		cors          string
	}
	tests := []struct {
		name string
		args []string
		want want
	}{
		{"defaults", nil, want{200, 200, ""}},
		{"explorer off", []string{"--web_explorer=false"}, want{404, 200, ""}},
		{"grpc-web off", []string{"--grpc_web=false"}, want{0, 0, ""}},
		{"cors", []string{"--http_cors_allowed_origins=https://kfp.example.com"}, want{200, 200, "https://kfp.example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, stop := startBinary(t, bin, tt.args...)
			defer stop()
			conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := pb.NewMetadataStoreServiceClient(conn).PutContextType(ctx, &pb.PutContextTypeRequest{
				ContextType: &pb.ContextType{Name: proto.String("system.Pipeline")}}); err != nil {
				t.Fatalf("native gRPC: %v", err)
			}
			hc := &http.Client{Timeout: 5 * time.Second}
			status := func(req *http.Request) (int, http.Header, string) {
				resp, err := hc.Do(req)
				if err != nil {
					return 0, nil, ""
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, resp.Header, string(body)
			}
			req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
			if code, _, body := status(req); code != tt.want.page || (code == 200 && !strings.Contains(body, "MLMD explorer")) {
				t.Errorf("GET /: %d %.80q, want %d", code, body, tt.want.page)
			}
			req, _ = http.NewRequest(http.MethodPost, "http://"+addr+"/ml_metadata.MetadataStoreService/GetContextTypes", strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Connect-Protocol-Version", "1")
			req.Header.Set("Origin", "https://kfp.example.com")
			code, h, body := status(req)
			if code != tt.want.connect || (code == 200 && !strings.Contains(body, "system.Pipeline")) {
				t.Errorf("Connect GetContextTypes: %d %.80q, want %d", code, body, tt.want.connect)
			}
			if got := h.Get("Access-Control-Allow-Origin"); code != 0 && got != tt.want.cors {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tt.want.cors)
			}
		})
	}
}

// startBinary starts the server binary on a free loopback port with an
// in-memory store and returns its address and a func that stops it with
// SIGTERM, checks a clean exit and returns the log.
func startBinary(t *testing.T, bin string, args ...string) (string, func() string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--listen_address=127.0.0.1:0", "--log_format=text"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	addrRE := regexp.MustCompile(`msg="serving ml_metadata.MetadataStoreService" address=(\S+)`)
	var log []string
	var addr string
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("server exited:\n%s", strings.Join(log, "\n"))
			}
			log = append(log, l)
			if m := addrRE.FindStringSubmatch(l); m != nil {
				addr = m[1]
			}
			// The port listens before the store is open: wait for both.
			if addr != "" && strings.Contains(l, `msg="the store is open"`) {
				return addr, func() string {
					_ = cmd.Process.Signal(syscall.SIGTERM)
					for l := range lines {
						log = append(log, l)
					}
					if err := cmd.Wait(); err != nil {
						t.Errorf("exit after SIGTERM: %v\n%s", err, strings.Join(log, "\n"))
					}
					return strings.Join(log, "\n")
				}
			}
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("no startup line:\n%s", strings.Join(log, "\n"))
		}
	}
}
