// Package web serves mlmd-server's HTTP side on the gRPC port: gRPC-Web and
// the Connect protocol (binary and JSON), transcoded by
// connectrpc.com/vanguard onto the same *grpc.Server that plain gRPC clients
// reach, plus optional extra handlers such as the web explorer.
//
// One listener carries everything. Each new connection is sniffed: HTTP/2
// connections whose first request has content-type application/grpc (not
// application/grpc-web) go to grpc-go's own transport, so native gRPC
// clients keep its full throughput; everything else (HTTP/1.1, HTTP/2 from
// browsers, gRPC-Web, Connect) goes to a net/http server. With TLS the
// listener terminates TLS first and offers h2 and http/1.1 by ALPN.
package web
