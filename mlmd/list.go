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
		q.Kind, q.TypeID, q.ContextID, q.OrderBy, q.Desc, q.Filter)))
	return base64.RawURLEncoding.EncodeToString(h[:12])
}

// newListing validates opts (which must not be nil) for a listing of kind
// k, restricted to a type and/or a context when those are not 0.
func newListing(k Kind, typeID, contextID int64, opts *ListOptions) (listing, error) {
	l := listing{q: driver.ListQuery{Kind: driver.Kind(k), TypeID: typeID, ContextID: contextID, Filter: opts.FilterQuery, Desc: opts.Desc}}
	switch {
	case opts.MaxResultSize < 0:
		return l, errcode.New(errcode.InvalidArgument, "max_result_size must not be negative, got %d", opts.MaxResultSize)
	case opts.MaxResultSize == 0:
		l.size = DefaultListResultSize
	case opts.MaxResultSize > MaxListResultSize:
		l.size = MaxListResultSize
	default:
		l.size = int(opts.MaxResultSize)
	}
	switch opts.OrderBy {
	case OrderUnspecified, OrderByID:
		l.q.OrderBy = driver.OrderByID
	case OrderByCreateTime:
		l.q.OrderBy = driver.OrderByCreateTime
	case OrderByUpdateTime:
		l.q.OrderBy = driver.OrderByUpdateTime
	default:
		return l, errcode.New(errcode.InvalidArgument, "unsupported order field %d", int32(opts.OrderBy))
	}
	l.fingerprint = fingerprintOf(l.q)
	if opts.NextPageToken != "" {
		key, err := decodePageToken(opts.NextPageToken, l.fingerprint)
		if err != nil {
			return l, err
		}
		l.q.After = &key
	}
	l.q.Limit = l.size + 1
	return l, nil
}

// page runs the listing: it returns one page of nodes, in the listing's
// order, and the token of the next page ("" after the last).
func (l listing) page(ctx context.Context, tx driver.Tx) ([]node, string, error) {
	keys, err := tx.ListNodes(ctx, l.q)
	if err != nil {
		return nil, "", err
	}
	token := ""
	if len(keys) > l.size {
		keys = keys[:l.size]
		token = encodePageToken(keys[len(keys)-1], l.fingerprint)
	}
	nodes, err := nodesOfKeys(ctx, tx, Kind(l.q.Kind), keys)
	if err != nil {
		return nil, "", err
	}
	return nodes, token, nil
}

// listAll returns every node of kind k in the type and/or context (0 for
// any), ordered by id: the answer of a listing without ListOptions.
func listAll(ctx context.Context, tx driver.Tx, k Kind, typeID, contextID int64) ([]node, error) {
	keys, err := tx.ListNodes(ctx, driver.ListQuery{Kind: driver.Kind(k), TypeID: typeID, ContextID: contextID, OrderBy: driver.OrderByID})
	if err != nil {
		return nil, err
	}
	return nodesOfKeys(ctx, tx, k, keys)
}

// listNodes answers a listing call: everything ordered by id when opts is
// nil, else one page.
func listNodes(ctx context.Context, tx driver.Tx, k Kind, typeID, contextID int64, opts *ListOptions) ([]node, string, error) {
	if typeID < 0 || contextID < 0 {
		// No node has a type or context with a negative id; 0 means "any"
		// to the driver, so the by-context getters pass -1 for 0.
		if opts != nil {
			if _, err := newListing(k, typeID, contextID, opts); err != nil {
				return nil, "", err
			}
		}
		return nil, "", nil
	}
	if opts == nil {
		ns, err := listAll(ctx, tx, k, typeID, contextID)
		return ns, "", err
	}
	l, err := newListing(k, typeID, contextID, opts)
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
	out := make([]node, len(rows))
	for i, r := range rows {
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
	byID := make(map[int64]node, len(ns))
	for _, n := range ns {
		byID[n.ID] = n
	}
	out := make([]node, 0, len(ids))
	for _, id := range ids {
		if n, ok := byID[id]; ok {
			out = append(out, n)
		}
	}
	return out, nil
}
