package mlmd

// Listing: ListOptions validation, keyset pagination over driver.ListNodes
// and the opaque next-page token.

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// pageTokenVersion is the version of the token encoding; tokens of other
// versions are rejected.
const pageTokenVersion = 1

// pageToken is the content of a next-page token: the key of the last row
// of the page, and a fingerprint of the listing it belongs to.
type pageToken struct {
	V int    `json:"v"`
	O int64  `json:"o"` // order value of the last row
	I int64  `json:"i"` // id of the last row
	F string `json:"f"` // fingerprint of the listing
	C string `json:"c"` // checksum of the fields above
}

func (t pageToken) checksum() string {
	h := sha256.New()
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(t.V))
	h.Write(b[:])
	binary.BigEndian.PutUint64(b[:], uint64(t.O))
	h.Write(b[:])
	binary.BigEndian.PutUint64(b[:], uint64(t.I))
	h.Write(b[:])
	h.Write([]byte(t.F))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:9])
}

// encodePageToken returns the token that continues a listing after key.
func encodePageToken(key driver.NodeKey, fingerprint string) string {
	t := pageToken{V: pageTokenVersion, O: key.OrderValue, I: key.ID, F: fingerprint}
	t.C = t.checksum()
	b, err := json.Marshal(t)
	if err != nil {
		// A struct of ints and strings always marshals.
		panic(fmt.Sprintf("mlmd: marshal page token: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodePageToken parses a token and checks that it belongs to the listing
// with the given fingerprint. Every failure is InvalidArgument.
func decodePageToken(s, fingerprint string) (driver.NodeKey, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return driver.NodeKey{}, errcode.New(errcode.InvalidArgument, "invalid next page token: not a token issued by this store")
	}
	var t pageToken
	if err := json.Unmarshal(b, &t); err != nil {
		return driver.NodeKey{}, errcode.New(errcode.InvalidArgument, "invalid next page token: not a token issued by this store")
	}
	if t.V != pageTokenVersion {
		return driver.NodeKey{}, errcode.New(errcode.InvalidArgument, "invalid next page token: unknown version %d", t.V)
	}
	if t.C != t.checksum() {
		return driver.NodeKey{}, errcode.New(errcode.InvalidArgument, "invalid next page token: the token was altered")
	}
	if t.F != fingerprint {
		return driver.NodeKey{}, errcode.New(errcode.InvalidArgument,
			"invalid next page token: it was issued for a listing with other options (order, filter or selection)")
	}
	return driver.NodeKey{ID: t.I, OrderValue: t.O}, nil
}

// listing is a validated ListOptions: the driver query of the next page
// and the page size.
type listing struct {
	q           driver.ListQuery
	size        int
	fingerprint string
}

// fingerprintOf identifies a listing by everything that must stay the same
// from page to page: what is listed, the order and the filter. The page
// size may change between pages.
func fingerprintOf(q driver.ListQuery) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("kind=%d\x00type=%d\x00context=%d\x00order=%d\x00desc=%t\x00filter=%s",
		q.Kind, q.TypeID, q.ContextID, q.OrderBy, q.Desc, q.Filter.String())))
	return base64.RawURLEncoding.EncodeToString(h[:12])
}

// listSpec is a ListOptions checked for a listing of one kind, before any
// transaction: the page size, the order and the checked filter query. The
// next-page token is checked against the listing in the transaction (see
// listing), because a listing by type name learns its type id there.
type listSpec struct {
	kind      Kind
	size      int
	orderBy   driver.OrderField
	desc      bool
	filter    *driver.Filter
	pageToken string
}

// planListing checks opts for a listing of kind k; nil opts (everything,
// ordered by id) gives a nil *listSpec.
func planListing(k Kind, opts *ListOptions) (*listSpec, error) {
	if opts == nil {
		return nil, nil
	}
	sp := &listSpec{kind: k, desc: opts.Desc, pageToken: opts.NextPageToken}
	switch {
	case opts.MaxResultSize < 0:
		return nil, errcode.New(errcode.InvalidArgument, "max_result_size must not be negative, got %d", opts.MaxResultSize)
	case opts.MaxResultSize == 0:
		sp.size = DefaultListResultSize
	case opts.MaxResultSize > MaxListResultSize:
		sp.size = MaxListResultSize
	default:
		sp.size = int(opts.MaxResultSize)
	}
	switch opts.OrderBy {
	case OrderUnspecified, OrderByID:
		sp.orderBy = driver.OrderByID
	case OrderByCreateTime:
		sp.orderBy = driver.OrderByCreateTime
	case OrderByUpdateTime:
		sp.orderBy = driver.OrderByUpdateTime
	default:
		return nil, errcode.New(errcode.InvalidArgument, "unsupported order field %d", int32(opts.OrderBy))
	}
	if opts.FilterQuery != "" {
		f, err := checkFilter(opts.FilterQuery, k)
		if err != nil {
			return nil, err
		}
		sp.filter = f
	}
	return sp, nil
}

