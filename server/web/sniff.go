package web

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// sniffTimeout bounds how long a new connection may take to send its first
// bytes.
const sniffTimeout = 10 * time.Second

// quietDelay is how long an HTTP/2 connection may stay silent after its
// preface before it is taken for a gRPC client. grpc-go clients send their
// preface and then wait for the server's SETTINGS before the first request;
// browsers and other HTTP clients send the preface and the first request in
// one go. A silent connection gets an empty SETTINGS frame and goes to the
// gRPC transport (which ignores the client's extra SETTINGS ACK).
const quietDelay = 50 * time.Millisecond

// maxSniffBytes bounds what is buffered while looking for the first request's
// headers.
const maxSniffBytes = 64 << 10

// route says which server takes a connection.
type route int

const (
	routeHTTP route = iota
	routeGRPC
)

// sniffedConn is a connection whose first bytes were read while sniffing; it
// replays them before reading on.
type sniffedConn struct {
	net.Conn
	r io.Reader
}

func (c *sniffedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// sniff reads the start of conn and decides where it goes. The bytes read
// are replayed by the returned connection.
func sniff(conn net.Conn) (net.Conn, route, error) {
	var buf bytes.Buffer
	_ = conn.SetReadDeadline(time.Now().Add(sniffTimeout))
	tee := io.TeeReader(io.LimitReader(conn, maxSniffBytes), &buf)
	rt, err := classify(tee, func() { _ = conn.SetReadDeadline(time.Now().Add(quietDelay)) })
	_ = conn.SetReadDeadline(time.Time{})
	var ne net.Error
	if err != nil && errors.As(err, &ne) && ne.Timeout() && rt == routeGRPC {
		// An HTTP/2 client waiting for the server's SETTINGS.
		err = http2.NewFramer(conn, nil).WriteSettings()
	}
	if err != nil {
		return nil, rt, err
	}
	return &sniffedConn{Conn: conn, r: io.MultiReader(bytes.NewReader(buf.Bytes()), conn)}, rt, nil
}

// classify reads an HTTP/2 client preface and frames up to the first
// HEADERS frame (with its CONTINUATIONs), and routes by its content-type.
// A connection that does not start with the preface is HTTP/1.x.
// afterPreface is called once the preface has been read.
func classify(r io.Reader, afterPreface func()) (route, error) {
	// Read until the bytes stop matching the preface (HTTP/1.x: decided on
	// the first byte, so a short request line never waits) or all of it
	// has arrived.
	var got [len(http2.ClientPreface)]byte
	for n := 0; n < len(got); {
		m, err := r.Read(got[n:])
		n += m
		if !strings.HasPrefix(http2.ClientPreface, string(got[:n])) {
			return routeHTTP, nil
		}
		if err != nil {
			if n > 0 && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) {
				return routeHTTP, nil // closed early; net/http answers
			}
			return routeHTTP, err
		}
	}
	afterPreface()
	fr := http2.NewFramer(io.Discard, bufio.NewReader(r))
	contentType := ""
	dec := hpack.NewDecoder(4096, func(f hpack.HeaderField) {
		if f.Name == "content-type" {
			contentType = f.Value
		}
	})
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return routeGRPC, err
		}
		var frag []byte
		end := false
		switch f := f.(type) {
		case *http2.HeadersFrame:
			frag, end = f.HeaderBlockFragment(), f.HeadersEnded()
		case *http2.ContinuationFrame:
			frag, end = f.HeaderBlockFragment(), f.HeadersEnded()
		default:
			continue
		}
		if _, err := dec.Write(frag); err != nil {
			return routeHTTP, nil // let net/http report the bad request
		}
		if end {
			if isGRPC(contentType) {
				return routeGRPC, nil
			}
			return routeHTTP, nil
		}
	}
}

// isGRPC reports whether a content-type is native gRPC's (application/grpc,
// application/grpc+proto, ...) rather than gRPC-Web's.
func isGRPC(ct string) bool {
	return ct == "application/grpc" ||
		(strings.HasPrefix(ct, "application/grpc+") || strings.HasPrefix(ct, "application/grpc;"))
}
