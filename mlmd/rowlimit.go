package mlmd

import (
	"context"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// rowLimitConn is a backend connection whose read-only transactions bound
// their unpaged listings (Options.MaxResultRows).
type rowLimitConn struct {
	driver.Conn
	max int
}

func (c rowLimitConn) InTx(ctx context.Context, opts driver.TxOptions, fn func(tx driver.Tx) error) error {
	if !opts.ReadOnly {
		return c.Conn.InTx(ctx, opts, fn)
	}
	return c.Conn.InTx(ctx, opts, func(tx driver.Tx) error {
		if pt, ok := tx.(driver.PageTx); ok {
			return fn(rowLimitPageTx{rowLimitTx{tx, c.max}, pt})
		}
		return fn(rowLimitTx{tx, c.max})
	})
}

// As forwards Store.As to the wrapped connection.
func (c rowLimitConn) As(target any) bool {
	a, ok := c.Conn.(interface{ As(any) bool })
	return ok && a.As(target)
}

// rowLimitTx bounds the unpaged listings of a read transaction to max
// nodes (Options.MaxResultRows): it asks the backend for one key more than
// max, and fails with ResourceExhausted if it gets it, before any node is
// loaded.
type rowLimitTx struct {
	driver.Tx
	max int
}

// unwrap returns the backend's Tx, whose optional interfaces (see
// optional) the wrapper does not change.
func (t rowLimitTx) unwrap() driver.Tx { return t.Tx }

// optional returns tx as the optional driver interface T: tx itself, or
// the backend's Tx that a wrapper of the store's own holds (rowLimitTx,
// which bounds only ListNodes and, as rowLimitPageTx, ListNodePage). A
// plain type assertion would not see through the wrapper, and calls would
// take the portable paths under mlmd-server, which sets MaxResultRows.
func optional[T any](tx driver.Tx) (T, bool) {
	for {
		if t, ok := tx.(T); ok {
			return t, true
		}
		w, ok := tx.(interface{ unwrap() driver.Tx })
		if !ok {
			var zero T
			return zero, false
		}
		tx = w.unwrap()
	}
}

func (t rowLimitTx) ListNodes(ctx context.Context, q driver.ListQuery) ([]driver.NodeKey, error) {
	q, unpaged := t.bound(q)
	keys, err := t.Tx.ListNodes(ctx, q)
	if err == nil && unpaged && len(keys) > t.max {
		return nil, t.exhausted(q.Kind)
	}
	return keys, err
}

// bound returns q with the limit of an unpaged listing (one node more
// than max, to tell an answer over the limit), and whether q was unpaged;
// a page is bounded by MaxListResultSize already.
func (t rowLimitTx) bound(q driver.ListQuery) (driver.ListQuery, bool) {
	if q.Limit != 0 {
		return q, false
	}
	q.Limit = t.max + 1
	return q, true
}

// exhausted is the error of an unpaged listing of kind k over the limit.
func (t rowLimitTx) exhausted(k driver.Kind) error {
	return errcode.New(errcode.ResourceExhausted,
		"the answer would hold more than %d %ss, the limit of one call; list them in pages (ListOperationOptions max_result_size and next_page_token)",
		t.max, Kind(k))
}

// rowLimitPageTx is rowLimitTx over a driver.PageTx, whose pages it
// bounds too: an unpaged listing read with its nodes is asked for one node
// more than max (so at most max+1 nodes are loaded) and fails with
// ResourceExhausted if it gets it.
type rowLimitPageTx struct {
	rowLimitTx
	pt driver.PageTx
}

func (t rowLimitPageTx) ListNodePage(ctx context.Context, q driver.ListQuery) ([]driver.NodeKey, []driver.NodeRow, error) {
	q, unpaged := t.bound(q)
	keys, rows, err := t.pt.ListNodePage(ctx, q)
	if err == nil && unpaged && len(keys) > t.max {
		return nil, nil, t.exhausted(q.Kind)
	}
	return keys, rows, err
}
