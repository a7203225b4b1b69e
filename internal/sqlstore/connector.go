package sqlstore

import (
	"context"

	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// ConnectorFunc is a driver.Connector made of a function, for a backend
// that binds its parsed configuration into a closure.
type ConnectorFunc func(ctx context.Context, opts *driver.OpenOptions) (driver.Conn, error)

// Connect calls f.
func (f ConnectorFunc) Connect(ctx context.Context, opts *driver.OpenOptions) (driver.Conn, error) {
	return f(ctx, opts)
}

// OrZero returns opts, or the zero options where opts is nil, which
// driver.Driver.Open accepts.
func OrZero(opts *driver.OpenOptions) *driver.OpenOptions {
	if opts == nil {
		return &driver.OpenOptions{}
	}
	return opts
}

// OpenDSN parses dsn with parse, into the engine's configuration and the
// backend's own settings, and opens them with open: the body of a
// backend's driver.Driver.Open.
func OpenDSN[C, O any](ctx context.Context, dsn string, opts *driver.OpenOptions,
	parse func(dsn string) (C, O, error), open func(context.Context, C, O, *driver.OpenOptions) (driver.Conn, error)) (driver.Conn, error) {
	cfg, own, err := parse(dsn)
	if err != nil {
		return nil, err
	}
	return open(ctx, cfg, own, opts)
}
