package testdb

import (
	"context"
	"fmt"
	"sync"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// StatementCounter counts the statements that the stores opened through
// its drivers send to the database (see sqlstore.ObserveStatements), BEGIN
// and COMMIT included. It is safe for concurrent use.
type StatementCounter struct {
	mu      sync.Mutex
	queries []string
}

// Driver returns a driver.Driver that opens stores with d and counts
// their statements. d must open *sqlstore.Conn values.
func (c *StatementCounter) Driver(d driver.Driver) driver.Driver {
	return countingDriver{d, c}
}

// Take returns the statements counted since the last Take, and starts
// over.
func (c *StatementCounter) Take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.queries
	c.queries = nil
	return q
}

func (c *StatementCounter) observe(query string, _ []any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queries = append(c.queries, query)
}

type countingDriver struct {
	d driver.Driver
	c *StatementCounter
}

func (d countingDriver) Open(ctx context.Context, dsn string, opts *driver.OpenOptions) (driver.Conn, error) {
	conn, err := d.d.Open(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(*sqlstore.Conn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("testdb: %T is not a *sqlstore.Conn", conn)
	}
	return sqlstore.ObserveStatements(sc, d.c.observe), nil
}
