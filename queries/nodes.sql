-- Queries on the node tables (Artifact, Execution, Context) and their
-- property tables. One block per kind; the blocks differ only in names and
-- in the columns each kind has.

-- name: ArtifactIDsByID :many
SELECT id FROM Artifact WHERE id IN (sqlc.slice('ids')) ORDER BY id;

-- name: ArtifactIDsByType :many
SELECT id FROM Artifact WHERE type_id = ? ORDER BY id;

-- name: ArtifactIDsByTypeAndNames :many
SELECT id FROM Artifact
WHERE type_id = ? AND name IN (sqlc.slice('names'))
ORDER BY id;

-- name: ArtifactIDsByExternalIDs :many
SELECT id FROM Artifact
WHERE external_id IN (sqlc.slice('external_ids'))
ORDER BY id;

-- name: ArtifactKeysByTypesAndNames :many
SELECT id, type_id, name FROM Artifact
WHERE type_id IN (sqlc.slice('type_ids')) AND name IN (sqlc.slice('names'))
ORDER BY id;

-- name: ArtifactIDsByURIs :many
SELECT id FROM Artifact
WHERE uri IN (sqlc.slice('uris'))
ORDER BY id;

-- name: ArtifactIDsWithoutURI :many
SELECT id FROM Artifact
WHERE uri IS NULL OR uri = ''
ORDER BY id;

-- name: ExecutionIDsByID :many
SELECT id FROM Execution WHERE id IN (sqlc.slice('ids')) ORDER BY id;

-- name: ExecutionIDsByType :many
SELECT id FROM Execution WHERE type_id = ? ORDER BY id;

-- name: ExecutionIDsByTypeAndNames :many
SELECT id FROM Execution
WHERE type_id = ? AND name IN (sqlc.slice('names'))
ORDER BY id;

-- name: ExecutionIDsByExternalIDs :many
SELECT id FROM Execution
WHERE external_id IN (sqlc.slice('external_ids'))
ORDER BY id;

-- name: ExecutionKeysByTypesAndNames :many
SELECT id, type_id, name FROM Execution
WHERE type_id IN (sqlc.slice('type_ids')) AND name IN (sqlc.slice('names'))
ORDER BY id;

-- name: ContextIDsByID :many
SELECT id FROM Context WHERE id IN (sqlc.slice('ids')) ORDER BY id;

-- name: ContextIDsByType :many
SELECT id FROM Context WHERE type_id = ? ORDER BY id;

-- name: ContextIDsByTypeAndNames :many
SELECT id FROM Context
WHERE type_id = ? AND name IN (sqlc.slice('names'))
ORDER BY id;

-- name: ContextIDsByExternalIDs :many
SELECT id FROM Context
WHERE external_id IN (sqlc.slice('external_ids'))
ORDER BY id;

-- name: ContextKeysByTypesAndNames :many
SELECT id, type_id, name FROM Context
WHERE type_id IN (sqlc.slice('type_ids')) AND name IN (sqlc.slice('names'))
ORDER BY id;
