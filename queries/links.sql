-- Queries on Event, EventPath, Attribution, Association and ParentContext.

-- name: EventsByArtifactIDs :many
SELECT * FROM Event
WHERE artifact_id IN (sqlc.slice('ids'))
ORDER BY id;

-- name: EventsByExecutionIDs :many
SELECT * FROM Event
WHERE execution_id IN (sqlc.slice('ids'))
ORDER BY id;

-- EventPath has no key of its own: the steps of one event come back in
-- the order of idx_eventpath_event_id, which within one event is the order
-- they were inserted in (SQLite rowid, InnoDB's hidden row id).

-- name: EventPathsByEventIDs :many
SELECT event_id, is_index_step, step_index, step_key FROM EventPath
WHERE event_id IN (sqlc.slice('event_ids'))
ORDER BY event_id;

-- name: Attributions :many
SELECT id, context_id, artifact_id AS node_id FROM Attribution
WHERE artifact_id IN (sqlc.slice('node_ids')) OR context_id IN (sqlc.slice('context_ids'))
ORDER BY id;

-- name: Associations :many
SELECT id, context_id, execution_id AS node_id FROM Association
WHERE execution_id IN (sqlc.slice('node_ids')) OR context_id IN (sqlc.slice('context_ids'))
ORDER BY id;

-- name: ParentContexts :many
SELECT context_id, parent_context_id FROM ParentContext
WHERE context_id IN (sqlc.slice('child_ids')) OR parent_context_id IN (sqlc.slice('parent_ids'))
ORDER BY context_id, parent_context_id;
