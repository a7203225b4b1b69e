package mysqlstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// TestOpenSilentServer opens a store on a server that accepts connections
// and never answers: Open fails with Unavailable once the connect timeout
// has passed, with or without database creation.
func TestOpenSilentServer(t *testing.T) {
	addr := testdb.SilentListener(t)
	host, port, _ := net.SplitHostPort(addr)
	var p int64
	fmt.Sscan(port, &p)
	const timeout = 500 * time.Millisecond
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprintf("skip_db_creation=%v", skip), func(t *testing.T) {
			cfg := &Config{Host: host, Port: p, Database: "mlmd", User: "root", ConnectTimeout: timeout, SkipDBCreation: skip}
			start := time.Now()
			_, err := Open(context.Background(), *cfg, nil)
			took := time.Since(start)
			if mlmd.CodeOf(err) != mlmd.Unavailable {
				t.Fatalf("Open: %v (code %v), want Unavailable", err, mlmd.CodeOf(err))
			}
			if !strings.Contains(err.Error(), "connect timeout") {
				t.Errorf("Open: %v, want a message naming the connect timeout", err)
			}
			// One connect timeout, plus generous slack for a loaded machine.
			if took < timeout || took > timeout+5*time.Second {
				t.Errorf("Open took %v, want about the connect timeout %v", took, timeout)
			}
		})
	}
}

// freezableProxy forwards TCP connections to a server until frozen; then it
// stops forwarding in both directions and keeps every connection, old and
// new, open and silent: the network path is black-holed.
type freezableProxy struct {
	addr   string
	mu     sync.Mutex
	frozen bool
	conns  []net.Conn
	// budget, when not negative, is how many more bytes the server may
	// send before the proxy freezes.
	budget int
}

func newFreezableProxy(t *testing.T, target string) *freezableProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezableProxy{addr: l.Addr().String(), budget: -1}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.conns = append(p.conns, c)
			frozen := p.frozen
			p.mu.Unlock()
			if frozen {
				continue
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, s)
			p.mu.Unlock()
			go p.pipe(c, s, true)
			go p.pipe(s, c, false)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.conns {
			c.Close()
		}
	})
	return p
}

