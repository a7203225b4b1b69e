-- MLMD schema version 7 for SQLite: property tables gain byte_value, and
-- EventPath an index on event_id.

-- +goose Up
ALTER TABLE ArtifactProperty ADD COLUMN byte_value BLOB;
ALTER TABLE ExecutionProperty ADD COLUMN byte_value BLOB;
ALTER TABLE ContextProperty ADD COLUMN byte_value BLOB;
CREATE INDEX IF NOT EXISTS idx_eventpath_event_id ON EventPath (event_id);

-- +goose Down
-- Version 6 cannot hold a byte value: a property that has no other value
-- goes; the column goes from the others (the indexes of version 8 that
-- name the table are gone by now, so SQLite can drop the column).
DROP INDEX IF EXISTS idx_eventpath_event_id;
DELETE FROM ArtifactProperty
WHERE byte_value IS NOT NULL AND int_value IS NULL AND double_value IS NULL AND string_value IS NULL;
DELETE FROM ExecutionProperty
WHERE byte_value IS NOT NULL AND int_value IS NULL AND double_value IS NULL AND string_value IS NULL;
DELETE FROM ContextProperty
WHERE byte_value IS NOT NULL AND int_value IS NULL AND double_value IS NULL AND string_value IS NULL;
ALTER TABLE ArtifactProperty DROP COLUMN byte_value;
ALTER TABLE ExecutionProperty DROP COLUMN byte_value;
ALTER TABLE ContextProperty DROP COLUMN byte_value;
