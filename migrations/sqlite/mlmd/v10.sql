-- MLMD schema version 10 for SQLite: property tables gain proto_value (a
-- serialized google.protobuf.Any) and bool_value.

-- +goose Up
ALTER TABLE ArtifactProperty ADD COLUMN proto_value BLOB;
ALTER TABLE ArtifactProperty ADD COLUMN bool_value BOOLEAN;
ALTER TABLE ExecutionProperty ADD COLUMN proto_value BLOB;
ALTER TABLE ExecutionProperty ADD COLUMN bool_value BOOLEAN;
ALTER TABLE ContextProperty ADD COLUMN proto_value BLOB;
ALTER TABLE ContextProperty ADD COLUMN bool_value BOOLEAN;

-- +goose Down
-- Version 9 cannot hold proto or bool values: a property that has no other
-- value goes; the two columns go from the others.
DELETE FROM ArtifactProperty
WHERE int_value IS NULL AND double_value IS NULL AND string_value IS NULL AND byte_value IS NULL;
DELETE FROM ExecutionProperty
WHERE int_value IS NULL AND double_value IS NULL AND string_value IS NULL AND byte_value IS NULL;
DELETE FROM ContextProperty
WHERE int_value IS NULL AND double_value IS NULL AND string_value IS NULL AND byte_value IS NULL;
ALTER TABLE ArtifactProperty DROP COLUMN proto_value;
ALTER TABLE ArtifactProperty DROP COLUMN bool_value;
ALTER TABLE ExecutionProperty DROP COLUMN proto_value;
ALTER TABLE ExecutionProperty DROP COLUMN bool_value;
ALTER TABLE ContextProperty DROP COLUMN proto_value;
ALTER TABLE ContextProperty DROP COLUMN bool_value;