// pipe copies from src to dst until the proxy is frozen; what arrives after
// that is dropped. fromServer marks the direction the byte budget counts.
func (p *freezableProxy) pipe(dst, src net.Conn, fromServer bool) {
	buf := make([]byte, 4<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		send := n
		if p.frozen {
			send = 0
		} else if fromServer && p.budget >= 0 {
			if send > p.budget {
				send, p.frozen = p.budget, true
			}
			p.budget -= send
		}
		p.mu.Unlock()
		if send > 0 {
			if _, err := dst.Write(buf[:send]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// freezeAfter lets the server send n more bytes, then freezes.
func (p *freezableProxy) freezeAfter(n int) {
	p.mu.Lock()
	p.budget = n
	p.mu.Unlock()
}

func (p *freezableProxy) freeze() {
	p.mu.Lock()
	p.frozen = true
	p.mu.Unlock()
}

// TestBlackholedCall black-holes the store's connections after it has
// opened: a call without a deadline of its own returns Unavailable after
// the read timeout, naming it, and is not run again (which would wait for
// a new connection as well): a read and a write black-holed before their
// first statement, and a listing black-holed while its rows stream in.
func TestBlackholedCall(t *testing.T) {
	server := testdb.MySQLServer(t)
	dsn := testdb.MySQLStoreDatabase(t)
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	// Enough artifacts for a listing of about 2 MB.
	setup, err := mlmd.Open(context.Background(), "mysql", dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	typeID, err := setup.PutArtifactType(context.Background(), mlmd.ArtifactType{Name: "Blob"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	arts := make([]mlmd.Artifact, 5000)
	for i := range arts {
		arts[i] = mlmd.Artifact{TypeID: typeID, Name: fmt.Sprintf("a%05d", i), URI: strings.Repeat("u", 400)}
	}
	if _, err := setup.PutArtifacts(context.Background(), arts, nil); err != nil {
		t.Fatal(err)
	}
	setup.Close()

	// A call that is run again waits for a second read timeout (on
	// another pooled connection) or a connect timeout: below twice the read
	// timeout means it was not.
	const readTimeout, connectTimeout = 3 * time.Second, 3 * time.Second
	for _, call := range []struct {
		name string
		// budget is how many bytes the server may still send once the
		// call starts; -1 freezes at once.
		budget int
		run    func(s *mlmd.Store) error
	}{
		{"read", -1, func(s *mlmd.Store) error { _, err := s.GetArtifactTypes(context.Background()); return err }},
		{"write", -1, func(s *mlmd.Store) error {
			_, err := s.PutContextType(context.Background(), mlmd.ContextType{Name: "T" + fmt.Sprint(time.Now().UnixNano())}, nil)
			return err
		}},
		{"rows streaming", 256 << 10, func(s *mlmd.Store) error {
			_, _, err := s.GetArtifactsByType(context.Background(), "Blob", "", nil)
			return err
		}},
	} {
		t.Run(call.name, func(t *testing.T) {
			proxy := newFreezableProxy(t, server.Addr)
			host, port, _ := net.SplitHostPort(proxy.addr)
			var p int64
			fmt.Sscan(port, &p)
			cfg := &Config{Host: host, Port: p, Database: mc.DBName, User: mc.User, Password: mc.Passwd,
				ConnectTimeout: connectTimeout, ReadTimeout: readTimeout, WriteTimeout: readTimeout}
			s, err := Open(context.Background(), *cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := call.run(s); err != nil {
				t.Fatalf("before the black hole: %v", err)
			}
			if call.budget < 0 {
				proxy.freeze()
			} else {
				proxy.freezeAfter(call.budget)
			}
			start := time.Now()
			err = call.run(s)
			took := time.Since(start)
			if mlmd.CodeOf(err) != mlmd.Unavailable {
				t.Fatalf("black-holed call: %v (code %v), want Unavailable", err, mlmd.CodeOf(err))
			}
			if !strings.Contains(err.Error(), "read timeout") {
				t.Errorf("black-holed call: %v, want a message naming the read timeout", err)
			}
			if took < readTimeout || took >= 2*readTimeout {
				t.Errorf("black-holed call took %v, want about the read timeout %v, and not twice that (run again)", took, readTimeout)
			}
		})
	}
}

// TestOpenPermanentErrors opens stores with settings that cannot work:
// each fails at once with the code of its cause, not Unavailable, and
// with a message that names the problem and not the server's address.
func TestOpenPermanentErrors(t *testing.T) {
	server := testdb.MySQLServer(t)
	host, port, _ := net.SplitHostPort(server.Addr)
	var p int64
	fmt.Sscan(port, &p)
	testdb.MySQLExec(t,
		"CREATE USER IF NOT EXISTS 'gomlmd_noaccess'@'%' IDENTIFIED BY 'right'",
		"CREATE USER IF NOT EXISTS 'gomlmd_noaccess'@'localhost' IDENTIFIED BY 'right'")
	t.Cleanup(func() {
		testdb.MySQLExec(t, "DROP USER IF EXISTS 'gomlmd_noaccess'@'%'", "DROP USER IF EXISTS 'gomlmd_noaccess'@'localhost'")
	})
	missing := "gomlmd_missing_" + fmt.Sprint(time.Now().UnixNano())
	tests := []struct {
		name string
		cfg  Config
		code errcode.Code
		msg  string
	}{
		{"wrong password", Config{Host: host, Port: p, Database: "mlmd", User: "gomlmd_noaccess", Password: "wrong"},
			errcode.Unauthenticated, "rejected the user name or password"},
		{"may not create the database", Config{Host: host, Port: p, Database: missing, User: "gomlmd_noaccess", Password: "right"},
			errcode.PermissionDenied, "may not create databases"},
		{"no rights on the database", Config{Host: host, Port: p, Database: missing, User: "gomlmd_noaccess", Password: "right", SkipDBCreation: true},
			errcode.PermissionDenied, "no rights on the database"},
		{"unknown database, creation off", Config{Host: host, Port: p, Database: missing, User: server.User, Password: server.Passwd, SkipDBCreation: true},
			errcode.NotFound, "does not exist"},
		{"unresolvable host", Config{Host: "no-such-host.invalid", Database: "mlmd", User: "root"},
			errcode.InvalidArgument, "does not resolve"},
		{"nothing listening", Config{Host: "127.0.0.1", Port: int64(freePort(t)), Database: "mlmd", User: "root"},
			errcode.Unavailable, "cannot be reached"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Open(context.Background(), tc.cfg, nil)
			took := time.Since(start)
			if mlmd.CodeOf(err) != tc.code {
				t.Fatalf("Open: %v (code %v), want %v", err, mlmd.CodeOf(err), tc.code)
			}
			var e *errcode.Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Open: %q, want it to say %q", err, tc.msg)
			}
			// The message of the outermost error, without its causes,
			// names neither the address nor the database.
			if public := publicMessage(err); strings.Contains(public, server.Addr) || strings.Contains(public, missing) || strings.Contains(public, "Error 10") {
				t.Errorf("public message %q carries the address, the database or the server's error", public)
			}
			// A failure-speed requirement: permanent errors are not waited
			// on. The bound is generous for a loaded machine.
			if took > 2*time.Second {
				t.Errorf("Open took %v, want well under 2s", took)
			}
		})
	}
}

// publicMessage is what a client is shown of err (errcode.Message):
// without the database's own error, which a server logs but does not send.
func publicMessage(err error) string { return errcode.Message(err) }

// TestTooManyConnections serves 64 concurrent clients of one store from a
// private MariaDB with max_connections=20. With the default pool every
// call succeeds and the server refuses no connection; with a pool larger
// than the server allows, every call still succeeds, and the refused
// attempts stay few (pauses between them, no tight loop).
func TestTooManyConnections(t *testing.T) {
	srv := startPrivateServer(t, "--max-connections=20")
	const clients, callsEach = 64, 10
	tests := []struct {
		name         string
		maxOpenConns int
		maxRefused   int64
	}{
		{"default pool", 0, 0},
		// 64 clients, 20 slots: up to 44 waiters, each retrying at most
		// a few dozen times within a call.
		{"pool above max_connections", 64, 44 * 40},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := fmt.Sprintf("mlmd%d", i)
			cfg := &Config{Host: "127.0.0.1", Port: int64(srv.port), Database: db, User: "root", MaxOpenConns: tc.maxOpenConns}
			s, err := Open(context.Background(), *cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			typeID, err := s.PutContextType(context.Background(), mlmd.ContextType{Name: "Run"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			before := refusedConnections(t, srv)
			errs := concurrently(clients, func(c int) error {
				for k := range callsEach {
					name := fmt.Sprintf("c%d-%d", c, k)
					if _, err := s.PutContexts(context.Background(), []mlmd.Context{{TypeID: typeID, Name: name}}, nil); err != nil {
						return fmt.Errorf("put %s: %w", name, err)
					}
					if _, _, err := s.GetContextsByType(context.Background(), "Run", "", &mlmd.ListOptions{MaxResultSize: 5}); err != nil {
						return fmt.Errorf("list after %s: %w", name, err)
					}
				}
				return nil
			})
			for c, err := range errs {
				if err != nil {
					t.Errorf("client %d: %v", c, err)
				}
			}
			refused := refusedConnections(t, srv) - before
			t.Logf("%d clients × %d calls: %d connections refused", clients, 2*callsEach, refused)
			if refused > tc.maxRefused {
				t.Errorf("%d connections refused, want at most %d", refused, tc.maxRefused)
			}
		})
	}
}

// refusedConnections is the server's count of connections refused for
// max_connections.
func refusedConnections(t *testing.T, srv *privateServer) int64 {
	t.Helper()
	db := srv.rootDB("")
	defer db.Close()
	var name string
	var n int64
	if err := db.QueryRow("SHOW GLOBAL STATUS LIKE 'Connection_errors_max_connections'").Scan(&name, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConnectorWrapsRows checks that the connector's result sets are its
// own (so that a read timeout while rows stream in is reported as one):
// go-sql-driver's rows must keep implementing the interfaces forwarded.
func TestConnectorWrapsRows(t *testing.T) {
	cfg := testdb.MySQLServer(t)
	setTimeoutDefaults(cfg)
	c, err := newConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := c.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	if _, ok := dc.(*conn); !ok {
		t.Fatalf("Connect returned %T, want *conn", dc)
	}
	r, err := dc.(*conn).QueryContext(context.Background(), "SELECT 1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, ok := r.(*rows); !ok {
		t.Fatalf("QueryContext returned %T, want *rows", r)
	}
}
