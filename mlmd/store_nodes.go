package mlmd

// Nodes: the set-based upsert engine behind PutArtifacts, PutExecutions,
// PutContexts, PutExecution and PutLineageSubgraph, and the node getters.

import (
	"context"
	"maps"
	"slices"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// upsertItem is one node of a put call.
type upsertItem struct {
	n node
	// sameAs, if not negative, makes the item an update of the node that
	// the earlier item with that index creates or updates in the same call
	// (used when a node is reused within one PutExecution).
	sameAs int
	// mask is the parsed update mask; nil updates the whole node.
	mask *updateMask
	// checkUpdateTime fails the update with FailedPrecondition unless the
	// stored node's last update time equals n.UpdateTime.
	checkUpdateTime bool
	// forceUpdateTime updates the last update time even when nothing
	// changes.
	forceUpdateTime bool
}

func newItem(n node) upsertItem { return upsertItem{n: n, sameAs: -1} }

func checkState(k Kind, s int32) error {
	switch k {
	case KindArtifact:
		if s < int32(ArtifactStateUnknown) || s > int32(ArtifactStateReference) {
			return invalid("unknown artifact state %d", s)
		}
	case KindExecution:
		if s < int32(ExecutionStateUnknown) || s > int32(ExecutionStateCanceled) {
			return invalid("unknown execution state %d", s)
		}
	}
	return nil
}

// checkNodeValues checks what can be checked of a node without the store.
func checkNodeValues(k Kind, n node) error {
	if n.ID < 0 {
		return invalid("%s has an invalid id %d", k, n.ID)
	}
	if n.TypeID < 0 {
		return invalid("%s has an invalid type id %d", k, n.TypeID)
	}
	if err := checkState(k, n.State); err != nil {
		return err
	}
	if err := checkProperties("properties", n.Props); err != nil {
		return err
	}
	return checkProperties("custom_properties", n.Custom)
}

// checkPropertiesWithType checks the properties of n against its type:
// each must be declared with the kind of its value. With a mask that
// names single properties, only those are checked (MLMD's rule).
func checkPropertiesWithType(k Kind, n node, t driver.TypeRow, m *updateMask) error {
	for _, name := range slices.Sorted(maps.Keys(n.Props)) {
		if !m.checksProperty(name) {
			continue
		}
		// MLMD's exact messages (rdbms_metadata_access_object.h), which
		// clients match on; the caller adds which node it is.
		pt, ok := t.Properties[name]
		if !ok {
			return invalid("Found unknown property: %s", name)
		}
		if got := n.Props[name].Type(); int32(got) != pt {
			return invalid("Found unmatched property type: %s", name)
		}
	}
	return nil
}

// mergeProps applies an update of the properties in names: a name only in
// prev is deleted, a name in cur is set. It returns the new properties and
// the number of properties that changed.
func mergeProps(prev, cur Properties, names map[string]bool) (Properties, int) {
	out := prev.Clone()
	changes := 0
	for name := range names {
		pv, inPrev := prev[name]
		cv, inCur := cur[name]
		switch {
		case inPrev && !inCur:
			delete(out, name)
			changes++
		case inCur && (!inPrev || !pv.Equal(cv)):
			if out == nil {
				out = Properties{}
			}
			out[name] = cv
			changes++
		}
	}
	if len(out) == 0 {
		out = nil
	}
	return out, changes
}

// applyUpdate returns the node that an update of cur with in (under mask
// m) leaves, and the number of properties it changes. As in MLMD, the name
// of an artifact or execution is never changed by an update (MLMD's update
// statements do not set it); a context's name is.
func applyUpdate(k Kind, cur, in node, m *updateMask) (node, int) {
	next := cur
	if k == KindArtifact && m.hasField("uri") {
		next.URI = in.URI
	}
	if m.hasField("external_id") {
		next.ExternalID = in.ExternalID
	}
	if (k == KindArtifact && m.hasField("state")) || (k == KindExecution && m.hasField("last_known_state")) {
		next.State = in.State
	}
	if k == KindContext && m.hasField("name") {
		next.Name = in.Name
	}
	var c1, c2 int
	next.Props, c1 = mergeProps(cur.Props, in.Props, m.propertyNames(false, in.Props, cur.Props))
	next.Custom, c2 = mergeProps(cur.Custom, in.Custom, m.propertyNames(true, in.Custom, cur.Custom))
	return next, c1 + c2
}

// fieldsDiffer reports whether the given node differs from the stored one
// in a field other than the type, the properties and the times: MLMD's
// test of whether an update changes anything (it compares the given node
// as a whole, whatever the mask).
func fieldsDiffer(k Kind, in, cur node) bool {
	if in.Name != cur.Name || in.ExternalID != cur.ExternalID {
		return true
	}
	switch k {
	case KindArtifact:
		return in.URI != cur.URI || in.State != cur.State
	case KindExecution:
		return in.State != cur.State
	}
	return false
}

// propertyDiff appends the property rows to write and the keys to delete
// to turn the properties of old into those of new.
func propertyDiff(id int64, old, new Properties, custom bool, ups []driver.PropertyRow, dels []driver.PropertyKey) ([]driver.PropertyRow, []driver.PropertyKey, error) {
	for _, name := range slices.Sorted(maps.Keys(new)) {
		v := new[name]
		if ov, ok := old[name]; ok && ov.Equal(v) {
			continue
		}
		r, err := propertyRow(id, name, v, custom)
		if err != nil {
			return nil, nil, err
		}
		ups = append(ups, r)
	}
	for _, name := range slices.Sorted(maps.Keys(old)) {
		if _, ok := new[name]; !ok {
			dels = append(dels, driver.PropertyKey{NodeID: id, Name: name, IsCustom: custom})
		}
	}
	return ups, dels, nil
}

// callCache holds what one call has read before writing: the types it
// names, so that each type is fetched once per call, and what a prefetch
// read with them (see prefetch.go).
type callCache struct {
	kinds map[driver.Kind]map[int64]driver.TypeRow
	// prefetched are the type ids that prefetch looked up, found or not.
	prefetched map[int64]bool
	reads      prefetchedReads
}

// prefetchTypes looks up the types with the given ids, of any kind, in one
// driver call, so that the get calls of the call that follow need none
// for them. Ids of 0 are skipped.
func (c *callCache) prefetchTypes(ctx context.Context, tx driver.Tx, ids []int64) error {
	return c.prefetch(ctx, tx, driver.Prefetch{TypeIDs: ids})
}

// addTypes records the types that a lookup of ids found.
func (c *callCache) addTypes(ids []int64, rows []driver.TypeRow) {
	if c.kinds == nil {
		c.kinds = map[driver.Kind]map[int64]driver.TypeRow{}
	}
	if c.prefetched == nil {
		c.prefetched = map[int64]bool{}
	}
	for _, r := range rows {
		m := c.kinds[r.Kind]
		if m == nil {
			m = map[int64]driver.TypeRow{}
			c.kinds[r.Kind] = m
		}
		m[r.ID] = r
	}
	for _, id := range ids {
		c.prefetched[id] = true
	}
}

// get returns the types of kind k with the given ids that exist, fetching
// the ones not yet known in one driver call.
func (c *callCache) get(ctx context.Context, tx driver.Tx, k driver.Kind, ids []int64) (map[int64]driver.TypeRow, error) {
	if c.kinds == nil {
		c.kinds = map[driver.Kind]map[int64]driver.TypeRow{}
	}
	m := c.kinds[k]
	if m == nil {
		m = map[int64]driver.TypeRow{}
		c.kinds[k] = m
	}
	var missing []int64
	for _, id := range dedupIDs(ids) {
		if _, ok := m[id]; !ok && !c.prefetched[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		rows, err := tx.FindTypes(ctx, driver.TypeQuery{Kind: k, IDs: missing})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			m[r.ID] = r
		}
	}
	return m, nil
}

// upsertNodes creates the items without id and updates the others, in a
// bounded number of driver calls, and returns the ids in the order of
// items. The items are applied in order: a later update of the same node
// sees the earlier ones. Its phases: check the values, read the stored
// nodes and the types once, apply the items in memory, write.
func upsertNodes(ctx context.Context, tx driver.Tx, k Kind, items []upsertItem, now int64, tc *callCache) ([]int64, error) {
	if len(items) == 0 {
		return nil, nil
	}
	for i, it := range items {
		if err := stopped(ctx, i); err != nil {
			return nil, err
		}
		if err := checkNodeValues(k, it.n); err != nil {
			return nil, errcode.Annotate(err, "%s %d", k, i)
		}
	}
	u := &nodeUpsert{k: k, dk: driver.Kind(k), tx: tx, now: now,
		cur: map[int64]*node{}, dirty: map[int64]bool{}, keys: make([]int64, len(items))}
	if err := u.load(ctx, items, tc); err != nil {
		return nil, err
	}
	for i, it := range items {
		if err := stopped(ctx, i); err != nil {
			return nil, err
		}
		if err := u.apply(i, it); err != nil {
			return nil, err
		}
	}
	newIDs, err := u.insertCreated(ctx)
	if err != nil {
		return nil, err
	}
	if err := u.writeUpdated(ctx); err != nil {
		return nil, err
	}
	out := make([]int64, len(items))
	for i, key := range u.keys {
		if key > 0 {
			out[i] = key
		} else {
			out[i] = newIDs[key]
		}
	}
	return out, nil
}

// nodeUpsert is the state of one upsertNodes call. Nodes are keyed by
// their stored id, or by -(n+1) for the n-th node created.
type nodeUpsert struct {
	k   Kind
	dk  driver.Kind
	tx  driver.Tx
	now int64

	stored  map[int64]node           // the stored nodes that are updated
	types   map[int64]driver.TypeRow // the types of all the items
	cur     map[int64]*node          // each node as the items so far leave it
	dirty   map[int64]bool           // stored nodes that the items change
	creates []int64                  // keys of the created nodes, in order
	keys    []int64                  // the key of each item
}

// load reads the stored nodes that the items update, and the types of all
// the items, once.
func (u *nodeUpsert) load(ctx context.Context, items []upsertItem, tc *callCache) error {
	var ids []int64
	for _, it := range items {
		if it.sameAs < 0 && it.n.ID > 0 {
			ids = append(ids, it.n.ID)
		}
	}
	if tc == nil {
		tc = &callCache{}
	}
	storedList, err := tc.getNodes(ctx, u.tx, u.k, ids)
	if err != nil {
		return err
	}
	u.stored = make(map[int64]node, len(storedList))
	for _, n := range storedList {
		u.stored[n.ID] = n
	}
	var typeIDs []int64
	for i, it := range items {
		switch {
		case it.sameAs >= 0:
		case it.n.ID > 0:
			s, ok := u.stored[it.n.ID]
			if !ok {
				return invalid("%s %d: cannot find the %s with id %d", u.k, i, u.k, it.n.ID)
			}
			typeIDs = append(typeIDs, s.TypeID)
		default:
			if it.n.TypeID == 0 {
				return invalid("%s %d: the type id is missing", u.k, i)
			}
			typeIDs = append(typeIDs, it.n.TypeID)
		}
	}
	u.types, err = tc.get(ctx, u.tx, u.dk, typeIDs)
	return err
}

// apply applies item i in memory: a new node, or an update of a stored
// node or of one an earlier item created or updated.
func (u *nodeUpsert) apply(i int, it upsertItem) error {
	k := u.k
	var key int64
	switch {
	case it.sameAs >= 0:
		key = u.keys[it.sameAs]
	case it.n.ID > 0:
		key = it.n.ID
	default:
		return u.create(i, it)
	}
	c := u.cur[key]
	if c == nil {
		s := u.stored[key]
		c = &s
		u.cur[key] = c
	}
	if it.n.TypeID != 0 && it.n.TypeID != c.TypeID {
		return invalid("%s %d: the given type id %d differs from the stored one, %d", k, i, it.n.TypeID, c.TypeID)
	}
	t, ok := u.types[c.TypeID]
	if !ok {
		return errcode.New(errcode.FailedPrecondition, "%s %d: the stored %s %d has no type (type id %d)", k, i, k, c.ID, c.TypeID)
	}
	if err := checkPropertiesWithType(k, it.n, t, it.mask); err != nil {
		return errcode.Annotate(err, "%s %d (type %q)", k, i, t.Name)
	}
	if it.checkUpdateTime && it.n.UpdateTime != c.UpdateTime {
		return errcode.New(errcode.FailedPrecondition,
			"%s %d: AbortIfLatestUpdatedTimeChanged is set, and the stored %s with id %d was last updated at %d, not %d",
			k, i, k, c.ID, c.UpdateTime, it.n.UpdateTime)
	}
	next, changes := applyUpdate(k, *c, it.n, it.mask)
	if k == KindContext && next.Name == "" {
		return invalid("context %d: the context name must not be empty", i)
	}
	if changes > 0 || it.forceUpdateTime || fieldsDiffer(k, it.n, *c) {
		next.UpdateTime = u.now
		if it.checkUpdateTime && next.UpdateTime <= c.UpdateTime {
			// The caller relies on the time moving forward.
			next.UpdateTime = c.UpdateTime + 1
		}
		*c = next
		u.dirty[key] = true
	}
	u.keys[i] = key
	return nil
}

// create applies item i, a new node, in memory.
func (u *nodeUpsert) create(i int, it upsertItem) error {
	k := u.k
	t, ok := u.types[it.n.TypeID]
	if !ok {
		return errcode.New(errcode.NotFound, "%s %d: no %s type with id %d", k, i, k, it.n.TypeID)
	}
	if err := checkPropertiesWithType(k, it.n, t, nil); err != nil {
		return errcode.Annotate(err, "%s %d (type %q)", k, i, t.Name)
	}
	if k == KindContext && it.n.Name == "" {
		return invalid("context %d: the context name must not be empty", i)
	}
	n := it.n
	n.ID, n.TypeName = 0, t.Name
	n.Props, n.Custom = n.Props.Clone(), n.Custom.Clone()
	n.CreateTime, n.UpdateTime = u.now, u.now
	key := -int64(len(u.creates) + 1)
	u.creates = append(u.creates, key)
	u.cur[key] = &n
	u.keys[i] = key
	return nil
}

// insertCreated inserts the new nodes with their properties in one driver
// call and returns their ids by key.
func (u *nodeUpsert) insertCreated(ctx context.Context) (map[int64]int64, error) {
	newIDs := map[int64]int64{}
	if len(u.creates) == 0 {
		return newIDs, nil
	}
	rows := make([]driver.NodeRow, len(u.creates))
	for j, key := range u.creates {
		if err := stopped(ctx, j); err != nil {
			return nil, err
		}
		var err error
		if rows[j], err = u.cur[key].row(true); err != nil {
			return nil, err
		}
	}
	got, err := u.tx.InsertNodes(ctx, u.dk, rows)
	if errcode.Of(err) == errcode.AlreadyExists {
		err = duplicateNodeError(ctx, u.tx, u.k, rows, u.types, err)
	}
	if err != nil {
		return nil, errcode.Annotate(err, "create %ss", u.k)
	}
	if len(got) != len(rows) {
		return nil, errcode.New(errcode.Internal, "driver returned %d ids for %d new %ss", len(got), len(rows), u.k)
	}
	for j, key := range u.creates {
		newIDs[key] = got[j]
	}
	return newIDs, nil
}

// writeUpdated writes the changed stored nodes: one update, one property
// delete and one property upsert.
func (u *nodeUpsert) writeUpdated(ctx context.Context) error {
	var upd []driver.NodeRow
	var ups []driver.PropertyRow
	var dels []driver.PropertyKey
	var err error
	for j, key := range slices.Sorted(maps.Keys(u.dirty)) {
		if err := stopped(ctx, j); err != nil {
			return err
		}
		if key < 0 {
			continue
		}
		n := u.cur[key]
		r, _ := n.row(false)
		upd = append(upd, r)
		old := u.stored[key]
		if ups, dels, err = propertyDiff(key, old.Props, n.Props, false, ups, dels); err != nil {
			return err
		}
		if ups, dels, err = propertyDiff(key, old.Custom, n.Custom, true, ups, dels); err != nil {
			return err
		}
	}
	if len(upd) > 0 {
		if err := u.tx.UpdateNodes(ctx, u.dk, upd); err != nil {
			if errcode.Of(err) == errcode.AlreadyExists {
				err = duplicateNodeError(ctx, u.tx, u.k, upd, u.types, err)
			}
			return errcode.Annotate(err, "update %ss", u.k)
		}
	}
	if len(dels) > 0 {
		if err := u.tx.DeleteProperties(ctx, u.dk, dels); err != nil {
			return err
		}
	}
	if len(ups) > 0 {
		if err := u.tx.UpsertProperties(ctx, u.dk, ups); err != nil {
			return err
		}
	}
	return nil
}

// nodesByExternalID finds nodes by external ids: none for no ids, NotFound
// when none of them exists (as MLMD).
func nodesByExternalID(ctx context.Context, tx driver.Tx, k Kind, externalIDs []string) ([]node, error) {
	if err := checkExternalIDs(externalIDs); err != nil {
		return nil, err
	}
	if len(externalIDs) == 0 {
		return nil, nil
	}
	ids, err := tx.FindNodeIDs(ctx, driver.Kind(k), driver.NodeQuery{ExternalIDs: externalIDs})
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, errcode.New(errcode.NotFound, "no %ss found for the given external ids", k)
	}
	return getNodes(ctx, tx, k, ids)
}

