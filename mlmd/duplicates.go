package mlmd

import (
	"context"
	"fmt"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// duplicateNodeError turns an AlreadyExists error of a node insert or
// update (the database's unique key violation, whose text names keys and
// values, not nodes) into one that says which node of which type exists,
// in MLMD's words ("Given node already exists: ..."). It looks, in tx, for
// the first row that repeats the type and name or the external id of an
// earlier row, or of a stored node other than itself. If it finds none, or
// the lookup fails, it returns err as it is.
func duplicateNodeError(ctx context.Context, tx driver.Tx, k Kind, rows []driver.NodeRow, types map[int64]driver.TypeRow, err error) error {
	typeName := func(id int64) string {
		if t, ok := types[id]; ok {
			return t.Name
		}
		return fmt.Sprintf("#%d", id)
	}
	exists := func(format string, args ...any) error {
		return errcode.Wrap(errcode.AlreadyExists, err, "Given node already exists: "+format, args...)
	}
	// Repeated within the rows.
	seenName := map[driver.TypeName]bool{}
	seenExt := map[string]bool{}
	var pairs []driver.TypeName
	var exts []string
	for _, r := range rows {
		if r.Name != "" {
			key := driver.TypeName{TypeID: r.TypeID, Name: r.Name}
			if seenName[key] {
				return exists("%s %q of type %q is given twice", k, r.Name, typeName(r.TypeID))
			}
			seenName[key] = true
			pairs = append(pairs, key)
		}
		if r.ExternalID != "" {
			if seenExt[r.ExternalID] {
				return exists("%s with external_id %q is given twice", k, r.ExternalID)
			}
			seenExt[r.ExternalID] = true
			exts = append(exts, r.ExternalID)
		}
	}
	// Against stored nodes.
	var ids []int64
	for _, q := range []driver.NodeQuery{{TypeNames: pairs}, {ExternalIDs: exts}} {
		if len(q.TypeNames) == 0 && len(q.ExternalIDs) == 0 {
			continue
		}
		found, ferr := tx.FindNodeIDs(ctx, driver.Kind(k), q)
		if ferr != nil {
			return err
		}
		ids = append(ids, found...)
	}
	if len(ids) == 0 {
		return err
	}
	stored, gerr := getNodes(ctx, tx, k, ids)
	if gerr != nil {
		return err
	}
	for _, r := range rows {
		for _, n := range stored {
			if n.ID == r.ID {
				continue // an update of the node itself
			}
			if r.Name != "" && n.TypeID == r.TypeID && n.Name == r.Name {
				return exists("%s %q of type %q (id %d)", k, n.Name, typeName(n.TypeID), n.ID)
			}
			if r.ExternalID != "" && n.ExternalID == r.ExternalID {
				return exists("%s with external_id %q (id %d, type %q)", k, n.ExternalID, n.ID, typeName(n.TypeID))
			}
		}
	}
	return err
}

// duplicateEventError is duplicateNodeError for events: it names the
// first event that repeats an earlier one's artifact, execution and type,
// or a stored event's, in MLMD's words ("Given event already exists").
func duplicateEventError(ctx context.Context, tx driver.Tx, rows []driver.EventRow, err error) error {
	type key struct {
		a, e int64
		t    int32
	}
	exists := func(r driver.EventRow, how string) error {
		return errcode.Wrap(errcode.AlreadyExists, err,
			"Given event already exists: the %s event of artifact %d and execution %d %s",
			EventType(r.Type), r.ArtifactID, r.ExecutionID, how)
	}
	seen := map[key]bool{}
	var artifacts []int64
	for _, r := range rows {
		k := key{r.ArtifactID, r.ExecutionID, r.Type}
		if seen[k] {
			return exists(r, "is given twice")
		}
		seen[k] = true
		artifacts = append(artifacts, r.ArtifactID)
	}
	stored, gerr := tx.GetEvents(ctx, driver.KindArtifact, dedupIDs(artifacts))
	if gerr != nil {
		return err
	}
	for _, s := range stored {
		if seen[key{s.ArtifactID, s.ExecutionID, s.Type}] {
			return exists(s, fmt.Sprintf("is stored (event id %d)", s.ID))
		}
	}
	return err
}

// duplicateParentError is duplicateNodeError for parent-context links
// ("Given parent_context already exists").
func duplicateParentError(ctx context.Context, tx driver.Tx, rows []driver.ParentContextRow, err error) error {
	exists := func(r driver.ParentContextRow, how string) error {
		return errcode.Wrap(errcode.AlreadyExists, err,
			"Given parent_context already exists: context %d is a child of context %d %s", r.ChildID, r.ParentID, how)
	}
	seen := map[driver.ParentContextRow]bool{}
	var children []int64
	for _, r := range rows {
		k := driver.ParentContextRow{ChildID: r.ChildID, ParentID: r.ParentID}
		if seen[k] {
			return exists(r, "twice in the request")
		}
		seen[k] = true
		children = append(children, r.ChildID)
	}
	stored, gerr := tx.GetParentContexts(ctx, dedupIDs(children), nil)
	if gerr != nil {
		return err
	}
	for _, s := range stored {
		if seen[driver.ParentContextRow{ChildID: s.ChildID, ParentID: s.ParentID}] {
			return exists(s, "already")
		}
	}
	return err
}
