-- MLMD schema v1 -> v2 (PostgreSQL): Type.is_artifact_type becomes
-- Type.type_kind (1 artifact type, 0 execution type, and from now on 2
-- context type); the rows keep their ids and values.
--
-- Down: version 1 cannot hold context types, so they go, together with
-- their TypeProperty rows (left behind, they would attach to a type that
-- later reuses the id), and the column gets its old name back.
--
-- PostgreSQL runs DDL in transactions and the runner takes the whole chain
-- in one, so a failed upgrade or downgrade leaves the database as it was.

-- +goose Up
ALTER TABLE Type RENAME COLUMN is_artifact_type TO type_kind;

-- +goose Down
DELETE FROM TypeProperty WHERE type_id IN (SELECT id FROM Type WHERE type_kind = 2);
DELETE FROM Type WHERE type_kind = 2;
ALTER TABLE Type RENAME COLUMN type_kind TO is_artifact_type;
