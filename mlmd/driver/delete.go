package driver

import "context"

// DeleteTx is an optional interface that a Tx may implement to delete
// rows. mlmd.Store's Delete methods need it and return Unimplemented when
// the backend's Tx lacks it. The rules of what a deletion takes with it
// are mlmd.Store's; these methods only remove the rows they are told to.
type DeleteTx interface {
	Tx

	// DeleteNodes deletes the nodes of kind with the given ids and every
	// row that refers to them: their property rows; for artifacts and
	// executions their events, with the events' paths, and their
	// attributions or associations; for contexts their attributions, their
	// associations and their parent-context links, as child and as parent.
	// Ids that name no node are ignored. It returns how many nodes it
	// deleted.
	DeleteNodes(ctx context.Context, kind Kind, ids []int64) (int64, error)

	// DeleteTypes deletes the types of kind with the given ids, with their
	// properties and their parent-type links (as child and as parent). The
	// caller has checked that no node has one of these types. Ids that
	// name no type of kind are ignored. It returns how many types it
	// deleted.
	DeleteTypes(ctx context.Context, kind Kind, ids []int64) (int64, error)
}
