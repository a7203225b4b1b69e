package mysqlstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// paramFailover is the backend's own DSN parameter that lists further
// servers, host:port separated by commas, to connect to when the DSN's own
// server does not accept a connection: the nodes of a multi-writer cluster
// such as Galera, where any node takes the same reads and writes.
//
//	root@tcp(db1:3306)/mlmd?failover=db2:3306,db3:3306
//
// Every new connection tries the DSN's server first, then the others in
// order; connections already open stay where they are until they break or
// reach conn_max_lifetime, so a replica moves back to its first server a
// few minutes after that server returns. The connect timeout (the DSN's
// timeout parameter, or the caller's deadline) is shared among the servers
// still to try, so a server that does not answer at all does not use it
// up. A server that accepts connections but is not part of the cluster's
// primary component (a Galera node that is partitioned away or still
// joining) is not skipped: its errors (1047) are retried and then reported
// as Unavailable; a proxy that checks node state (MaxScale, ProxySQL,
// HAProxy with a health check) handles that case, see docs/scale-out.md.
const paramFailover = "failover"

// parseFailover parses the value of paramFailover.
func parseFailover(v string) ([]string, error) {
	var addrs []string
	for _, a := range strings.Split(v, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(a); err != nil {
			return nil, fmt.Errorf("%q is not host:port: %w", a, err)
		}
		addrs = append(addrs, a)
	}
	if len(addrs) == 0 {
		return nil, errors.New("names no server")
	}
	return addrs, nil
}

// failoverDialer returns a go-sql-driver DialFunc that connects to the
// first of addr and then others that accepts a connection.
func failoverDialer(others []string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		all := append([]string{addr}, others...)
		var errs []error
		for i, a := range all {
			dctx, cancel := ctx, context.CancelFunc(func() {})
			if dl, ok := ctx.Deadline(); ok {
				dctx, cancel = context.WithTimeout(ctx, time.Until(dl)/time.Duration(len(all)-i))
			}
			var d net.Dialer
			c, err := d.DialContext(dctx, network, a)
			cancel()
			if err == nil {
				return c, nil
			}
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
		return nil, fmt.Errorf("no server of %s accepts a connection: %w", strings.Join(all, ", "), errors.Join(errs...))
	}
}
