-- Queries on Type, TypeProperty and ParentType. Like every file here,
-- engine-neutral: every SQL backend runs them (plain ? placeholders, which
-- a backend may rewrite to its own; no RETURNING, no engine-only syntax).

-- name: UpdateType :execrows
UPDATE Type
SET description = ?, external_id = ?, input_type = ?, output_type = ?
WHERE id = ?;

-- name: TypesByKind :many
SELECT * FROM Type WHERE type_kind = ? ORDER BY id;

-- name: TypesByIDs :many
SELECT * FROM Type
WHERE type_kind = ? AND id IN (sqlc.slice('ids'))
ORDER BY id;

-- name: TypesByExternalIDs :many
SELECT * FROM Type
WHERE type_kind = ? AND external_id IN (sqlc.slice('external_ids'))
ORDER BY id;

-- name: TypesByNames :many
SELECT * FROM Type
WHERE type_kind = ? AND name IN (sqlc.slice('names'))
ORDER BY id;

-- name: TypePropertiesByTypeIDs :many
SELECT type_id, name, data_type FROM TypeProperty
WHERE type_id IN (sqlc.slice('type_ids'))
ORDER BY type_id, name;

-- name: ParentTypesByTypeIDs :many
SELECT type_id, parent_type_id FROM ParentType
WHERE type_id IN (sqlc.slice('type_ids'))
ORDER BY type_id, parent_type_id;

-- name: SchemaVersions :many
SELECT schema_version FROM MLMDEnv;