// typeIDByName returns the id of the type of kind k with a name and
// version, and false if there is none.
func typeIDByName(ctx context.Context, tx driver.Tx, k Kind, name, version string) (int64, bool, error) {
	rows, err := tx.FindTypes(ctx, driver.TypeQuery{Kind: driver.Kind(k), Names: []driver.NameVersion{{Name: name, Version: version}}})
	if err != nil || len(rows) == 0 {
		return 0, false, err
	}
	return rows[0].ID, true, nil
}

// nodesByType lists the nodes of a type given by name; none when the type
// does not exist.
func nodesByType(ctx context.Context, tx driver.Tx, k Kind, typeName, typeVersion string, sp *listSpec) ([]node, string, error) {
	typeID, ok, err := typeIDByName(ctx, tx, k, typeName, typeVersion)
	if err != nil || !ok {
		return nil, "", err
	}
	return listNodes(ctx, tx, k, typeID, 0, sp)
}

// nodeByTypeAndName finds the node of kind k with a name in a type.
func nodeByTypeAndName(ctx context.Context, tx driver.Tx, k Kind, typeName, typeVersion, name string) (node, error) {
	if nt, ok := optional[driver.NamedNodeTx](tx); ok {
		rows, err := nt.GetNodeByTypeAndName(ctx, driver.Kind(k), typeName, typeVersion, name)
		if err != nil {
			return node{}, err
		}
		if len(rows) == 0 {
			return node{}, errcode.New(errcode.NotFound, "no %s named %q in a %s type named %q with version %q", k, name, k, typeName, typeVersion)
		}
		return nodeFromRow(rows[0])
	}
	typeID, ok, err := typeIDByName(ctx, tx, k, typeName, typeVersion)
	if err != nil {
		return node{}, err
	}
	if !ok {
		return node{}, errcode.New(errcode.NotFound, "no %s type named %q with version %q", k, typeName, typeVersion)
	}
	ids, err := tx.FindNodeIDs(ctx, driver.Kind(k), driver.NodeQuery{TypeID: typeID, Names: []string{name}})
	if err != nil {
		return node{}, err
	}
	ns, err := getNodes(ctx, tx, k, ids)
	if err != nil {
		return node{}, err
	}
	if len(ns) == 0 {
		return node{}, errcode.New(errcode.NotFound, "no %s named %q in type %q (version %q)", k, name, typeName, typeVersion)
	}
	return ns[0], nil
}

