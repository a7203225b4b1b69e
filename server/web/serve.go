package web

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"connectrpc.com/vanguard"
	"connectrpc.com/vanguard/vanguardgrpc"
	"github.com/rs/cors"

	"github.com/gomlmd/gomlmd/server"
)

// Options configure Handler and Serve. The zero value is usable.
type Options struct {
	// Logger receives the HTTP side's messages; nil means slog.Default().
	Logger *slog.Logger
	// TLS, when set, makes Serve terminate TLS on every connection (the gRPC
	// server must then be built without transport credentials).
	TLS *tls.Config
	// CORSOrigins are the origins allowed to call the service from a
	// browser page served elsewhere ("*" allows any). Empty: no CORS
	// headers, so only same-origin pages (the explorer) can call.
	CORSOrigins []string
	// Explorer, when set, serves every path that is not an RPC (the web
	// explorer's pages).
	Explorer http.Handler
	// ShutdownTimeout bounds the graceful shutdown of both servers.
	ShutdownTimeout time.Duration
}

// Handler returns the HTTP handler of the HTTP side: gRPC-Web and the
// Connect protocol for every service registered on gs (transcoded by
// vanguard onto gs), and opts.Explorer for the other paths, behind CORS
// when opts.CORSOrigins is set.
func Handler(gs *server.Server, opts *Options) (http.Handler, error) {
	if opts == nil {
		opts = &Options{}
	}
	tc, err := vanguardgrpc.NewTranscoder(gs.GRPC,
		vanguard.WithDefaultServiceOptions(vanguard.WithMaxMessageBufferBytes(server.DefaultMaxMsgSize)))
	if err != nil {
		return nil, fmt.Errorf("web: gRPC-Web transcoder: %w", err)
	}
	mux := http.NewServeMux()
	for name := range gs.GRPC.GetServiceInfo() {
		mux.Handle("/"+name+"/", tc)
	}
	if opts.Explorer != nil {
		mux.Handle("/", opts.Explorer)
	}
	var h http.Handler = mux
	if len(opts.CORSOrigins) > 0 {
		h = cors.New(cors.Options{
			AllowedOrigins: opts.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{
				"Content-Type", "X-Grpc-Web", "X-User-Agent", "Grpc-Timeout",
				"Connect-Protocol-Version", "Connect-Timeout-Ms", "Authorization",
			},
			ExposedHeaders: []string{
				"Grpc-Status", "Grpc-Message", "Grpc-Status-Details-Bin",
				"Content-Encoding", "Connect-Content-Encoding",
			},
			MaxAge: 7200,
		}).Handler(mux)
	}
	return h, nil
}

// Serve serves gRPC, gRPC-Web, Connect and h on lis until ctx is done, then
// shuts both servers down gracefully (gRPC through gs.Serve's own graceful
// stop). It returns nil after a shutdown caused by ctx.
func Serve(ctx context.Context, lis net.Listener, gs *server.Server, h http.Handler, opts *Options) error {
	if opts == nil {
		opts = &Options{}
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	timeout := opts.ShutdownTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	grpcLis := newConnListener(lis.Addr())
	httpLis := newConnListener(lis.Addr())

	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		Protocols:         new(http.Protocols),
	}
	// Decrypted TLS connections reach the HTTP server as plain connections,
	// so HTTP/2 is spoken as prior-knowledge "unencrypted" HTTP/2 on both.
	hs.Protocols.SetHTTP1(true)
	hs.Protocols.SetUnencryptedHTTP2(true)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 3)
	go func() { errc <- gs.Serve(ctx, grpcLis, timeout) }()
	go func() {
		if err := hs.Serve(httpLis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("web: HTTP server: %w", err)
			return
		}
		errc <- nil
	}()
	go func() { errc <- acceptLoop(ctx, lis, opts.TLS, grpcLis, httpLis, logger) }()

	var first error
	pending := 3
	select {
	case first = <-errc:
		pending--
	case <-ctx.Done():
	}
	cancel()
	lis.Close()
	sctx, scancel := context.WithTimeout(context.Background(), timeout)
	defer scancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	httpLis.Close()
	for ; pending > 0; pending-- {
		if err := <-errc; first == nil {
			first = err
		}
	}
	if first != nil && ctx.Err() != nil && isClosedErr(first) {
		first = nil
	}
	return first
}

func isClosedErr(err error) bool {
	return errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "use of closed network connection")
}

// acceptLoop accepts connections, terminates TLS when configured, sniffs
// each one and hands it to the gRPC or the HTTP listener.
func acceptLoop(ctx context.Context, lis net.Listener, tlsCfg *tls.Config, grpcLis, httpLis *connListener, logger *slog.Logger) error {
	if tlsCfg != nil {
		tlsCfg = tlsCfg.Clone()
		tlsCfg.NextProtos = []string{"h2", "http/1.1"}
	}
	var backoff time.Duration
	for {
		conn, err := lis.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			return fmt.Errorf("web: accept: %w", err)
		}
		backoff = 0
		go func() {
			if tlsCfg != nil {
				tc := tls.Server(conn, tlsCfg)
				hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := tc.HandshakeContext(hctx)
				cancel()
				if err != nil {
					logger.Debug("TLS handshake failed", "peer", conn.RemoteAddr().String(), "error", err)
					conn.Close()
					return
				}
				conn = tc
			}
			sc, rt, err := sniff(conn)
			if err != nil {
				conn.Close()
				return
			}
			if rt == routeGRPC {
				grpcLis.put(sc)
			} else {
				httpLis.put(sc)
			}
		}()
	}
}

// connListener is a net.Listener fed by acceptLoop.
type connListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newConnListener(addr net.Addr) *connListener {
	return &connListener{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *connListener) put(c net.Conn) {
	select {
	case l.conns <- c:
	case <-l.done:
		c.Close()
	}
}

func (l *connListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *connListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *connListener) Addr() net.Addr { return l.addr }
