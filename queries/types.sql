-- Queries on Type, TypeProperty and ParentType. Like every file here,
-- engine-neutral: every SQL backend runs them (plain ? placeholders, which
-- a backend may rewrite to its own; no RETURNING, no engine-only syntax).

-- name: UpdateType :execrows
UPDATE Type
SET description = ?, external_id = ?, input_type = ?, output_type = ?
WHERE id = ?;

-- name: SchemaVersions :many
SELECT schema_version FROM MLMDEnv;
