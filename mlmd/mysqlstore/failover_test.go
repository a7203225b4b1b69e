package mysqlstore

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

func TestParseFailover(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "db2:3306", want: []string{"db2:3306"}},
		{in: "db2:3306, db3:3307,", want: []string{"db2:3306", "db3:3307"}},
		{in: "[::1]:3306", want: []string{"[::1]:3306"}},
		{in: "db2", wantErr: "not host:port"},
		{in: " , ", wantErr: "names no server"},
	} {
		got, err := parseFailover(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseFailover(%q) = %v, %v; want error %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("parseFailover(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestFailoverDSN(t *testing.T) {
	for _, tc := range []struct {
		dsn  string
		code errcode.Code
	}{
		{"root@tcp(127.0.0.1:3306)/db?failover=nohost", errcode.InvalidArgument},
		{"root@unix(/tmp/sock)/db?failover=127.0.0.1:3306", errcode.InvalidArgument},
	} {
		if _, _, err := parseDSN(tc.dsn); errcode.Of(err) != tc.code {
			t.Errorf("parseDSN(%q) = %v; want %v", tc.dsn, err, tc.code)
		}
	}
	cfg, _, err := parseDSN("root@tcp(127.0.0.1:3306)/db?failover=127.0.0.1:3307")
	if err != nil || cfg.DialFunc == nil {
		t.Fatalf("parseDSN with failover: DialFunc %v, %v", cfg.DialFunc != nil, err)
	}
	if _, ok := cfg.Params[paramFailover]; ok {
		t.Error("the failover parameter is passed on to the server")
	}
}

// TestFailoverDialer connects through a dead address (a port nothing
// listens on) to a live one, and reports every address when none answers.
func TestFailoverDialer(t *testing.T) {
	live, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	dial := failoverDialer([]string{deadAddr, live.Addr().String()})
	c, err := dial(ctx, "tcp", deadAddr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if got := c.RemoteAddr().String(); got != live.Addr().String() {
		t.Errorf("connected to %s, want %s", got, live.Addr())
	}
	c.Close()

	_, err = failoverDialer([]string{deadAddr})(ctx, "tcp", deadAddr)
	if err == nil || !strings.Contains(err.Error(), deadAddr) {
		t.Fatalf("dial with no live server: %v", err)
	}
	if got := (&dialect{}).Classify(err); got != sqlstore.ClassConnectionLost {
		t.Errorf("Classify(%v) = %v; want ClassConnectionLost (retried, then Unavailable)", err, got)
	}
}