// listing returns the listing of sp restricted to a type and/or a context
// when those are not 0, positioned after the next-page token.
func (sp *listSpec) listing(typeID, contextID int64) (listing, error) {
	l := listing{
		q: driver.ListQuery{Kind: sp.kind, TypeID: typeID, ContextID: contextID, Filter: sp.filter,
			OrderBy: sp.orderBy, Desc: sp.desc},
		size: sp.size,
	}
	l.fingerprint = fingerprintOf(l.q)
	if sp.pageToken != "" {
		key, err := decodePageToken(sp.pageToken, l.fingerprint)
		if err != nil {
			return l, err
		}
		l.q.After = &key
	}
	l.q.Limit = l.size + 1
	return l, nil
}

// newListing is planListing and listing in one step, for opts not nil.
func newListing(k Kind, typeID, contextID int64, opts *ListOptions) (listing, error) {
	sp, err := planListing(k, opts)
	if err != nil {
		return listing{}, err
	}
	return sp.listing(typeID, contextID)
}

// page runs the listing: it returns one page of nodes, in the listing's
// order, and the token of the next page ("" after the last).
func (l listing) page(ctx context.Context, tx driver.Tx) ([]node, string, error) {
	if pt, ok := optional[driver.PageTx](tx); ok {
		keys, rows, err := pt.ListNodePage(ctx, l.q)
		if err != nil {
			return nil, "", err
		}
		keys, token := l.cut(keys)
		ns, err := nodesFromRows(ctx, rows)
		if err != nil {
			return nil, "", err
		}
		return inKeyOrder(ns, keys), token, nil
	}
	keys, err := tx.ListNodes(ctx, l.q)
	if err != nil {
		return nil, "", err
	}
	keys, token := l.cut(keys)
	nodes, err := nodesOfKeys(ctx, tx, Kind(l.q.Kind), keys)
	if err != nil {
		return nil, "", err
	}
	return nodes, token, nil
}

// cut returns the keys of the page, of the size+1 the listing asks for,
// and the next page's token ("" when there is no key beyond the page).
func (l listing) cut(keys []driver.NodeKey) ([]driver.NodeKey, string) {
	if len(keys) <= l.size {
		return keys, ""
	}
	keys = keys[:l.size]
	return keys, encodePageToken(keys[len(keys)-1], l.fingerprint)
}

// listAll returns every node of kind k in the type and/or context (0 for
// any), ordered by id: the answer of a listing without ListOptions.
func listAll(ctx context.Context, tx driver.Tx, k Kind, typeID, contextID int64) ([]node, error) {
	q := driver.ListQuery{Kind: driver.Kind(k), TypeID: typeID, ContextID: contextID, OrderBy: driver.OrderByID}
	if pt, ok := optional[driver.PageTx](tx); ok {
		_, rows, err := pt.ListNodePage(ctx, q)
		if err != nil {
			return nil, err
		}
		return nodesFromRows(ctx, rows) // ordered by id, as the listing
	}
	keys, err := tx.ListNodes(ctx, q)
	if err != nil {
		return nil, err
	}
	return nodesOfKeys(ctx, tx, k, keys)
}

// listNodes answers a listing call of sp's kind (see planListing):
// everything ordered by id when sp is nil, else one page.
func listNodes(ctx context.Context, tx driver.Tx, k Kind, typeID, contextID int64, sp *listSpec) ([]node, string, error) {
	if typeID < 0 || contextID < 0 {
		// No node has a type or context with a negative id; 0 means "any"
		// to the driver, so the by-context getters pass -1 for 0.
		if sp != nil {
			if _, err := sp.listing(typeID, contextID); err != nil {
				return nil, "", err
			}
		}
		return nil, "", nil
	}
	if sp == nil {
		ns, err := listAll(ctx, tx, k, typeID, contextID)
		return ns, "", err
	}
	l, err := sp.listing(typeID, contextID)
	if err != nil {
		return nil, "", err
	}
	return l.page(ctx, tx)
}

// getNodes loads the nodes with the given ids (unknown ids are skipped),
// ordered by id.
func getNodes(ctx context.Context, tx driver.Tx, k Kind, ids []int64) ([]node, error) {
	ids = dedupIDs(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := tx.GetNodes(ctx, driver.Kind(k), ids)
	if err != nil {
		return nil, err
	}
	return nodesFromRows(ctx, rows)
}

// nodesFromRows decodes node rows with their properties, in order.
func nodesFromRows(ctx context.Context, rows []driver.NodeRow) ([]node, error) {
	out := make([]node, len(rows))
	for i, r := range rows {
		if err := stopped(ctx, i); err != nil {
			return nil, err
		}
		var err error
		if out[i], err = nodeFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// nodesOfKeys loads the nodes of a listing's keys, in the keys' order.
func nodesOfKeys(ctx context.Context, tx driver.Tx, k Kind, keys []driver.NodeKey) ([]node, error) {
	ids := make([]int64, len(keys))
	for i, key := range keys {
		ids[i] = key.ID
	}
	ns, err := getNodes(ctx, tx, k, ids)
	if err != nil {
		return nil, err
	}
	return inKeyOrder(ns, keys), nil
}

// inKeyOrder returns the nodes of ns in the order of keys, leaving out
// the keys of no node in ns and the nodes of no key.
func inKeyOrder(ns []node, keys []driver.NodeKey) []node {
	byID := make(map[int64]node, len(ns))
	for _, n := range ns {
		byID[n.ID] = n
	}
	out := make([]node, 0, len(keys))
	for _, key := range keys {
		if n, ok := byID[key.ID]; ok {
			out = append(out, n)
		}
	}
	return out
}