// ---- Public API -------------------------------------------------------------

// putNodes creates or updates nodes of one kind in one transaction, under
// the update mask given by its paths; with checkUpdateTime, updates are
// checked against the node's LastUpdateTimeSinceEpoch.
func (s *Store) putNodes(ctx context.Context, op string, k Kind, ns []node, mask []string, checkUpdateTime bool) ([]int64, error) {
	m := parseUpdateMask(k, mask)
	var ids []int64
	err := s.write(ctx, op, func(tx driver.Tx, now int64) error {
		items := make([]upsertItem, len(ns))
		// The types the nodes name and the stored nodes they update, in
		// one read (the stored nodes' types are those named, or the call
		// fails).
		q := driver.Prefetch{Nodes: map[driver.Kind][]int64{}}
		for i, n := range ns {
			items[i] = newItem(n)
			items[i].mask = m
			items[i].checkUpdateTime = checkUpdateTime && n.ID != 0
			q.TypeIDs = append(q.TypeIDs, n.TypeID)
			if n.ID > 0 {
				q.Nodes[driver.Kind(k)] = append(q.Nodes[driver.Kind(k)], n.ID)
			}
		}
		tc := &callCache{}
		if err := tc.prefetch(ctx, tx, q); err != nil {
			return err
		}
		var err error
		ids, err = upsertNodes(ctx, tx, k, items, now, tc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// PutArtifacts creates the artifacts whose ID is 0 and updates the others,
// in one transaction, and returns their ids in order.
//
// Properties must be declared by the type with the same value kind
// (InvalidArgument otherwise); custom properties are free. A new artifact
// needs a TypeID (InvalidArgument when 0, NotFound when no such artifact
// type exists). An update of an unknown id, or with another TypeID, is
// InvalidArgument; without an UpdateMask it replaces the URI, external id,
// state and the properties (properties left out are deleted). As in MLMD,
// an update never changes an artifact's name, and an update that changes
// nothing keeps LastUpdateTimeSinceEpoch. A name taken in the type or an
// external id taken is AlreadyExists.
func (s *Store) PutArtifacts(ctx context.Context, artifacts []Artifact, opts *PutArtifactsOptions) ([]int64, error) {
	if opts == nil {
		opts = &PutArtifactsOptions{}
	}
	return s.putNodes(ctx, "PutArtifacts", KindArtifact, mapSlice(artifacts, artifactNode), opts.UpdateMask, opts.AbortIfLatestUpdatedTimeChanged)
}

// PutExecutions creates or updates executions, as PutArtifacts.
func (s *Store) PutExecutions(ctx context.Context, executions []Execution, opts *PutExecutionsOptions) ([]int64, error) {
	if opts == nil {
		opts = &PutExecutionsOptions{}
	}
	return s.putNodes(ctx, "PutExecutions", KindExecution, mapSlice(executions, executionNode), opts.UpdateMask, false)
}

// PutContexts creates or updates contexts, as PutArtifacts. A context
// needs a non-empty Name (InvalidArgument), unique within its type
// (AlreadyExists); unlike artifacts and executions, an update may rename a
// context.
func (s *Store) PutContexts(ctx context.Context, contexts []Context, opts *PutContextsOptions) ([]int64, error) {
	if opts == nil {
		opts = &PutContextsOptions{}
	}
	return s.putNodes(ctx, "PutContexts", KindContext, mapSlice(contexts, contextNode), opts.UpdateMask, false)
}

// readNodes answers a node getter: it runs find in a read transaction and
// converts the nodes it returns with to.
func readNodes[T any](ctx context.Context, s *Store, op string, to func([]node) []T, find func(tx driver.Tx) ([]node, error)) ([]T, error) {
	return readNodesWith(ctx, s.read, op, to, find)
}

// readNodesByID is readNodes for a lookup by ids, one statement unless the
// ids are many: it asks for no transaction (see Store.readOne).
func readNodesByID[T any](ctx context.Context, s *Store, op string, to func([]node) []T, k Kind, ids []int64) ([]T, error) {
	return readNodesWith(ctx, s.readOne, op, to, func(tx driver.Tx) ([]node, error) {
		return getNodes(ctx, tx, k, ids)
	})
}

func readNodesWith[T any](ctx context.Context, read func(context.Context, string, func(driver.Tx) error) error, op string,
	to func([]node) []T, find func(tx driver.Tx) ([]node, error)) ([]T, error) {
	var ns []node
	err := read(ctx, op, func(tx driver.Tx) (err error) {
		ns, err = find(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return to(ns), nil
}

// readPage is readNodes for listings, which also return the next page
// token.
//
// The listing options of kind k, opts, are checked before the transaction
// begins (see planListing); find gets them checked. pageOnly says that
// find reads nothing but the page (listNodes), so that a page read in one
// statement needs no transaction.
func readPage[T any](ctx context.Context, s *Store, op string, to func([]node) []T, k Kind, opts *ListOptions, pageOnly bool,
	find func(tx driver.Tx, sp *listSpec) ([]node, string, error)) ([]T, string, error) {
	sp, err := planListing(k, opts)
	if err != nil {
		return nil, "", wrapErr(op, err)
	}
	var ns []node
	var token string
	read := s.read
	if pageOnly {
		// A page, and an unpaged listing bounded by MaxResultRows, is
		// usually read in one statement (driver.PageTx), which needs no
		// transaction; find may run twice.
		read = s.readOne
	}
	err = read(ctx, op, func(tx driver.Tx) (err error) {
		ns, token, err = find(tx, sp)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return to(ns), token, nil
}

// readNode is readNodes for getters of one node.
//
// find usually reads with one statement (driver.NamedNodeTx), which needs
// no transaction; it may run twice.
func readNode[T any](ctx context.Context, s *Store, op string, to func(node) T, find func(tx driver.Tx) (node, error)) (T, error) {
	var n node
	err := s.readOne(ctx, op, func(tx driver.Tx) (err error) {
		n, err = find(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return to(n), nil
}

// GetArtifactsByID returns the artifacts with the given ids, ordered by
// id; unknown ids are skipped.
func (s *Store) GetArtifactsByID(ctx context.Context, ids []int64) ([]Artifact, error) {
	return readNodesByID(ctx, s, "GetArtifactsByID", toArtifacts, KindArtifact, ids)
}

// GetExecutionsByID returns the executions with the given ids, ordered by
// id; unknown ids are skipped.
func (s *Store) GetExecutionsByID(ctx context.Context, ids []int64) ([]Execution, error) {
	return readNodesByID(ctx, s, "GetExecutionsByID", toExecutions, KindExecution, ids)
}

// GetContextsByID returns the contexts with the given ids, ordered by id;
// unknown ids are skipped.
func (s *Store) GetContextsByID(ctx context.Context, ids []int64) ([]Context, error) {
	return readNodesByID(ctx, s, "GetContextsByID", toContexts, KindContext, ids)
}

// GetArtifacts lists artifacts, one page at a time (see ListOptions), and
// returns the next page token ("" after the last page).
func (s *Store) GetArtifacts(ctx context.Context, opts *ListOptions) ([]Artifact, string, error) {
	return readPage(ctx, s, "GetArtifacts", toArtifacts, KindArtifact, opts, true, func(tx driver.Tx, sp *listSpec) ([]node, string, error) {
		return listNodes(ctx, tx, KindArtifact, 0, 0, sp)
	})
}

// GetExecutions lists executions, as GetArtifacts.
func (s *Store) GetExecutions(ctx context.Context, opts *ListOptions) ([]Execution, string, error) {
	return readPage(ctx, s, "GetExecutions", toExecutions, KindExecution, opts, true, func(tx driver.Tx, sp *listSpec) ([]node, string, error) {
		return listNodes(ctx, tx, KindExecution, 0, 0, sp)
	})
}

// GetContexts lists contexts, as GetArtifacts.
func (s *Store) GetContexts(ctx context.Context, opts *ListOptions) ([]Context, string, error) {
	return readPage(ctx, s, "GetContexts", toContexts, KindContext, opts, true, func(tx driver.Tx, sp *listSpec) ([]node, string, error) {
		return listNodes(ctx, tx, KindContext, 0, 0, sp)
	})
}

// GetArtifactsByType lists the artifacts of the type with the given name
// and version; none (and no error) when the type does not exist.
func (s *Store) GetArtifactsByType(ctx context.Context, typeName, typeVersion string, opts *ListOptions) ([]Artifact, string, error) {
	return readPage(ctx, s, "GetArtifactsByType", toArtifacts, KindArtifact, opts, false, func(tx driver.Tx, sp *listSpec) ([]node, string, error) {
		return nodesByType(ctx, tx, KindArtifact, typeName, typeVersion, sp)
	})
}

// GetExecutionsByType lists the executions of a type, as GetArtifactsByType.
func (s *Store) GetExecutionsByType(ctx context.Context, typeName, typeVersion string, opts *ListOptions) ([]Execution, string, error) {
	return readPage(ctx, s, "GetExecutionsByType", toExecutions, KindExecution, opts, false, func(tx driver.Tx, sp *listSpec) ([]node, string, error) {
		return nodesByType(ctx, tx, KindExecution, typeName, typeVersion, sp)
	})
}

// GetContextsByType lists the contexts of a type, as GetArtifactsByType.
func (s *Store) GetContextsByType(ctx context.Context, typeName, typeVersion string, opts *ListOptions) ([]Context, string, error) {
	return readPage(ctx, s, "GetContextsByType", toContexts, KindContext, opts, false, func(tx driver.Tx, sp *listSpec) ([]node, string, error) {
		return nodesByType(ctx, tx, KindContext, typeName, typeVersion, sp)
	})
}

// GetArtifactByTypeAndName returns the artifact with the given name in the
// given type. Errors: NotFound when the type or the artifact does not exist.
func (s *Store) GetArtifactByTypeAndName(ctx context.Context, typeName, typeVersion, name string) (Artifact, error) {
	return readNode(ctx, s, "GetArtifactByTypeAndName", node.artifact, func(tx driver.Tx) (node, error) {
		return nodeByTypeAndName(ctx, tx, KindArtifact, typeName, typeVersion, name)
	})
}

// GetExecutionByTypeAndName is GetArtifactByTypeAndName for executions.
func (s *Store) GetExecutionByTypeAndName(ctx context.Context, typeName, typeVersion, name string) (Execution, error) {
	return readNode(ctx, s, "GetExecutionByTypeAndName", node.execution, func(tx driver.Tx) (node, error) {
		return nodeByTypeAndName(ctx, tx, KindExecution, typeName, typeVersion, name)
	})
}

// GetContextByTypeAndName is GetArtifactByTypeAndName for contexts.
func (s *Store) GetContextByTypeAndName(ctx context.Context, typeName, typeVersion, name string) (Context, error) {
	return readNode(ctx, s, "GetContextByTypeAndName", node.context, func(tx driver.Tx) (node, error) {
		return nodeByTypeAndName(ctx, tx, KindContext, typeName, typeVersion, name)
	})
}

// GetArtifactsByURI returns the artifacts with any of the given uris,
// ordered by id. The empty uri matches the artifacts that have none.
func (s *Store) GetArtifactsByURI(ctx context.Context, uris []string) ([]Artifact, error) {
	return readNodes(ctx, s, "GetArtifactsByURI", toArtifacts, func(tx driver.Tx) ([]node, error) {
		if len(uris) == 0 {
			return nil, nil
		}
		ids, err := tx.FindNodeIDs(ctx, driver.KindArtifact, driver.NodeQuery{URIs: slices.Compact(slices.Sorted(slices.Values(uris)))})
		if err != nil {
			return nil, err
		}
		return getNodes(ctx, tx, KindArtifact, ids)
	})
}

// GetArtifactsByExternalIDs returns the artifacts with the given external
// ids, ordered by id. Errors, as in MLMD: InvalidArgument if one of them
// is empty, NotFound if none of them exists.
func (s *Store) GetArtifactsByExternalIDs(ctx context.Context, externalIDs []string) ([]Artifact, error) {
	return readNodes(ctx, s, "GetArtifactsByExternalIDs", toArtifacts, func(tx driver.Tx) ([]node, error) {
		return nodesByExternalID(ctx, tx, KindArtifact, externalIDs)
	})
}

// GetExecutionsByExternalIDs returns the executions with the given external
// ids. Errors as GetArtifactsByExternalIDs.
func (s *Store) GetExecutionsByExternalIDs(ctx context.Context, externalIDs []string) ([]Execution, error) {
	return readNodes(ctx, s, "GetExecutionsByExternalIDs", toExecutions, func(tx driver.Tx) ([]node, error) {
		return nodesByExternalID(ctx, tx, KindExecution, externalIDs)
	})
}

// GetContextsByExternalIDs returns the contexts with the given external
// ids. Errors as GetArtifactsByExternalIDs.
func (s *Store) GetContextsByExternalIDs(ctx context.Context, externalIDs []string) ([]Context, error) {
	return readNodes(ctx, s, "GetContextsByExternalIDs", toContexts, func(tx driver.Tx) ([]node, error) {
		return nodesByExternalID(ctx, tx, KindContext, externalIDs)
	})
}
