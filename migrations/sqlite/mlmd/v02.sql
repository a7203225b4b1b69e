-- MLMD schema version 2 for SQLite: Type.is_artifact_type becomes
-- Type.type_kind (0 execution type, 1 artifact type, and from version 3 on
-- 2 context type); the values 0 and 1 keep their meaning.

-- +goose Up
ALTER TABLE Type RENAME COLUMN is_artifact_type TO type_kind;

-- +goose Down
-- Version 1 knows no context types: they go, with their properties.
DELETE FROM TypeProperty WHERE type_id IN (SELECT id FROM Type WHERE type_kind = 2);
DELETE FROM Type WHERE type_kind = 2;
ALTER TABLE Type RENAME COLUMN type_kind TO is_artifact_type;
